/**
 * Node-only: the inputs an export is checked on — the first samples of the project's own data
 * (its test split when it has one), in the data's own units, when that data can be opened here;
 * else seeded random values. The description says which.
 */
import { dirname, resolve } from 'node:path';
import { shapesClassesFor } from '../../data/classes-fit';
import { openDataset } from '../../data/open.node.js';
import type { DatasetRef } from '../../data/ref';
import { datasetRefOf, type Project } from '../project';
import type { ExportPlan } from './plan';
import { randomBatch } from './verify';

export async function verifyInputs(project: Project, projectPath: string, plan: ExportPlan, batch: number): Promise<{ raw: Float32Array; what: string }> {
  const d = project.training.dataset;
  if (d) {
    try {
      let ref = datasetRefOf(d, (p) => resolve(dirname(projectPath), p)) as DatasetRef;
      if (ref.kind === 'shapes') ref = { ...ref, classes: shapesClassesFor(plan.report) };
      const ds = await openDataset(ref, { inputShape: plan.input.outShape, seed: project.training.seed });
      try {
        const split = ds.test ?? ds.train;
        const fits = ds.inputShape.join('×') === plan.input.outShape.join('×');
        if (fits && split.length >= batch) return { raw: (await split.read(0, batch)).x, what: `${batch} samples of ${ds.name}` };
      } finally {
        await ds.close?.();
      }
    } catch {
      // the project's data is not here (another machine's folder, Fashion-MNIST not installed): random inputs
    }
  }
  return { raw: randomBatch(plan, batch, 1), what: `${batch} inputs (seeded random)` };
}
