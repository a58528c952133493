import { layerSuite } from '../helpers/layer-suite';

// The suite runs Regression through `loss` (MSE against same-shaped targets) and finite-differences the loss.
layerSuite('Regression', [
  { type: 'Regression', params: {}, inShapes: [[5]], batch: 4 },
  { type: 'Regression', params: {}, inShapes: [[1]], batch: 3 },
  { type: 'Regression', params: {}, inShapes: [[2, 3, 4]], batch: 2 },
]);
