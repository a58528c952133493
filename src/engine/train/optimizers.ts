/**
 * Optimizers as update kernels, one set per tensor size, with PyTorch's update rules so runs
 * compare step for step:
 *   SGD       w ← w − lr·g
 *   Momentum  v ← μ·v + g;  w ← w − lr·v
 *   RMSprop   s ← α·s + (1−α)·g²;  w ← w − lr·g / (√s + ε)
 *   Adam      m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr·(m/c1) / (√(v/c2) + ε)
 * where g already includes weight decay (g + λ·w, as PyTorch's `weight_decay`), and c1, c2 are
 * the bias corrections 1 − β^t. `hyper` is a per-step argument [lr, c1, c2], so a schedule
 * never recompiles the plan.
 */
import type { Handle, KArr, KernelCall, KernelThis } from '../layers/spec';
import type { Device } from '../backend/device';

import type { OptimizerConfig, OptimizerName } from '../io/settings';

export { OPTIMIZERS, type OptimizerConfig, type OptimizerName } from '../io/settings';

type OptConsts = { wd: number; mu: number; rho: number; b1: number; b2: number; eps: number };

// Indices stay inline: gpu.js stores a `const` as f32 (on webgpu and webasm alike), which cannot
// hold an index above 2^24 exactly — VGG-16's fc6 weight has 102,760,448 elements.
function sgdStep(this: KernelThis<OptConsts>, w: KArr, g: KArr, hyper: KArr): number {
  return w[this.thread.x] - hyper[0] * (g[this.thread.x] + this.constants.wd * w[this.thread.x]);
}
function momentumVelocity(this: KernelThis<OptConsts>, v: KArr, w: KArr, g: KArr): number {
  return this.constants.mu * v[this.thread.x] + g[this.thread.x] + this.constants.wd * w[this.thread.x];
}
function applyVelocity(this: KernelThis<OptConsts>, w: KArr, v: KArr, hyper: KArr): number {
  return w[this.thread.x] - hyper[0] * v[this.thread.x];
}
function rmsSquare(this: KernelThis<OptConsts>, s: KArr, w: KArr, g: KArr): number {
  const gi = g[this.thread.x] + this.constants.wd * w[this.thread.x];
  return this.constants.rho * s[this.thread.x] + (1 - this.constants.rho) * gi * gi;
}
function rmsStep(this: KernelThis<OptConsts>, w: KArr, g: KArr, s: KArr, hyper: KArr): number {
  const gi = g[this.thread.x] + this.constants.wd * w[this.thread.x];
  return w[this.thread.x] - (hyper[0] * gi) / (Math.sqrt(s[this.thread.x]) + this.constants.eps);
}
function adamFirst(this: KernelThis<OptConsts>, m: KArr, w: KArr, g: KArr): number {
  return this.constants.b1 * m[this.thread.x] + (1 - this.constants.b1) * (g[this.thread.x] + this.constants.wd * w[this.thread.x]);
}
function adamSecond(this: KernelThis<OptConsts>, v: KArr, w: KArr, g: KArr): number {
  const gi = g[this.thread.x] + this.constants.wd * w[this.thread.x];
  return this.constants.b2 * v[this.thread.x] + (1 - this.constants.b2) * gi * gi;
}
function adamStep(this: KernelThis<OptConsts>, w: KArr, m: KArr, v: KArr, hyper: KArr): number {
  return w[this.thread.x] - (hyper[0] * (m[this.thread.x] / hyper[1])) / (Math.sqrt(v[this.thread.x] / hyper[2]) + this.constants.eps);
}

/** Names of the per-tensor state slots each optimizer keeps (PyTorch's names). */
export function optimizerSlots(name: OptimizerName): string[] {
  switch (name) {
    case 'sgd':
      return [];
    case 'momentum':
      return ['momentum_buffer'];
    case 'rmsprop':
      return ['square_avg'];
    case 'adam':
      return ['exp_avg', 'exp_avg_sq'];
  }
}

/** Per-step hyper argument: [lr, 1 − β1^t, 1 − β2^t] for step t (1-based). */
export function hyperFor(cfg: OptimizerConfig, step: number): Float32Array {
  const b1 = cfg.beta1 ?? 0.9;
  const b2 = cfg.beta2 ?? 0.999;
  return new Float32Array([cfg.lr, 1 - Math.pow(b1, step), 1 - Math.pow(b2, step)]);
}

export type TensorUpdate = (w: Handle, g: Handle, slots: Handle[], hyper: Handle) => { w: Handle; slots: Handle[] };

/** Build the update for tensors of `n` elements (call once per distinct size; kernels are shared). */
export function makeUpdater(device: Device, cfg: OptimizerConfig): (n: number) => TensorUpdate {
  const c: OptConsts = {
    wd: cfg.weightDecay ?? 0,
    mu: cfg.momentum ?? 0.9,
    rho: cfg.rho ?? 0.99,
    b1: cfg.beta1 ?? 0.9,
    b2: cfg.beta2 ?? 0.999,
    eps: cfg.epsilon ?? 1e-8,
  };
  const cache = new Map<number, TensorUpdate>();
  const k = (fn: (this: KernelThis<OptConsts>, ...a: KArr[]) => number, n: number): KernelCall =>
    device.kernel(fn, n, c);
  return (n) => {
    let u = cache.get(n);
    if (u) return u;
    switch (cfg.name) {
      case 'sgd': {
        const step = k(sgdStep, n);
        u = (w, g, _s, h) => ({ w: step(w, g, h), slots: [] });
        break;
      }
      case 'momentum': {
        const vel = k(momentumVelocity, n);
        const apply = k(applyVelocity, n);
        u = (w, g, [v], h) => {
          const v2 = vel(v, w, g);
          return { w: apply(w, v2, h), slots: [v2] };
        };
        break;
      }
      case 'rmsprop': {
        const sq = k(rmsSquare, n);
        const step = k(rmsStep, n);
        u = (w, g, [s], h) => {
          const s2 = sq(s, w, g);
          return { w: step(w, g, s2, h), slots: [s2] };
        };
        break;
      }
      case 'adam': {
        const first = k(adamFirst, n);
        const second = k(adamSecond, n);
        const step = k(adamStep, n);
        u = (w, g, [m, v], h) => {
          const m2 = first(m, w, g);
          const v2 = second(v, w, g);
          return { w: step(w, m2, v2, h), slots: [m2, v2] };
        };
        break;
      }
    }
    cache.set(n, u);
    return u;
  };
}
