import { layerSuite } from '../helpers/layer-suite';

layerSuite('Sigmoid', [
  { type: 'Sigmoid', params: {}, inShapes: [[3, 5, 4]] },
  { type: 'Sigmoid', params: {}, inShapes: [[17]], batch: 3 },
]);
