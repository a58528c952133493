/**
 * Optimizers as update kernels, one set per tensor size, with PyTorch's update rules so runs
 * compare step for step:
 *   SGD       w ← w − lr·g
 *   Momentum  v ← μ·v + g;  w ← w − lr·v
 *   Nesterov  v ← μ·v + g;  w ← w − lr·(g + μ·v)
 *   RMSprop   s ← α·s + (1−α)·g²;  w ← w − lr·g / (√s + ε)
 *   Adam      m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr·(m/c1) / (√(v/c2) + ε)
 *   AdamW     as Adam on the raw gradient, from w·(1 − lr·λ) (decoupled weight decay)
 * where g already includes weight decay (g + λ·w, as PyTorch's `weight_decay`; not for AdamW),
 * and c1, c2 are the bias corrections 1 − β^t. `hyper` is a per-step argument [lr, c1, c2], so a
 * schedule never recompiles the plan. Names, slots, defaults and settings are the gpu-free
 * table in io/optimizer-table.ts; `UPDATES` below is each row's kernels.
 */
import type { Handle, KArr, KernelCall, KernelThis } from '../layers/spec';
import type { Device } from '../backend/device';

import { optimizerSetting, optimizerSlots } from '../io/optimizer-table';
import type { OptimizerConfig, OptimizerName } from '../io/settings';

export { OPTIMIZERS, type OptimizerConfig, type OptimizerName } from '../io/settings';
export { optimizerSlots };

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
function nesterovStep(this: KernelThis<OptConsts>, w: KArr, g: KArr, v: KArr, hyper: KArr): number {
  const gi = g[this.thread.x] + this.constants.wd * w[this.thread.x];
  return w[this.thread.x] - hyper[0] * (gi + this.constants.mu * v[this.thread.x]);
}
function rawFirst(this: KernelThis<OptConsts>, m: KArr, g: KArr): number {
  return this.constants.b1 * m[this.thread.x] + (1 - this.constants.b1) * g[this.thread.x];
}
function rawSecond(this: KernelThis<OptConsts>, v: KArr, g: KArr): number {
  const gi = g[this.thread.x];
  return this.constants.b2 * v[this.thread.x] + (1 - this.constants.b2) * gi * gi;
}
function adamwStep(this: KernelThis<OptConsts>, w: KArr, m: KArr, v: KArr, hyper: KArr): number {
  const decayed = w[this.thread.x] * (1 - hyper[0] * this.constants.wd);
  return decayed - (hyper[0] * (m[this.thread.x] / hyper[1])) / (Math.sqrt(v[this.thread.x] / hyper[2]) + this.constants.eps);
}
function adamStep(this: KernelThis<OptConsts>, w: KArr, m: KArr, v: KArr, hyper: KArr): number {
  return w[this.thread.x] - (hyper[0] * (m[this.thread.x] / hyper[1])) / (Math.sqrt(v[this.thread.x] / hyper[2]) + this.constants.eps);
}

/** Per-step hyper argument: [lr, 1 − β1^t, 1 − β2^t] for step t (1-based). */
export function hyperFor(cfg: OptimizerConfig, step: number): Float32Array {
  const b1 = optimizerSetting(cfg, 'beta1');
  const b2 = optimizerSetting(cfg, 'beta2');
  return new Float32Array([cfg.lr, 1 - Math.pow(b1, step), 1 - Math.pow(b2, step)]);
}

export type TensorUpdate = (w: Handle, g: Handle, slots: Handle[], hyper: Handle) => { w: Handle; slots: Handle[] };

type Kernel = (fn: (this: KernelThis<OptConsts>, ...a: KArr[]) => number) => KernelCall;

/** Each optimizer's update for one tensor size, from its kernels (slots in the table's order). */
const UPDATES: Record<OptimizerName, (k: Kernel) => TensorUpdate> = {
  sgd: (k) => {
    const step = k(sgdStep);
    return (w, g, _s, h) => ({ w: step(w, g, h), slots: [] });
  },
  momentum: (k) => {
    const vel = k(momentumVelocity);
    const apply = k(applyVelocity);
    return (w, g, [v], h) => {
      const v2 = vel(v, w, g);
      return { w: apply(w, v2, h), slots: [v2] };
    };
  },
  nesterov: (k) => {
    const vel = k(momentumVelocity);
    const step = k(nesterovStep);
    return (w, g, [v], h) => {
      const v2 = vel(v, w, g);
      return { w: step(w, g, v2, h), slots: [v2] };
    };
  },
  rmsprop: (k) => {
    const sq = k(rmsSquare);
    const step = k(rmsStep);
    return (w, g, [s], h) => {
      const s2 = sq(s, w, g);
      return { w: step(w, g, s2, h), slots: [s2] };
    };
  },
  adam: (k) => {
    const first = k(adamFirst);
    const second = k(adamSecond);
    const step = k(adamStep);
    return (w, g, [m, v], h) => {
      const m2 = first(m, w, g);
      const v2 = second(v, w, g);
      return { w: step(w, m2, v2, h), slots: [m2, v2] };
    };
  },
  adamw: (k) => {
    const first = k(rawFirst);
    const second = k(rawSecond);
    const step = k(adamwStep);
    return (w, g, [m, v], h) => {
      const m2 = first(m, g);
      const v2 = second(v, g);
      return { w: step(w, m2, v2, h), slots: [m2, v2] };
    };
  },
};

/** Build the update for tensors of `n` elements (call once per distinct size; kernels are shared). */
export function makeUpdater(device: Device, cfg: OptimizerConfig): (n: number) => TensorUpdate {
  const c: OptConsts = {
    wd: cfg.weightDecay ?? 0,
    mu: optimizerSetting(cfg, 'momentum'),
    rho: optimizerSetting(cfg, 'rho'),
    b1: optimizerSetting(cfg, 'beta1'),
    b2: optimizerSetting(cfg, 'beta2'),
    eps: optimizerSetting(cfg, 'epsilon'),
  };
  const cache = new Map<number, TensorUpdate>();
  return (n) => {
    let u = cache.get(n);
    if (!u) cache.set(n, (u = UPDATES[cfg.name]((fn) => device.kernel(fn, n, c))));
    return u;
  };
}
