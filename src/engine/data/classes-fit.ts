/**
 * How a network's classifier meets a dataset's classes — one rule for the Train tab and the
 * `convas train` command.
 */
import type { ShapeReport } from '../shapes/inferShapes';
import { SHAPE_CLASSES } from './shapes';

/** The network's classifier output (a Softmax) and its unit count; null for a Regression or no output. */
export function classifierOutput(report: ShapeReport): { id: string; type: string; units: number } | null {
  const output = report.nodes.find((n) => n.spec?.output);
  if (!output?.outputShape || output.spec?.output?.targets !== 'class') return null;
  return { id: output.id, type: output.type, units: output.outputShape.reduce((a, b) => a * b, 1) };
}

/**
 * How many shapes Shapes should draw for this network: as many as its Softmax has outputs when
 * Shapes has that many (2 to 10: the seed's MNIST networks get all ten); otherwise none asked
 * for (Shapes' default six), and the fit check says what does not match.
 */
export function shapesClassesFor(report: ShapeReport): number | undefined {
  const out = classifierOutput(report);
  return out && out.units >= 2 && out.units <= SHAPE_CLASSES.length ? out.units : undefined;
}
