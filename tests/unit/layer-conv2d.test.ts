import { layerSuite } from '../helpers/layer-suite';

layerSuite('Conv2D', [
  { type: 'Conv2D', params: { filters: 4, kernelSize: [3, 3] }, inShapes: [[3, 7, 7]] },
  { type: 'Conv2D', params: { filters: 2, kernelSize: [1, 1] }, inShapes: [[5, 4, 6]] },
  { type: 'Conv2D', params: { filters: 3, kernelSize: [5, 5], stride: [2, 2], padding: [2, 2] }, inShapes: [[2, 11, 9]] },
  { type: 'Conv2D', params: { filters: 2, kernelSize: [3, 3], stride: [3, 3], padding: 'same', useBias: false }, inShapes: [[2, 10, 8]] },
  { type: 'Conv2D', params: { filters: 2, kernelSize: [7, 7], stride: [2, 3], padding: 'same' }, inShapes: [[1, 9, 13]], batch: 3 },
  { type: 'Conv2D', params: { filters: 3, kernelSize: [3, 5], stride: [1, 2], padding: [1, 0] }, inShapes: [[2, 8, 11]] },
]);
