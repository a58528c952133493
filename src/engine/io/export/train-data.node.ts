/**
 * Node-only: the data train.py trains on. A project's folder (IDX, CIFAR-10, images) is named by
 * its absolute path; a built-in set (Shapes, kernel fit, MNIST digits) is drawn exactly as
 * Convas's training draws it and written out as IDX files in `data/` beside train.py.
 */
import { resolve, dirname } from 'node:path';
import { shapesClassesFor } from '../../data/classes-fit';
import { openBuiltinDataset, type DatasetRef } from '../../data/ref';
import type { Project } from '../project';
import type { ArtifactFile } from './artifact';
import { idxFile } from './idx';
import type { ExportPlan } from './plan';
import type { TrainPySettings } from './train-py';

export async function trainData(project: Project, projectPath: string, plan: ExportPlan): Promise<{ data: TrainPySettings['data']; files: ArtifactFile[] }> {
  const d = project.training.dataset;
  if (!d) return { data: null, files: [] };
  if (d.source !== 'builtin') return { data: { format: d.source, path: resolve(dirname(projectPath), d.path!) }, files: [] };
  if (d.name === 'fashion-mnist') return { data: { format: 'idx', path: '/usr/share/datasets/fashion-mnist' }, files: [] };
  const ref = (d.name === 'shapes' ? { kind: 'shapes', classes: shapesClassesFor(plan.report) } : { kind: d.name }) as DatasetRef;
  const ds = await openBuiltinDataset(ref, { inputShape: plan.input.outShape, seed: project.training.seed });
  const all = await ds.train.read(0, ds.train.length);
  const n = ds.train.length;
  const labels = ds.classes ? { shape: [n], data: Uint8Array.from(all.y) } : { shape: [n, ...ds.targetShape], data: all.y };
  // byte images (MNIST digits) go back to bytes: train.py divides by 255 as Convas did
  const x = ds.rawScale === 255 ? Uint8Array.from(all.x, (v) => Math.round(v * 255)) : all.x;
  return {
    data: { format: 'idx', path: 'data' },
    files: [
      { name: 'data/train-images.idx', chunks: () => idxFile([n, ...ds.inputShape], x) },
      { name: 'data/train-labels.idx', chunks: () => idxFile(labels.shape, labels.data) },
    ],
  };
}
