import { layerSuite } from '../helpers/layer-suite';

layerSuite('Dense', [
  { type: 'Dense', params: { units: 4 }, inShapes: [[7]] },
  { type: 'Dense', params: { units: 1 }, inShapes: [[13]], batch: 3 },
  { type: 'Dense', params: { units: 9, useBias: false }, inShapes: [[5]] },
  { type: 'Dense', params: { units: 10 }, inShapes: [[48]], batch: 3 },
  { type: 'Dense', params: { units: 3 }, inShapes: [[1]] },
  // 41 and 47 are divisors whose f32 quotient lands low on webgpu (41 / 41 < 1)
  { type: 'Dense', params: { units: 41 }, inShapes: [[47]] },
  // over MAX_UNROLL inputs and units: the sums loop in blocks of 16 with an unrolled rest
  { type: 'Dense', params: { units: 70 }, inShapes: [[150]], batch: 3 },
]);
