import { layerSuite } from '../helpers/layer-suite';

layerSuite('AvgPool2D', [
  { type: 'AvgPool2D', params: { poolSize: [2, 2] }, inShapes: [[3, 7, 7]] },
  { type: 'AvgPool2D', params: { poolSize: [3, 3], stride: [2, 2] }, inShapes: [[2, 9, 9]], batch: 3 },
  { type: 'AvgPool2D', params: { poolSize: [3, 3], stride: [3, 3], padding: [1, 1] }, inShapes: [[2, 10, 8]] },
  { type: 'AvgPool2D', params: { poolSize: [2, 2], padding: 'same' }, inShapes: [[3, 5, 7]] },
  { type: 'AvgPool2D', params: { poolSize: [3, 3], stride: [1, 1], padding: 'same' }, inShapes: [[1, 7, 9]], batch: 3 },
  { type: 'AvgPool2D', params: { poolSize: [2, 3], stride: [1, 2], padding: [1, 0] }, inShapes: [[2, 6, 7]] },
  { type: 'AvgPool2D', params: { poolSize: [3, 3], stride: [2, 3], padding: 'same' }, inShapes: [[4, 5, 4]] },
  // W = 41, H·W = OH·OW = 123: divisors whose f32 quotient lands low on webgpu
  { type: 'AvgPool2D', params: { poolSize: [3, 3], stride: [1, 1], padding: 'same' }, inShapes: [[1, 3, 41]] },
]);
