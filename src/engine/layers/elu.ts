/** ELU — x where x > 0, alpha·(e^x − 1) elsewhere (Clevert et al. 2016; PyTorch's nn.ELU). */
import { activation } from './activation';
import type { KArr, KernelThis } from './spec';

export interface ELUParams {
  alpha: number;
}

type EluConsts = { alpha: number };

function eluForward(this: KernelThis<EluConsts>, x: KArr): number {
  const v = x[this.thread.x];
  let y = v;
  if (v <= 0) y = this.constants.alpha * (Math.exp(v) - 1);
  return y;
}

/** dy where x > 0, dy·alpha·e^x elsewhere (PyTorch takes the negative side at exactly 0, as here). */
function eluBackward(this: KernelThis<EluConsts>, x: KArr, dy: KArr): number {
  const v = x[this.thread.x];
  let g = dy[this.thread.x];
  if (v <= 0) g = dy[this.thread.x] * this.constants.alpha * Math.exp(v);
  return g;
}

export const ELU = activation<ELUParams, EluConsts>({
  type: 'ELU',
  label: 'ELU',
  description: 'Exponential linear unit: x for x > 0, alpha·(e^x − 1) otherwise — smooth, with negative outputs that pull mean activations toward zero.',
  params: [{ name: 'alpha', label: 'Alpha', kind: 'float', min: 0, default: 1, help: 'The value negative inputs approach: −alpha (PyTorch alpha).' }],
  summary: (p) => (p.alpha === 1 ? '' : `α ${p.alpha}`),
  // compare, exp, subtract, multiply per element
  flopsPerElement: 4,
  forward: eluForward,
  backward: eluBackward,
  gradFrom: 'input',
  constants: (p) => ({ alpha: p.alpha }),
  torch: { fn: 'F.elu', args: { alpha: 'alpha' } },
});
