/** Sigmoid — 1 / (1 + e^−x); the gradient y·(1 − y) comes from the saved output. */
import { activation } from './activation';
import type { KArr, KernelThis } from './spec';

function sigmoidForward(this: KernelThis, x: KArr): number {
  return 1 / (1 + Math.exp(-x[this.thread.x]));
}

function sigmoidBackward(this: KernelThis, y: KArr, dy: KArr): number {
  return dy[this.thread.x] * y[this.thread.x] * (1 - y[this.thread.x]);
}

export const Sigmoid = activation({
  type: 'Sigmoid',
  label: 'Sigmoid',
  description: 'Logistic sigmoid: 1 / (1 + e^−x), squashing values into (0, 1).',
  // exp, add, divide per element
  flopsPerElement: 3,
  forward: sigmoidForward,
  backward: sigmoidBackward,
  gradFrom: 'output',
  torch: { fn: 'torch.sigmoid' },
});
