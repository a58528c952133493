/**
 * The preset gallery: every file in resources/presets is what scripts/make-presets.ts writes,
 * loads as a project, passes shape inference with no error, has the published parameter total
 * (PyTorch counts the same: see resources/presets/README.md), and lays its node cards out
 * without overlaps.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProject, type Project } from '../../src/engine/io/project';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { buildPresets, CARD, formatJson, PRESET_DIR } from '../../scripts/make-presets';

const files = readdirSync(PRESET_DIR).filter((f) => f.endsWith('.convas.json')).sort();
const presets = new Map((await buildPresets()).map((p) => [p.file, p]));

/** Through the app's own loader, as the gallery opens them. */
function load(file: string): Project {
  return parseProject(JSON.parse(readFileSync(join(PRESET_DIR, file), 'utf8')));
}

describe('preset gallery', () => {
  it('holds exactly the generated presets, each as the generator writes it', () => {
    expect(files).toEqual([...presets.keys()].sort());
    for (const file of files) {
      // Fails when a file was edited by hand or the generator changed without a rerun of
      // `npx tsx scripts/make-presets.ts`.
      expect(readFileSync(join(PRESET_DIR, file), 'utf8'), file).toBe(formatJson(presets.get(file)!.project) + '\n');
    }
  });

  it('lists every preset in the README table with its parameter count', () => {
    const readme = readFileSync(join(PRESET_DIR, 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((l) => l.startsWith('|'));
    for (const file of files) {
      const row = rows.find((r) => r.includes(`\`${file}\``));
      expect(row, `README.md has no table row naming ${file}`).toBeDefined();
      const count = presets.get(file)!.expectedParams.toLocaleString('en-US');
      expect(row, `README.md row for ${file} should give ${count} parameters`).toContain(` ${count} `);
    }
  });

  describe.each(files)('%s', (file) => {
    const project = load(file);

    it('has a name and a one-line description', () => {
      expect(project.name.length).toBeGreaterThan(0);
      expect(project.description.length).toBeGreaterThan(0);
      expect(project.description).not.toContain('\n');
    });

    it('passes shape inference with the published parameter total', () => {
      const report = inferShapes(project.graph);
      expect(report.errors).toEqual([]);
      expect(report.totals.params).toBe(presets.get(file)!.expectedParams);
    });

    it('names built-in data that fits its Input, or none', () => {
      const input = project.graph.nodes.find((n) => n.type === 'Input')!;
      const [channels, height, width] = input.params.shape as number[];
      const data = project.training.dataset;
      if (data === null) return;
      expect(data.source).toBe('builtin');
      if (data.name === 'kernel-fit') {
        expect(input.params.shape).toEqual([1, 80, 80]);
      } else if (data.name === 'mnist' || data.name === 'fashion-mnist') {
        // the seed's chapter-18 data: 28×28 grey digits or clothes (Fashion-MNIST falls back to the digits)
        expect(input.params.shape).toEqual([1, 28, 28]);
      } else {
        // The built-in shapes are drawn square, grey or RGB, 12 to 256 pixels a side.
        expect(data.name).toBe('shapes');
        expect([1, 3]).toContain(channels);
        expect(height).toBe(width);
        expect(height).toBeGreaterThanOrEqual(12);
        expect(height).toBeLessThanOrEqual(256);
      }
    });

    it('places every node once, with no two cards overlapping', () => {
      const ids = project.graph.nodes.map((n) => n.id);
      expect(Object.keys(project.layout).sort()).toEqual([...ids].sort());
      for (let i = 0; i < ids.length; i++) {
        for (let j = i + 1; j < ids.length; j++) {
          const a = project.layout[ids[i]];
          const b = project.layout[ids[j]];
          const overlap = Math.abs(a.x - b.x) < CARD.width && Math.abs(a.y - b.y) < CARD.height;
          expect(overlap, `${ids[i]} at (${a.x}, ${a.y}) overlaps ${ids[j]} at (${b.x}, ${b.y})`).toBe(false);
        }
      }
    });
  });
});
