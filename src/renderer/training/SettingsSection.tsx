/**
 * Hyperparameters, read from and written to the project's training settings (so a saved
 * project — and a preset — carries them): epochs, batch size, optimizer and its settings,
 * learning rate, weight decay, initializer, validation split, augmentation, backend.
 */
import { runSettingsOf, type TrainingSettings } from '../../engine/io/project';
import { OPTIMIZER_FIELDS, OPTIMIZER_TABLE, optimizerSetting } from '../../engine/io/optimizer-table';
import { BACKENDS, INITIALIZERS, OPTIMIZERS, type InitializerName } from '../../engine/io/settings';
import type { RunHyper } from '../platform/training';
import { useEditor } from '../store/editor';
import { NumberField, Section, SelectField, SwitchField } from './fields';

const INIT_LABELS: Record<InitializerName, string> = { msra: 'MSRA / He', xavier: 'Xavier / Glorot', normal: 'Normal (σ 0.01)', zeros: 'Zeros' };
/** A backend as people read it, with the name the engine reports (the run's status says the same words). */
export const BACKEND_LABELS: Record<string, string> = {
  auto: 'Auto (fastest here)',
  webgpu: 'GPU — WebGPU (webgpu)',
  webgl2: 'GPU — WebGL2 (webgl2)',
  headlessgl: 'GPU — headless GL (headlessgl)',
  webasm: 'CPU, vectorised — WebAssembly (webasm)',
  cpu: 'CPU, plain JavaScript — reference, slow (cpu)',
};

const NORMALIZE_OPTIONS = [
  { value: 'unit', label: 'Pixels in [0, 1]' },
  { value: 'standardize', label: 'Per channel: mean 0, std 1' },
  { value: 'none', label: 'As stored (0–255)' },
] as const;

/** The worker's hyperparameters from the project's settings. */
export function hyperFrom(t: TrainingSettings): RunHyper {
  return runSettingsOf(t);
}

function update(patch: Partial<TrainingSettings>) {
  const meta = useEditor.getState().meta;
  useEditor.getState().setMeta({ training: { ...meta.training, ...patch } });
}

/** The chosen optimizer's own settings, as its row in the optimizer table lists them. */
function OptimizerFields({ t, disabled }: { t: TrainingSettings; disabled: boolean }) {
  const o = t.optimizer;
  return (
    <>
      {OPTIMIZER_TABLE[o.name].fields.map((f) => (
        <NumberField
          key={f}
          label={OPTIMIZER_FIELDS[f].label}
          value={optimizerSetting(o, f)}
          min={0}
          max={1}
          {...(f === 'epsilon' ? { minInclusive: false } : { maxInclusive: false })}
          testId={OPTIMIZER_FIELDS[f].testId}
          disabled={disabled}
          onChange={(v) => update({ optimizer: { ...o, [f]: v } })}
        />
      ))}
    </>
  );
}

export function SettingsSection({ disabled }: { disabled: boolean }) {
  const t = useEditor((s) => s.meta.training);
  return (
    <Section title="Settings" testId="training-settings">
      <div className="tgrid">
        <NumberField label="Epochs" value={t.epochs} min={1} max={100_000} integer testId="training-epochs" disabled={disabled} onChange={(v) => update({ epochs: v })} />
        <NumberField label="Batch size" value={t.batchSize} min={1} max={65_536} integer testId="training-batch" disabled={disabled} onChange={(v) => update({ batchSize: v })} />
        <SelectField
          label="Optimizer"
          value={t.optimizer.name}
          options={OPTIMIZERS.map((o) => ({ value: o, label: OPTIMIZER_TABLE[o].label }))}
          testId="training-optimizer"
          disabled={disabled}
          onChange={(name) => update({ optimizer: { name, lr: t.optimizer.lr, ...OPTIMIZER_TABLE[name].defaults } })}
        />
        <NumberField label="Learning rate" value={t.optimizer.lr} min={0} minInclusive={false} max={1000} testId="training-lr" disabled={disabled} onChange={(v) => update({ optimizer: { ...t.optimizer, lr: v } })} />
        <OptimizerFields t={t} disabled={disabled} />
        <NumberField label="Weight decay" value={t.weightDecay} min={0} max={1} testId="training-weight-decay" disabled={disabled} onChange={(v) => update({ weightDecay: v })} />
        <SelectField label="Initializer" value={t.initializer} options={INITIALIZERS.map((i) => ({ value: i, label: INIT_LABELS[i] }))} testId="training-initializer" disabled={disabled} onChange={(v) => update({ initializer: v })} />
        <NumberField label="Validation split" value={t.validationSplit} min={0} max={1} maxInclusive={false} hint="used when the data has no test split" testId="training-val-split" disabled={disabled} onChange={(v) => update({ validationSplit: v })} />
        <NumberField label="Seed" value={t.seed} min={0} max={0xffffffff} integer testId="training-seed" disabled={disabled} onChange={(v) => update({ seed: v })} />
        <NumberField
          label="Random crop (px)"
          value={t.augmentation.randomCrop}
          min={0}
          max={64}
          integer
          hint="pad, then crop back; 0 = off"
          testId="training-crop"
          disabled={disabled}
          onChange={(v) => update({ augmentation: { ...t.augmentation, randomCrop: v } })}
        />
        <SelectField
          label="Normalise inputs"
          value={t.dataset?.normalize ?? 'unit'}
          options={NORMALIZE_OPTIONS}
          testId="training-normalize"
          disabled={disabled}
          onChange={(normalize) => update({ dataset: { ...(t.dataset ?? { source: 'builtin', name: 'shapes' }), normalize } })}
        />
        <SelectField label="Backend" value={t.backend} options={BACKENDS.map((b) => ({ value: b, label: BACKEND_LABELS[b] ?? b }))} testId="training-backend" disabled={disabled} onChange={(v) => update({ backend: v })} />
      </div>
      <div className="tswitches">
        <SwitchField label="Flip horizontally" checked={t.augmentation.flipHorizontal} testId="training-flip" disabled={disabled} onChange={(v) => update({ augmentation: { ...t.augmentation, flipHorizontal: v } })} />
        <SwitchField label="Shuffle" checked={t.shuffle} testId="training-shuffle" disabled={disabled} onChange={(v) => update({ shuffle: v })} />
      </div>
    </Section>
  );
}
