/**
 * `convas validate <project> [--json]`: shapes, parameter counts and FLOPs per layer, as the
 * canvas shows them, from the same shape inference.
 */
import { formatShape } from '../../engine/graph/types';
import { inferShapes, type NodeShapeInfo, type ShapeReport } from '../../engine/shapes/inferShapes';
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
}

export function validateJson(report: ShapeReport): ValidateJson {
  return {
    ok: report.ok,
    nodes: report.nodes.map((n) => ({ id: n.id, type: n.type, outputShape: n.outputShape ? [...n.outputShape] : null, params: n.paramCount, flops: n.flops })),
    totals: { ...report.totals },
    errors: report.errors.map((e) => ({ node: e.node, message: e.message })),
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
export function validateText(report: ShapeReport, title: string, expectedParams: number | null = null): string {
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
  details: 'Exit codes: 0 the graph is valid, 1 the graph has errors, 2 the file cannot be read or is not a valid project.',
  async run(args, io) {
    const path = args.positionals[0];
    const project = loadProject(path);
    const report = inferShapes(project.graph);
    if (args.flag('json')) io.out(JSON.stringify(validateJson(report), null, 2) + '\n');
    else io.out(validateText(report, project.name ? `${project.name} (${path})` : path, project.expectedParams));
    return report.ok ? EXIT.ok : EXIT.failed;
  },
};
