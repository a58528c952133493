import { layerSuite } from '../helpers/layer-suite';

layerSuite('Flatten', [
  { type: 'Flatten', params: {}, inShapes: [[3, 5, 7]] },
  { type: 'Flatten', params: {}, inShapes: [[1, 4, 4]], batch: 3 },
  { type: 'Flatten', params: {}, inShapes: [[6, 1, 1]] },
  { type: 'Flatten', params: {}, inShapes: [[10]] },
]);
