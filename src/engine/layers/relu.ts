/** ReLU — max(x, 0); the gradient passes where the output is positive. */
import { activation } from './activation';
import type { KArr, KernelThis } from './spec';

function reluForward(this: KernelThis, x: KArr): number {
  return Math.max(x[this.thread.x], 0);
}

function reluBackward(this: KernelThis, y: KArr, dy: KArr): number {
  let g = 0;
  if (y[this.thread.x] > 0) g = dy[this.thread.x];
  return g;
}

export const ReLU = activation({
  type: 'ReLU',
  label: 'ReLU',
  description: 'Rectified linear unit: max(x, 0).',
  flopsPerElement: 1,
  forward: reluForward,
  backward: reluBackward,
  gradFrom: 'output',
  torch: { fn: 'F.relu' },
});
