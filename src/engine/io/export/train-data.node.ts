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
import { idxBody, idxHeader } from './idx';
import type { ExportPlan } from './plan';
import type { TrainPySettings } from './train-py';

export async function trainData(project: Project, projectPath: string, plan: ExportPlan): Promise<{ data: TrainPySettings['data']; files: ArtifactFile[] }> {
  const d = project.training.dataset;
  if (!d) return { data: null, files: [] };
  if (d.source !== 'builtin') return { data: { format: d.source, path: resolve(dirname(projectPath), d.path!) }, files: [] };
  if (d.name === 'fashion-mnist') return { data: { format: 'idx', path: '/usr/share/datasets/fashion-mnist' }, files: [] };
  const ref = (d.name === 'shapes' ? { kind: 'shapes', classes: shapesClassesFor(plan.report) } : { kind: d.name }) as DatasetRef;
  const ds = await openBuiltinDataset(ref, { inputShape: plan.input.outShape, seed: project.training.seed });
  const n = ds.train.length;
  // byte images (MNIST digits) go back to bytes: train.py divides by 255 as Convas did
  const bytes = ds.rawScale === 255;
  // read and written a slice at a time (an ImageNet-sized Shapes set is gigabytes); the targets,
  // small, are kept from the images' pass so the samples are drawn once
  const targets: Uint8Array[] | Float32Array[] = [];
  async function* images(): AsyncGenerator<Uint8Array> {
    targets.length = 0;
    for (let start = 0; start < n; start += SLICE) {
      const r = await ds.train.read(start, Math.min(SLICE, n - start));
      (targets as (Uint8Array | Float32Array)[]).push(ds.classes ? Uint8Array.from(r.y) : r.y);
      yield idxBody(bytes ? Uint8Array.from(r.x, (v) => Math.round(v * 255)) : r.x);
    }
  }
  async function* labels(): AsyncGenerator<Uint8Array> {
    if (targets.length * SLICE < n) for await (const _ of images()) void _;
    for (const t of targets) yield idxBody(t);
  }
  const yShape = ds.classes ? [n] : [n, ...ds.targetShape];
  return {
    data: { format: 'idx', path: 'data' },
    files: [
      streamed('data/train-images.idx', async function* () {
        yield idxHeader([n, ...ds.inputShape], !bytes);
        yield* images();
      }),
      streamed('data/train-labels.idx', async function* () {
        yield idxHeader(yShape, !ds.classes);
        yield* labels();
      }),
    ],
  };
}

const SLICE = 256;

function streamed(name: string, stream: () => AsyncIterable<Uint8Array>): ArtifactFile {
  return {
    name,
    stream,
    chunks: () => {
      throw new Error(`${name} is read from the dataset as it is written: write the export with writeArtifact`);
    },
  };
}
