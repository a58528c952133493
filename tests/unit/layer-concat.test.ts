import { layerSuite } from '../helpers/layer-suite';

layerSuite('Concat', [
  { type: 'Concat', params: {}, inShapes: [[3, 5, 7], [2, 5, 7]] },
  { type: 'Concat', params: {}, inShapes: [[1, 4, 3], [4, 4, 3], [2, 4, 3]], batch: 3 },
  { type: 'Concat', params: {}, inShapes: [[7], [3]] },
  { type: 'Concat', params: {}, inShapes: [[2], [1], [4], [3]], batch: 3 },
  // the chain joins 1 + … + 6 channels of 3×3 = 189 values per sample on the way: a divisor whose
  // f32 quotient lands low on webgpu
  { type: 'Concat', params: {}, inShapes: Array.from({ length: 8 }, (_, k) => [k + 1, 3, 3]) },
  // 47 values per sample: a divisor whose f32 quotient lands low on webgpu
  { type: 'Concat', params: {}, inShapes: [[41], [6]] },
]);
