/** Project file: defaults, round trip, and one message per kind of mistake, naming the field. */
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/engine/io/errors';
import { GENERATED_BY } from '../../src/engine/io/header';
import { datasetRefOf, defaultTraining, optimizerConfig, parseProject, projectToJson } from '../../src/engine/io/project';
import { DatasetRefSchema } from '../../src/engine/data/ref';

const graph = {
  nodes: [
    { id: 'input', type: 'Input', params: { shape: [1, 8, 8] } },
    { id: 'conv1', type: 'Conv2D', params: { filters: 2, kernelSize: [3, 3] } },
  ],
  edges: [{ from: 'input', to: 'conv1', port: 0 }],
};
const base = { format: 'convas-project', version: 1, graph };

function failure(raw: unknown): FormatError {
  try {
    parseProject(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('expected parseProject to fail');
}

describe('parseProject', () => {
  it('fills every default for a minimal file', () => {
    const p = parseProject(base);
    expect(p.graph).toEqual(graph);
    expect(p.layout).toEqual({});
    expect(p.name).toBe('');
    expect(p.weights).toBeNull();
    expect(p.training).toEqual(defaultTraining());
    expect(p.training).toMatchObject({ epochs: 10, batchSize: 64, initializer: 'msra', seed: 1, validationSplit: 0.1, backend: 'auto', dataset: null });
    expect(p.training.augmentation).toEqual({ randomCrop: 0, flipHorizontal: false });
  });

  it('reads a full file', () => {
    const p = parseProject({
      ...base,
      generatedBy: 'Convas 0.0.9',
      name: 'Tiny',
      description: 'two layers',
      layout: { input: { x: 0, y: 0 }, conv1: { x: 10.5, y: 150 } },
      training: {
        epochs: 3,
        batchSize: 16,
        optimizer: { name: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
        weightDecay: 5e-4,
        initializer: 'xavier',
        seed: 42,
        dataset: { source: 'idx', path: 'data/mnist', name: 'MNIST' },
        validationSplit: 0.2,
        shuffle: false,
        augmentation: { randomCrop: 2, flipHorizontal: true },
        backend: 'webgpu',
      },
    });
    expect(p.generatedBy).toBe('Convas 0.0.9');
    expect(p.layout.conv1).toEqual({ x: 10.5, y: 150 });
    expect(p.training.dataset).toEqual({ source: 'idx', path: 'data/mnist', name: 'MNIST', normalize: 'unit' });
    expect(optimizerConfig(p.training)).toEqual({ name: 'adam', lr: 0.001, weightDecay: 5e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, momentum: undefined, rho: undefined });
  });

  it('round-trips through projectToJson with generatedBy', () => {
    const json = projectToJson({ name: 'Tiny', graph, layout: { input: { x: 1, y: 2 } }, training: { epochs: 2 } });
    expect(json.generatedBy).toBe(GENERATED_BY);
    expect(json.format).toBe('convas-project');
    const back = parseProject(JSON.parse(JSON.stringify(json)));
    expect(back.name).toBe('Tiny');
    expect(back.training.epochs).toBe(2);
    expect(back.training.batchSize).toBe(64);
    expect(back.layout).toEqual({ input: { x: 1, y: 2 } });
  });

  it('projectToJson refuses settings it could not read back', () => {
    expect(() => projectToJson({ graph, training: { epochs: -1 } })).toThrow('training.epochs: must be ≥ 1, got -1');
  });

  const cases: [string, unknown, string, string | null][] = [
    ['not an object', [1], 'expected a JSON object with "format": "convas-project", got an array', null],
    ['no format', { version: 1, graph }, 'format: is missing; a convas-project file starts with "format": "convas-project"', 'format'],
    ['another Convas format', { ...base, format: 'convas-weights' }, 'this is a convas-weights file, not a convas-project file', 'format'],
    ['an unknown format', { ...base, format: 'keras' }, 'format: unknown format "keras", expected "convas-project"', 'format'],
    ['a future version', { ...base, version: 3 }, 'convas-project version 3 is newer than this Convas understands (1)', 'version'],
    ['a version that is not a number', { ...base, version: '1' }, 'version: must be a whole number ≥ 1, got "1"', 'version'],
    ['a typo at the top', { ...base, grpah: {} }, 'unknown field "grpah"', null],
    ['a typo in training', { ...base, training: { epoch: 3 } }, 'training: unknown field "epoch"', 'training'],
    ['zero epochs', { ...base, training: { epochs: 0 } }, 'training.epochs: must be ≥ 1, got 0', 'training.epochs'],
    ['a fractional batch', { ...base, training: { batchSize: 2.5 } }, 'training.batchSize: must be a whole number, got 2.5', 'training.batchSize'],
    ['an unknown optimizer', { ...base, training: { optimizer: { name: 'lamb', lr: 1 } } }, 'training.optimizer.name: must be one of "sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", got "lamb"', 'training.optimizer.name'],
    ['a negative learning rate', { ...base, training: { optimizer: { name: 'sgd', lr: -0.1 } } }, 'training.optimizer.lr: must be > 0, got -0.1', 'training.optimizer.lr'],
    ['no learning rate', { ...base, training: { optimizer: { name: 'sgd' } } }, 'training.optimizer.lr: is required', 'training.optimizer.lr'],
    ['momentum of 1', { ...base, training: { optimizer: { name: 'momentum', lr: 0.1, momentum: 1 } } }, 'training.optimizer.momentum: must be < 1, got 1', 'training.optimizer.momentum'],
    ['validation split 1', { ...base, training: { validationSplit: 1 } }, 'training.validationSplit: must be < 1, got 1', 'training.validationSplit'],
    ['an unknown backend', { ...base, training: { backend: 'cuda' } }, 'training.backend: must be one of "auto", "webgpu", "webgl2", "webasm", "cpu", got "cuda"', 'training.backend'],
    ['a file dataset without path', { ...base, training: { dataset: { source: 'cifar10' } } }, 'training.dataset.path: is required when source is "cifar10" (a path relative to the project file)', 'training.dataset.path'],
    ['a builtin dataset without name', { ...base, training: { dataset: { source: 'builtin' } } }, 'training.dataset.name: is required for a builtin dataset ("shapes", "kernel-fit", "mnist", "fashion-mnist")', 'training.dataset.name'],
    ['an unknown builtin dataset', { ...base, training: { dataset: { source: 'builtin', name: 'emnist' } } }, 'training.dataset.name: must be one of "shapes", "kernel-fit", "mnist", "fashion-mnist" for a builtin dataset, got "emnist"', 'training.dataset.name'],
    ['a layout entry for no node', { ...base, layout: { conv9: { x: 0, y: 0 } } }, 'layout: "conv9" is not a node of the graph', 'layout.conv9'],
    ['a layout coordinate that is text', { ...base, layout: { conv1: { x: 0, y: '5' } } }, 'layout.conv1.y: must be a finite number, got "5"', 'layout.conv1.y'],
    ['a graph without nodes', { ...base, graph: { edges: [] } }, 'graph.nodes must be an array', 'graph'],
    ['a bad node id', { ...base, graph: { nodes: [{ id: '1st', type: 'Input' }] } }, 'graph.nodes[0].id must be a name of letters, digits, _ or - (starting with a letter or _), got "1st"', 'graph'],
    ['embedded weights from the future', { ...base, weights: { format: 'convas-weights', version: 9, tensors: {} } }, 'weights: convas-weights version 9 is newer than this Convas understands (1)', 'weights.version'],
    ['embedded weights with a bad number', { ...base, weights: { format: 'convas-weights', version: 1, tensors: { 'conv1.bias': { shape: [2], data: [0, null] } } } }, 'conv1.bias: data[1] is null, not a finite number', 'conv1.bias'],
  ];
  it.each(cases)('refuses %s', (_what, raw, message, field) => {
    const e = failure(raw);
    expect(e.message).toBe(message);
    expect(e.field).toBe(field);
  });

  it('maps the saved dataset to the data module\'s reference', () => {
    const ref = (dataset: unknown) => {
      const d = parseProject({ ...base, training: { dataset } }).training.dataset!;
      return DatasetRefSchema.parse(datasetRefOf(d, (p) => `/projects/${p}`));
    };
    expect(ref({ source: 'builtin', name: 'shapes' })).toEqual({ kind: 'shapes' });
    expect(ref({ source: 'builtin', name: 'kernel-fit' })).toEqual({ kind: 'kernel-fit' });
    expect(ref({ source: 'cifar10', path: 'data/cifar' })).toEqual({ kind: 'folder', path: '/projects/data/cifar', format: 'cifar10' });
    expect(ref({ source: 'idx', path: 'mnist' })).toEqual({ kind: 'folder', path: '/projects/mnist', format: 'idx' });
  });

  it('keeps a "__proto__" node id in the layout (JSON.parse makes it an own key; an assignment would drop it)', () => {
    const text = '{"format":"convas-project","version":1,"graph":{"nodes":[{"id":"__proto__","type":"Input"}]},"layout":{"__proto__":{"x":1,"y":2}}}';
    const p = parseProject(JSON.parse(text));
    expect(Object.keys(p.layout)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(p.layout)).toBe(Object.prototype);
    expect(failure(JSON.parse(text.replace('"id":"__proto__"', '"id":"a"'))).message).toBe('layout: "__proto__" is not a node of the graph');
  });

  it('keeps the node a graph error names', () => {
    const e = failure({ ...base, graph: { nodes: [{ id: 'a', type: 7 }] } });
    expect(e.message).toBe('graph: a: type must be a string');
    expect(e.node).toBe('a');
  });
});
