/** Tanh — hyperbolic tangent; the gradient 1 − y² comes from the saved output. */
import { activation } from './activation';
import type { KArr, KernelThis } from './spec';

/**
 * Written with exp(−2|x|) ≤ 1 rather than Math.tanh: the same formula on every backend, and no
 * inf/inf for large |x| where a naive (e^x − e^−x)/(e^x + e^−x) would overflow.
 */
function tanhForward(this: KernelThis, x: KArr): number {
  const v = x[this.thread.x];
  const e = Math.exp(-2 * Math.abs(v));
  let t = (1 - e) / (1 + e);
  if (v < 0) t = -t;
  return t;
}

function tanhBackward(this: KernelThis, y: KArr, dy: KArr): number {
  return dy[this.thread.x] * (1 - y[this.thread.x] * y[this.thread.x]);
}

export const Tanh = activation({
  type: 'Tanh',
  label: 'Tanh',
  description: 'Hyperbolic tangent, squashing values into (−1, 1).',
  // exp, abs, two adds, divide per element
  flopsPerElement: 5,
  forward: tanhForward,
  backward: tanhBackward,
  gradFrom: 'output',
  torch: { fn: 'torch.tanh' },
});
