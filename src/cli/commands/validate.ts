/**
 * `convas validate <project> [--json]`: shapes, parameter counts and FLOPs per layer, as the
 * canvas shows them, from the same shape inference — and the memory training would need at the
 * project's batch size and optimizer, against this machine's memory.
 */
import { formatShape } from '../../engine/graph/types';
import type { TrainingSettings } from '../../engine/io/project';
import { inferShapes, type NodeShapeInfo, type ShapeReport } from '../../engine/shapes/inferShapes';
import { estimateTrainingMemory, judgeMemory, type MemoryVerdict } from '../../engine/train/memory-estimate';
import { stepKernelValues, usesGrid } from '../../engine/train/kernel-buffers';
import { nodeMemoryLimit } from '../../engine/train/memory-limit.node.js';
import type { Command } from '../command';
import { EXIT } from '../errors';
import { loadProject } from '../files';
import { compact, renderTable, thousands } from '../table';

/** The `--json` report: this exact shape is what scripts rely on. */
export interface ValidateJson {
  ok: boolean;
  nodes: { id: string; type: string; outputShape: number[] | null; params: number; flops: number }[];
  totals: { params: number; flops: number };
  errors: { node: string | null; message: string }[];
  /** Training memory at the project's batch size and optimizer (null when the graph has errors). */
  memory: {
    verdict: MemoryVerdict['verdict'];
    batch: number;
    optimizer: string;
    bytes: number;
    parts: MemoryVerdict['estimate']['parts'];
    limitBytes: number;
    limitSource: string;
    message: string;
  } | null;
}

/** The training-memory verdict for a valid graph at the project's settings, on this machine. */
export function memoryVerdict(report: ShapeReport, training: Pick<TrainingSettings, 'batchSize' | 'optimizer' | 'backend'>): MemoryVerdict | null {
  if (!report.ok) return null;
  const kernels = stepKernelValues(report, training.batchSize, usesGrid(training.backend));
  const estimate = estimateTrainingMemory(report, { batch: training.batchSize, optimizer: training.optimizer.name, kernels });
  return judgeMemory(estimate, nodeMemoryLimit(), training.backend);
}

export function validateJson(report: ShapeReport, memory: MemoryVerdict | null = null): ValidateJson {
  return {
    ok: report.ok,
    nodes: report.nodes.map((n) => ({ id: n.id, type: n.type, outputShape: n.outputShape ? [...n.outputShape] : null, params: n.paramCount, flops: n.flops })),
    totals: { ...report.totals },
    errors: report.errors.map((e) => ({ node: e.node, message: e.message })),
    memory: memory && {
      verdict: memory.verdict,
      batch: memory.estimate.batch,
      optimizer: memory.estimate.optimizer,
      bytes: memory.estimate.total,
      parts: { ...memory.estimate.parts },
      limitBytes: memory.limit.bytes,
      limitSource: memory.limit.source,
      message: memory.message,
    },
  };
}

function summaryOf(n: NodeShapeInfo): string {
  if (!n.spec || !n.params) return '';
  try {
    return n.spec.summary(n.params);
  } catch {
    return '';
  }
}

function outputCell(n: NodeShapeInfo): string {
  if (n.outputShape) return formatShape(n.outputShape);
  if (n.error) return '✗ error';
  if (n.blockedBy) return `? (after ${n.blockedBy})`;
  return '?';
}

/** The seed's table 18-5 (layer, parameters, input, output, parameter count), plus FLOPs. */
export function validateText(report: ShapeReport, title: string, expectedParams: number | null = null, memory: MemoryVerdict | null = null): string {
  const rows = report.nodes.map((n) => [
    n.id,
    n.type,
    summaryOf(n),
    n.inShapes.length ? n.inShapes.map(formatShape).join(' + ') : '',
    outputCell(n),
    n.outputShape ? thousands(n.paramCount) : '',
    n.outputShape ? thousands(n.flops) : '',
  ]);
  const table = renderTable(
    [
      { title: 'Layer' },
      { title: 'Type' },
      { title: 'Parameters' },
      { title: 'Input' },
      { title: 'Output' },
      { title: 'Params', align: 'right' },
      { title: 'FLOPs', align: 'right' },
    ],
    rows,
  );
  const { params, flops } = report.totals;
  const lines = [title, '', table, `Total: ${thousands(params)} parameters, ${compact(flops, 'FLOPs')} per sample (forward)`];
  if (expectedParams !== null && report.ok) {
    lines.push(
      expectedParams === params
        ? `The file expects ${thousands(expectedParams)} parameters: matches.`
        : `✗ The file expects ${thousands(expectedParams)} parameters; the graph has ${thousands(params)} (${params > expectedParams ? '+' : ''}${thousands(params - expectedParams)}).`,
    );
  }
  if (memory) {
    const mark = memory.verdict === 'too-big' ? '✗ ' : memory.verdict === 'tight' ? '! ' : '';
    const what = memory.verdict === 'too-big' ? 'will not fit' : memory.verdict === 'tight' ? 'is tight' : 'fits';
    lines.push(`${mark}Training memory (batch ${memory.estimate.batch}, ${memory.estimate.optimizer}) ${what}: ${memory.message}.`);
  }
  if (report.errors.length) {
    lines.push('', `${report.errors.length} error${report.errors.length > 1 ? 's' : ''}:`);
    for (const e of report.errors) lines.push(`  ✗ ${e.message}`);
  } else {
    lines.push('OK: the graph is valid.');
  }
  return lines.join('\n') + '\n';
}

export const validate: Command = {
  name: 'validate',
  summary: 'Check a project: every layer\'s output shape, parameter count and FLOPs, and any errors.',
  positionals: [{ name: 'project', help: 'A convas-project JSON file' }],
  options: [{ name: 'json', kind: 'flag', help: 'Print a JSON report { ok, nodes, totals, errors }' }],
  details: 'Also estimates the memory training needs at the project\'s batch size and optimizer, against this machine\'s memory (✗ when it will not fit: `convas train` refuses such a run). Exit codes: 0 the graph is valid, 1 the graph has errors, 2 the file cannot be read or is not a valid project.',
  async run(args, io) {
    const path = args.positionals[0];
    const project = loadProject(path);
    const report = inferShapes(project.graph);
    const memory = memoryVerdict(report, project.training);
    if (args.flag('json')) io.out(JSON.stringify(validateJson(report, memory), null, 2) + '\n');
    else io.out(validateText(report, project.name ? `${project.name} (${path})` : path, project.expectedParams, memory));
    return report.ok ? EXIT.ok : EXIT.failed;
  },
};
