import { layerSuite } from '../helpers/layer-suite';

layerSuite('Add', [
  { type: 'Add', params: {}, inShapes: [[3, 5, 7], [3, 5, 7]] },
  { type: 'Add', params: {}, inShapes: [[2, 4, 3], [2, 4, 3], [2, 4, 3]], batch: 3 },
  { type: 'Add', params: {}, inShapes: [[11], [11]] },
  { type: 'Add', params: {}, inShapes: Array.from({ length: 8 }, () => [1, 3, 3]) },
]);
