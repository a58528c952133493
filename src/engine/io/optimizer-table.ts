/**
 * The optimizers, one row each: name, label, the state slots it keeps per trainable tensor
 * (PyTorch's names), its defaults and the settings a person can change. gpu-free (the settings
 * panel, the project file, the protocol and the memory estimate read it); each row's update
 * kernels are its row in train/optimizers.ts (`UPDATES`, typed so a row here without one there
 * does not compile). Adding an optimizer: one row here, one there, one PyTorch line in
 * tests/torch/reference.py.
 */

/** Settings an optimizer may have beyond the learning rate. */
export type OptimizerField = 'momentum' | 'rho' | 'beta1' | 'beta2' | 'epsilon';

export interface OptimizerRow {
  label: string;
  /** State kept per trainable tensor, in order (PyTorch's state names). */
  slots: readonly string[];
  /** PyTorch's defaults (momentum: 0.9, the usual choice; PyTorch has none). */
  defaults: Partial<Record<OptimizerField, number>>;
  /** The settings shown for it, in order. */
  fields: readonly OptimizerField[];
}

export const OPTIMIZER_TABLE = {
  sgd: { label: 'SGD', slots: [], defaults: {}, fields: [] },
  momentum: { label: 'SGD + momentum', slots: ['momentum_buffer'], defaults: { momentum: 0.9 }, fields: ['momentum'] },
  nesterov: { label: 'SGD + Nesterov momentum', slots: ['momentum_buffer'], defaults: { momentum: 0.9 }, fields: ['momentum'] },
  rmsprop: { label: 'RMSprop', slots: ['square_avg'], defaults: { rho: 0.99, epsilon: 1e-8 }, fields: ['rho', 'epsilon'] },
  adam: { label: 'Adam', slots: ['exp_avg', 'exp_avg_sq'], defaults: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, fields: ['beta1', 'beta2', 'epsilon'] },
  /** Adam with decoupled weight decay (Loshchilov & Hutter): the run's weight decay shrinks the weights, not the gradient. */
  adamw: { label: 'AdamW', slots: ['exp_avg', 'exp_avg_sq'], defaults: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, fields: ['beta1', 'beta2', 'epsilon'] },
} as const satisfies Record<string, OptimizerRow>;

export type OptimizerName = keyof typeof OPTIMIZER_TABLE;
export const OPTIMIZERS = Object.keys(OPTIMIZER_TABLE) as [OptimizerName, ...OptimizerName[]];

/** How each setting is shown and bounded (all lie in [0, 1) but epsilon, in (0, 1]). */
export const OPTIMIZER_FIELDS: Record<OptimizerField, { label: string; testId: string }> = {
  momentum: { label: 'Momentum μ', testId: 'training-momentum' },
  rho: { label: 'Smoothing α', testId: 'training-rho' },
  beta1: { label: 'β1', testId: 'training-beta1' },
  beta2: { label: 'β2', testId: 'training-beta2' },
  epsilon: { label: 'ε', testId: 'training-epsilon' },
};

export const optimizerSlots = (name: OptimizerName): readonly string[] => OPTIMIZER_TABLE[name].slots;

/** A setting's value for a config: its own, else the optimizer's default. */
export function optimizerSetting(cfg: { name: OptimizerName } & Partial<Record<OptimizerField, number>>, field: OptimizerField): number {
  const own = cfg[field];
  if (own !== undefined) return own;
  const d = (OPTIMIZER_TABLE[cfg.name].defaults as Partial<Record<OptimizerField, number>>)[field];
  return d ?? FALLBACK[field];
}

/** For a field an optimizer does not use (its kernels still take a constant). */
const FALLBACK: Record<OptimizerField, number> = { momentum: 0.9, rho: 0.99, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
