/**
 * Which data a run uses and whether it fits the network: the project's dataset setting as a
 * choice, labels, and the checks made before training (Input shape, classes against the
 * output layer) — the same rules the worker applies, said before a worker starts.
 */
import { classifierOutput, shapesClassesFor } from '../../engine/data/classes-fit';
import type { BuiltinRef } from '../../engine/data/ref';
import type { ProjectDataset } from '../../engine/io/project';
import type { ShapeReport } from '../../engine/shapes/inferShapes';
import type { DataChoice, DataFormat, DataPreview } from '../platform/training';
import { canTrain } from '../graph/memory';

export { classifierOutput, shapesClassesFor };

export type BuiltinKey = BuiltinRef['kind'];
export type SourceKey = BuiltinKey | DataFormat;

/** The built-in sets by name, as the panel and a run's label say them. */
export const BUILTIN_LABELS: Record<BuiltinKey, string> = {
  mnist: 'MNIST digits',
  'fashion-mnist': 'Fashion-MNIST (installed)',
  shapes: 'Shapes',
  'kernel-fit': 'Kernel fit',
};

export function isBuiltinKey(k: SourceKey): k is BuiltinKey {
  return k in BUILTIN_LABELS;
}

export const SOURCES: readonly { value: SourceKey; label: string }[] = [
  { value: 'mnist', label: 'MNIST digits (built in, 10,000 real digits)' },
  { value: 'fashion-mnist', label: 'Fashion-MNIST (installed on this system)' },
  { value: 'shapes', label: 'Shapes (built in)' },
  { value: 'kernel-fit', label: 'Kernel fit (built in)' },
  { value: 'idx', label: 'MNIST / Fashion-MNIST (IDX files)' },
  { value: 'cifar10', label: 'CIFAR-10 (binary batches)' },
  { value: 'image-folder', label: 'Image folder (one sub-folder per class)' },
];

export function sourceOf(c: DataChoice): SourceKey {
  return c.kind === 'builtin' ? c.ref.kind : (c.format ?? 'idx');
}

/**
 * The project's dataset setting as a choice; file data must be picked again (no path from a
 * browser). Installed Fashion-MNIST becomes the built-in digits where the system's data cannot
 * be reached (the 18.5 preset's rule: Fashion-MNIST if installed, else MNIST digits).
 */
export function choiceFromProject(d: ProjectDataset | null, systemData = true): DataChoice {
  if (d?.source === 'builtin' && d.name === 'fashion-mnist' && !systemData) return { kind: 'builtin', ref: { kind: 'mnist' } };
  if (d?.source === 'builtin' && d.name && d.name !== 'shapes' && isBuiltinKey(d.name as SourceKey)) return { kind: 'builtin', ref: { kind: d.name as Exclude<BuiltinKey, 'shapes'> } };
  return { kind: 'builtin', ref: { kind: 'shapes' } };
}



/** Shapes with the panel's sample counts and the class count matched to the network (unless the choice names its own). */
export function withShapesOptions(c: DataChoice, o: { shapesSamples: number; shapesTestSamples: number; classes?: number }): DataChoice {
  if (c.kind !== 'builtin' || c.ref.kind !== 'shapes') return c;
  const classes = c.ref.classes ?? o.classes;
  return { kind: 'builtin', ref: { ...c.ref, samples: o.shapesSamples, testSamples: o.shapesTestSamples, ...(classes !== undefined ? { classes } : {}) } };
}

export function dataLabel(c: DataChoice): string {
  if (c.kind === 'files') return c.label;
  return BUILTIN_LABELS[c.ref.kind];
}

const fmt = (s: readonly number[]) => s.join('×');

/** Why this data cannot train this network, one sentence each; empty when it fits. */
export function fitProblems(p: DataPreview, report: ShapeReport): string[] {
  const problems: string[] = [];
  const input = report.nodes.find((n) => n.type === 'Input');
  const output = report.nodes.find((n) => n.spec?.output);
  if (input?.outputShape && fmt(input.outputShape) !== fmt(p.inputShape)) {
    problems.push(`The network's Input (${input.id}) is ${fmt(input.outputShape)}, but ${p.name} has samples of ${fmt(p.inputShape)}.`);
  }
  if (output?.outputShape && output.spec?.output) {
    const units = output.outputShape.reduce((a, b) => a * b, 1);
    if (output.spec.output.targets === 'class') {
      if (!p.classes) problems.push(`${p.name} has target images, not classes: ${output.id} (${output.type}) needs class labels — use a Regression output.`);
      else if (p.classes.length > units) problems.push(`${output.id} has ${units} outputs but ${p.name} has ${p.classes.length} classes: give the last Dense layer ${p.classes.length} units.`);
    } else if (p.classes) {
      problems.push(`${p.name} has class labels: ${output.id} (${output.type}) needs target values — use a Softmax output.`);
    } else if (fmt(p.targetShape) !== fmt(output.outputShape)) {
      problems.push(`${output.id} outputs ${fmt(output.outputShape)} but ${p.name}'s targets are ${fmt(p.targetShape)}.`);
    }
  }
  return problems;
}

/**
 * What fits but is probably not meant, one sentence each: fewer classes than the Softmax has
 * outputs (the extra outputs are trained towards zero and never predicted right).
 */
export function fitWarnings(p: DataPreview, report: ShapeReport): string[] {
  const out = classifierOutput(report);
  if (!out || !p.classes || p.classes.length >= out.units) return [];
  const spare = out.units - p.classes.length;
  return [`${p.name} has ${p.classes.length} classes but ${out.id} (${out.type}) has ${out.units} outputs: ${spare} output${spare === 1 ? '' : 's'} will never be a target.`];
}

/** Why the network itself cannot train, or null. */
export function networkProblem(report: ShapeReport): string | null {
  if (report.nodes.length === 0) return 'The canvas is empty: add layers or open a preset.';
  if (!report.ok) return `The network has ${report.errors.length === 1 ? 'an error' : `${report.errors.length} errors`}: ${report.errors[0].message}`;
  if (!report.nodes.some((n) => n.type === 'Input')) return 'The network needs an Input layer.';
  if (!canTrain(report)) return 'The network needs an output layer (Softmax for classes, Regression for values) to train.';
  return null;
}
