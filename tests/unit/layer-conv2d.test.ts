import { layerSuite } from '../helpers/layer-suite';

layerSuite('Conv2D', [
  { type: 'Conv2D', params: { filters: 4, kernelSize: [3, 3] }, inShapes: [[3, 7, 7]] },
  { type: 'Conv2D', params: { filters: 2, kernelSize: [1, 1] }, inShapes: [[5, 4, 6]] },
  { type: 'Conv2D', params: { filters: 3, kernelSize: [5, 5], stride: [2, 2], padding: [2, 2] }, inShapes: [[2, 11, 9]] },
  { type: 'Conv2D', params: { filters: 2, kernelSize: [3, 3], stride: [3, 3], padding: 'same', useBias: false }, inShapes: [[2, 10, 8]] },
  { type: 'Conv2D', params: { filters: 2, kernelSize: [7, 7], stride: [2, 3], padding: 'same' }, inShapes: [[1, 9, 13]], batch: 3 },
  { type: 'Conv2D', params: { filters: 3, kernelSize: [3, 5], stride: [1, 2], padding: [1, 0] }, inShapes: [[2, 8, 11]] },
  // 9,216 weights → the weight gradient splits the batch of 3 into 2 uneven slices
  { type: 'Conv2D', params: { filters: 64, kernelSize: [3, 3], padding: 'same' }, inShapes: [[16, 5, 5]], batch: 3 },
  { type: 'Conv2D', params: { filters: 4, kernelSize: [1, 1], stride: [2, 2], useBias: false }, inShapes: [[3, 7, 7]], batch: 3 },
  { type: 'Conv2D', params: { filters: 2, kernelSize: [2, 4], stride: [2, 2], padding: 'same' }, inShapes: [[3, 6, 9]] },
  // Winograd on webasm (stride 1, 2×2 to 5×5 taps, ≥ 16 channels in and out): odd output sizes
  // leave partial tiles; 'same' pads; 3×3 uses F(4, 3), 5×5 and 2×4 F(2, 5) and F(2, 2) × F(2, 4)
  { type: 'Conv2D', params: { filters: 16, kernelSize: [3, 3] }, inShapes: [[16, 7, 9]], batch: 2, noFiniteDifference: true, name: 'Winograd F(4×4, 3×3), partial tiles' },
  { type: 'Conv2D', params: { filters: 24, kernelSize: [3, 3], padding: 'same' }, inShapes: [[32, 13, 13]], batch: 2, noFiniteDifference: true, name: 'Winograd F(4×4, 3×3), 32 channels, 13×13 same' },
  { type: 'Conv2D', params: { filters: 17, kernelSize: [5, 5], padding: 'same', useBias: false }, inShapes: [[16, 6, 5]], noFiniteDifference: true, name: 'Winograd F(2×2, 5×5), same padding' },
  { type: 'Conv2D', params: { filters: 16, kernelSize: [2, 4], padding: [1, 2] }, inShapes: [[18, 5, 6]], noFiniteDifference: true, name: 'Winograd F(2×2, 2×4), explicit padding' },
  // widths 41 and 47: divisors whose f32 quotient SwiftShader gets wrong (index decode must be exact)
  { type: 'Conv2D', params: { filters: 2, kernelSize: [3, 3], padding: 'same' }, inShapes: [[2, 3, 41]] },
  { type: 'Conv2D', params: { filters: 3, kernelSize: [1, 3], stride: [1, 2] }, inShapes: [[1, 2, 95]], batch: 3 },
  // VGG-16's row width: a 224-term weight-gradient row once failed WGSL parsing ("maximum parser
  // recursive depth reached"); now blocks of MAX_TERMS in a loop
  { type: 'Conv2D', params: { filters: 2, kernelSize: [3, 3], padding: 'same' }, inShapes: [[1, 2, 224]], noFiniteDifference: true, name: 'VGG-width rows (224 columns)' },
  // 11×11 = 121 taps (AlexNet conv1): over MAX_UNROLL, so the kernel rows loop
  { type: 'Conv2D', params: { filters: 2, kernelSize: [11, 11], stride: [4, 4], padding: [2, 2] }, inShapes: [[2, 15, 19]], name: '11×11 taps, stride 4 (rows looped)' },
  // a 1×70 kernel: one row wider than MAX_UNROLL, looped in blocks too
  { type: 'Conv2D', params: { filters: 2, kernelSize: [1, 70], padding: 'same' }, inShapes: [[1, 2, 75]], noFiniteDifference: true, name: '1×70 taps (row looped in blocks)' },
]);
