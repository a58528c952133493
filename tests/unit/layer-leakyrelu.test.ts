import { layerSuite } from '../helpers/layer-suite';

layerSuite('LeakyReLU', [
  { type: 'LeakyReLU', params: {}, inShapes: [[3, 5, 4]] },
  { type: 'LeakyReLU', params: { alpha: 0.2 }, inShapes: [[17]], batch: 3 },
  // alpha 0 is plain ReLU; alpha 1 is the identity (and an integer-valued kernel constant)
  { type: 'LeakyReLU', params: { alpha: 0 }, inShapes: [[2, 3, 3]] },
  { type: 'LeakyReLU', params: { alpha: 1 }, inShapes: [[9]], batch: 4 },
]);
