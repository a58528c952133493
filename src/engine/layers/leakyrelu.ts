/** LeakyReLU — x where x > 0, alpha·x elsewhere (PyTorch's negative_slope). */
import { activation } from './activation';
import type { KArr, KernelThis } from './spec';

export interface LeakyReLUParams {
  alpha: number;
}

type LeakyConsts = { alpha: number };

function leakyForward(this: KernelThis<LeakyConsts>, x: KArr): number {
  const v = x[this.thread.x];
  let y = v;
  if (v <= 0) y = v * this.constants.alpha;
  return y;
}

/** Gradient from the input's sign (at exactly 0 PyTorch uses the negative slope, as here). */
function leakyBackward(this: KernelThis<LeakyConsts>, x: KArr, dy: KArr): number {
  let g = dy[this.thread.x];
  if (x[this.thread.x] <= 0) g = dy[this.thread.x] * this.constants.alpha;
  return g;
}

export const LeakyReLU = activation<LeakyReLUParams, LeakyConsts>({
  type: 'LeakyReLU',
  label: 'LeakyReLU',
  description: 'Leaky rectified linear unit: x for x > 0, alpha·x otherwise, so negative inputs keep a small gradient.',
  params: [{ name: 'alpha', label: 'Alpha', kind: 'float', min: 0, default: 0.01, help: 'Slope for negative inputs (PyTorch negative_slope).' }],
  summary: (p) => `α ${p.alpha}`,
  flopsPerElement: 1,
  forward: leakyForward,
  backward: leakyBackward,
  gradFrom: 'input',
  constants: (p) => ({ alpha: p.alpha }),
  torch: { fn: 'F.leaky_relu', args: { negative_slope: 'alpha' } },
});
