/**
 * What a training run names as its data — a built-in set with options, or a folder on disk —
 * as a schema (it crosses the worker boundary) and the web-safe part of opening it.
 */
import { z } from 'zod';
import { kernelFitDataset } from './kernel-fit';
import { mnistDigitsDataset } from './mnist-digits';
import { SHAPE_CLASSES, shapesDataset } from './shapes';
import { DatasetError, type Dataset } from './types';

const BUILTIN_REFS = [
  z.object({
    kind: z.literal('shapes'),
    /** Default: the graph Input's H (28 or 32 in the presets). */
    size: z.number().int().optional(),
    /** Default: the graph Input's C. */
    channels: z.number().int().optional(),
    samples: z.number().int().optional(),
    testSamples: z.number().int().optional(),
    /** Default: the run's seed. */
    seed: z.number().int().optional(),
    /** How many shapes (the first n, 2 to 10) or which ones; default: the original six. */
    classes: z.union([z.number().int().min(2).max(SHAPE_CLASSES.length), z.array(z.enum(SHAPE_CLASSES)).min(2)]).optional(),
  }),
  z.object({ kind: z.literal('kernel-fit') }),
  /** 10,000 real MNIST digits shipped with Convas (data/mnist-digits.ts). */
  z.object({ kind: z.literal('mnist') }),
  /** Fashion-MNIST where the system has it (Debian/Ubuntu package dataset-fashion-mnist); Node only. */
  z.object({ kind: z.literal('fashion-mnist') }),
] as const;

/** A data set that ships with Convas (or with the operating system): named, no path. */
export const BuiltinRefSchema = z.discriminatedUnion('kind', [...BUILTIN_REFS]);

export const DatasetRefSchema = z.discriminatedUnion('kind', [
  ...BUILTIN_REFS,
  /** MNIST/Fashion-MNIST IDX files, CIFAR-10's binary batches, or one sub-folder of images per class. */
  z.object({
    kind: z.literal('folder'),
    path: z.string().min(1),
    /** The reader to use; default: recognised from the folder's contents. */
    format: z.enum(['idx', 'cifar10', 'image-folder']).optional(),
  }),
]);
export type DatasetRef = z.infer<typeof DatasetRefSchema>;
export type BuiltinRef = z.infer<typeof BuiltinRefSchema>;

export interface OpenContext {
  /** The graph Input's per-sample shape: built-in sets draw to it, image folders resize to it. */
  inputShape?: readonly number[];
  /** The run's seed, the default seed of synthetic data. */
  seed?: number;
}

/** How to get Fashion-MNIST where it is not installed (said by every host that cannot find it). */
export const FASHION_MNIST_HOWTO =
  'Fashion-MNIST is not installed here: on Debian or Ubuntu, `sudo apt install dataset-fashion-mnist` puts it in /usr/share/datasets/fashion-mnist; elsewhere download its four IDX files and choose that folder (MNIST / Fashion-MNIST IDX files)';

/** Open a built-in dataset; folders and installed data need the Node opener (`open.node.ts`). */
export async function openBuiltinDataset(ref: DatasetRef, ctx: OpenContext = {}): Promise<Dataset> {
  switch (ref.kind) {
    case 'shapes': {
      const s = ctx.inputShape;
      const image = s && s.length === 3 && s[1] === s[2] ? s : undefined;
      return shapesDataset({
        size: ref.size ?? image?.[1],
        channels: ref.channels ?? image?.[0],
        samples: ref.samples,
        testSamples: ref.testSamples,
        seed: ref.seed ?? ctx.seed,
        classes: ref.classes,
      });
    }
    case 'kernel-fit':
      return kernelFitDataset();
    case 'mnist':
      return mnistDigitsDataset();
    case 'fashion-mnist':
      throw new DatasetError(`${FASHION_MNIST_HOWTO} — in the browser, choose the folder of IDX files instead`);
    case 'folder':
      throw new DatasetError(`data from a folder (${ref.path}) can only be read where there is a file system (desktop app, command line)`);
  }
}

/** Parse a command-line `--data` value: a built-in name or a folder path. */
export function parseDataArg(arg: string): DatasetRef {
  if (arg === 'shapes') return { kind: 'shapes' };
  if (arg === 'kernel-fit') return { kind: 'kernel-fit' };
  if (arg === 'mnist') return { kind: 'mnist' };
  if (arg === 'fashion-mnist') return { kind: 'fashion-mnist' };
  return { kind: 'folder', path: arg };
}
