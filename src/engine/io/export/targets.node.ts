/**
 * Node-only: each export format as the CLI (and Electron main) run it — how to build it, and how
 * to check what was written in the format's own runtime against Convas's outputs.
 */
import { readFile } from 'node:fs/promises';
import type { Artifact } from './artifact';
import { onnxArtifact } from './onnx';
import { ONNX_RUNTIME, runOnnx } from './onnx-run';
import type { ExportFormat, ExportPlan } from './plan';
import { verification, type Verification } from './verify';

export interface VerifyInput {
  plan: ExportPlan;
  /** Where the export was written. */
  out: string;
  x: Float32Array;
  batch: number;
  /** Convas's outputs for `x`. */
  reference: Float32Array;
  /** "2 inputs (seeded random)". */
  inputs: string;
}

export interface ExportTarget {
  /** One file (model.onnx, model.keras) or a folder. */
  kind: Artifact['kind'];
  build(plan: ExportPlan): Artifact;
  verify(v: VerifyInput): Promise<Verification>;
}

export const TARGETS: Partial<Record<ExportFormat, ExportTarget>> = {
  onnx: {
    kind: 'file',
    build: (plan) => onnxArtifact(plan),
    async verify({ plan, out, x, batch, reference, inputs }) {
      const got = await runOnnx(new Uint8Array(await readFile(out)), plan, x, batch);
      return verification(ONNX_RUNTIME, `outputs of ${inputs}`, got, reference);
    },
  },
};
