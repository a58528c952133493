/**
 * Compile a whole training step and build every kernel it uses — WGSL translation, Dawn's
 * shader compilation, compute-pipeline creation — without executing it. The trace runs over
 * stand-in handles; each gpu.js kernel then runs its own `build()` (the step the pipeline
 * executor takes before its first pass). This is where a too-deep expression fails ("maximum
 * parser recursive depth reached"), at a fraction of the cost of running VGG-16 on SwiftShader.
 */
import type { Device, PlanRun } from '../../src/engine/backend/device';
import type { Graph } from '../../src/engine/graph/types';
import type { KernelCall } from '../../src/engine/layers/spec';
import { compileTrainStep } from '../../src/engine/train/network';

type GpuJsKernel = { build(...args: Float32Array[]): Promise<void> | void };

export async function buildTrainStepKernels(graph: Graph, device: Device, batch: number): Promise<number> {
  const used = new Map<GpuJsKernel, number>();
  const standIn = () => ({ standIn: true });
  const tracing: Device = Object.assign(Object.create(device) as Device, {
    kernel: ((fn, size, constants) => {
      const real = device.kernel(fn, size, constants) as unknown as GpuJsKernel;
      return ((...args: unknown[]) => {
        used.set(real, args.length);
        return standIn();
      }) as unknown as KernelCall;
    }) as Device['kernel'],
    plan: ((arity: number, body: (...a: unknown[]) => unknown[]) => {
      body(...Array.from({ length: arity }, standIn));
      return Object.assign(async () => [], { backend: device.mode, executorKind: 'build-only', destroy() {} }) as unknown as PlanRun;
    }) as Device['plan'],
  });
  const step = compileTrainStep(graph, tracing, { batch, optimizer: { name: 'momentum', lr: 0.01, momentum: 0.9 } });
  step.destroy();
  // argument sizes live in the kernels' uniform parameters, not in their WGSL: any array will do
  for (const [kernel, argc] of used) await kernel.build(...Array.from({ length: argc }, () => new Float32Array(4)));
  return used.size;
}
