import { layerSuite } from '../helpers/layer-suite';

layerSuite('Tanh', [
  { type: 'Tanh', params: {}, inShapes: [[3, 5, 4]] },
  { type: 'Tanh', params: {}, inShapes: [[17]], batch: 3 },
]);
