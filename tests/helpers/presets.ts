/** The shipped presets (resources/presets/*.convas.json), parsed, with their shape reports, by file name. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProject, type Project } from '../../src/engine/io/project';
import { inferShapes, type ShapeReport } from '../../src/engine/shapes/inferShapes';

const PRESET_DIR = new URL('../../resources/presets/', import.meta.url).pathname;

export interface Preset {
  file: string;
  project: Project;
  report: ShapeReport;
  /** Forward FLOPs per sample. */
  flops: number;
}

/** Every preset that ends in an output layer (trainable), sorted by file name. */
export function trainablePresets(): Preset[] {
  return readdirSync(PRESET_DIR)
    .filter((f) => f.endsWith('.convas.json'))
    .sort()
    .map((file) => {
      const project = parseProject(JSON.parse(readFileSync(join(PRESET_DIR, file), 'utf8')));
      const report = inferShapes(project.graph);
      return { file, project, report, flops: report.totals.flops };
    })
    .filter((p) => p.report.nodes.some((n) => n.spec?.output));
}
