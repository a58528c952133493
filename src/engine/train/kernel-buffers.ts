/**
 * What one training step's kernels write, counted by running each layer's own `compile`,
 * `forward`, `loss` and `backward` on stand-in handles: no device, no gpu.js, no data. Every
 * kernel call's output is a buffer of the plan — the layer outputs the shape report knows, and
 * the working buffers only the layer knows (a convolution's padded input and dilated delta, its
 * weight gradient's per-slice partial sums, Winograd tiles, saved argmaxes, statistics).
 * gpu.js reuses a buffer only for a later output of the same shape (pipeline.js
 * `assignBuffers`), so the sum is an upper bound close to what a plan holds: the seed CIFAR-10
 * Keras net at batch 32 writes 250 MB per step, against 73 MB of layer outputs and gradients.
 *
 * Layers generate kernel sources with `new Function`: call this where code may be generated (the
 * training worker, the command line), not in a page whose CSP forbids it.
 */
import type { Handle, KernelCall, LayerProgram } from '../layers/spec';
import type { ShapeReport } from '../shapes/inferShapes';

export interface KernelValues {
  /** float32 values written by the forward kernels of a training step (and its loss). */
  forward: number;
  /** ... by the backward kernels (input and parameter gradients, gradient sums excluded). */
  backward: number;
}

/** Whether a run on `backend` takes webasm's layouts: webasm, and `auto` (what it picks without a GPU; on a GPU this errs high). */
export function usesGrid(backend: string): boolean {
  return backend === 'webasm' || backend === 'auto';
}

const count = (size: number | readonly number[]) => (typeof size === 'number' ? size : size.reduce((a, b) => a * b, 1));

/** Values the kernels of one training step at `batch` write; `grid`: the webasm layouts (their own kernels, e.g. Winograd). */
export function stepKernelValues(report: ShapeReport, batch: number, grid: boolean): KernelValues {
  if (!report.ok) throw new Error('stepKernelValues: the graph has errors; fix them first');
  const totals: KernelValues = { forward: 0, backward: 0 };
  let phase: keyof KernelValues = 'forward';
  const standIn = (): Handle => ({}) as Handle;
  // any name a layer asks for (params, state, random, saved) is a stand-in
  const anyName = () => new Proxy({}, { get: (_t, k) => (typeof k === 'string' ? standIn() : undefined) }) as Record<string, Handle>;
  const requiresGrad = new Map<string, boolean>();
  for (const n of report.nodes) {
    const upstream = report.structure!.inputsOf.get(n.id) ?? [];
    requiresGrad.set(n.id, n.paramCount > 0 || upstream.some((u) => requiresGrad.get(u)));
    let program: LayerProgram;
    try {
      program = n.spec!.compile(
      {
        nodeId: n.id,
        batch,
        inShapes: n.inShapes,
        outShape: n.outputShape!,
        grid,
        kernel: (_fn, size) => {
          const values = count(size);
          return ((() => {
            totals[phase] += values;
            return standIn();
          }) as unknown) as KernelCall;
        },
      },
        n.params,
      );
      const args = { inputs: n.inShapes.map(standIn), params: anyName(), state: anyName(), random: anyName() };
      phase = 'forward';
      const fr = program.forward({ ...args, training: true });
      if (program.loss) program.loss({ input: standIn(), output: fr.output, targets: standIn() });
      else if (program.backward && requiresGrad.get(n.id)) {
        phase = 'backward';
        program.backward({ ...args, training: true, output: fr.output, saved: fr.saved ?? anyName(), gradOutput: standIn(), needInputGrad: upstream.map((u) => requiresGrad.get(u) === true) });
      }
    } catch {
      // a layer that cannot compile or run at this batch says so when the run compiles it
    }
  }
  return totals;
}
