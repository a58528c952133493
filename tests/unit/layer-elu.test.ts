import { layerSuite } from '../helpers/layer-suite';

layerSuite('ELU', [
  { type: 'ELU', params: {}, inShapes: [[3, 5, 4]] },
  { type: 'ELU', params: { alpha: 0.5 }, inShapes: [[17]], batch: 3 },
  // alpha 0 is ReLU's forward; a large alpha stretches the negative side
  { type: 'ELU', params: { alpha: 0 }, inShapes: [[2, 3, 3]] },
  { type: 'ELU', params: { alpha: 2.5 }, inShapes: [[9]], batch: 4 },
]);
