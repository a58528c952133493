/**
 * docs/formats.md stays true: its layer reference is what the registry says today, and its
 * JSON examples of complete files load with the loaders they document.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { layersMarkdown } from '../../src/cli/layer-docs';
import { parseProject } from '../../src/engine/io/project';
import { LAYER_TYPES } from '../../src/engine/layers';
import { inferShapes } from '../../src/engine/shapes/inferShapes';

const doc = readFileSync(fileURLToPath(new URL('../../docs/formats.md', import.meta.url)), 'utf8');

describe('docs/formats.md', () => {
  it('has the layer reference the registry generates', () => {
    const m = /<!-- layers:begin -->\n([\s\S]*)\n<!-- layers:end -->/.exec(doc);
    expect(m, 'docs/formats.md lost its <!-- layers:begin --> / <!-- layers:end --> markers').not.toBeNull();
    // On failure: replace the text between the markers with `npm run -s convas -- layers --markdown`.
    expect(m![1].trimEnd(), 'the layer reference is out of date: regenerate it with `npm run -s convas -- layers --markdown`').toBe(layersMarkdown().trimEnd());
  });

  it('documents every layer type', () => {
    // the registry's list, not a copy of it: a new layer is documented or this fails
    expect(LAYER_TYPES.length).toBeGreaterThan(15);
    for (const t of LAYER_TYPES) {
      expect(doc).toContain(`### ${t}\n`);
    }
  });

  it('has a project example that loads and is shape-valid', () => {
    const example = /## Project file[\s\S]*?```json\n([\s\S]*?)\n```/.exec(doc)![1];
    const project = parseProject(JSON.parse(example));
    expect(inferShapes(project.graph).ok).toBe(true);
    expect(project.training.dataset).toEqual({ source: 'idx', path: 'data/mnist', name: 'MNIST', normalize: 'unit' });
  });
});
