import { layerSuite } from '../helpers/layer-suite';

layerSuite('GlobalAvgPool', [
  { type: 'GlobalAvgPool', params: {}, inShapes: [[3, 7, 7]] },
  { type: 'GlobalAvgPool', params: {}, inShapes: [[5, 4, 6]], batch: 3 },
  { type: 'GlobalAvgPool', params: {}, inShapes: [[2, 1, 1]] },
  { type: 'GlobalAvgPool', params: {}, inShapes: [[1, 9, 5]] },
  // H·W = 55: a divisor whose f32 quotient lands low on webgpu
  { type: 'GlobalAvgPool', params: {}, inShapes: [[3, 5, 11]] },
]);
