/** `convas train --data shapes` draws as many shapes as the classifier has outputs, as the Train tab does. */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { planTraining } from '../../src/cli/commands/train';

const preset = (name: string) => fileURLToPath(new URL(`../../resources/presets/${name}`, import.meta.url));
const args = (project: string, values: Record<string, string>) => ({
  positionals: [project],
  value: (n: string) => values[n],
  flag: () => false,
});

describe('convas train data choice', () => {
  it('matches Shapes to a 10-way Softmax (the seed MNIST CNN)', () => {
    expect(planTraining(args(preset('seed-mnist-cnn.convas.json'), { data: 'shapes' })).data).toMatchObject({ kind: 'shapes', classes: 10 });
  });
  it('leaves Shapes at its default where the classifier is wider than Shapes can draw (AlexNet, 1000)', () => {
    expect(planTraining(args(preset('alexnet.convas.json'), { data: 'shapes' })).data).not.toHaveProperty('classes');
  });
  it('does not touch other data', () => {
    expect(planTraining(args(preset('seed-kernel-fit.convas.json'), {})).data).toEqual({ kind: 'kernel-fit' });
  });
});
