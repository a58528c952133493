/**
 * Node-only: open any dataset reference. A folder is recognised by what it holds — MNIST IDX
 * files, CIFAR-10 binary batches, or class sub-folders of images — and the graph's Input shape
 * is checked against the data's before a single step runs.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { cifarFolder, openCifarDataset } from './cifar.node.js';
import { hasIdxFiles, openIdxDataset } from './idx.node.js';
import { hasClassFolders, openImageFolder } from './image-folder.node.js';
import { findFashionMnist } from './installed.node.js';
import { FASHION_MNIST_HOWTO, openBuiltinDataset, type DatasetRef, type OpenContext } from './ref';
import { DatasetError, type Dataset } from './types';

async function openFolder(path: string, format: 'idx' | 'cifar10' | 'image-folder' | undefined, ctx: OpenContext): Promise<Dataset> {
  const dir = resolve(path);
  if (!existsSync(dir)) throw new DatasetError('no such folder', dir);
  if (!statSync(dir).isDirectory()) throw new DatasetError('not a folder (give the folder that holds the data files)', dir);
  if (format === 'idx') return openIdxDataset(dir);
  if (format === 'cifar10') return openCifarDataset(dir);
  if (format === 'image-folder') return openImageFolder(dir, { inputShape: ctx.inputShape });
  if (hasIdxFiles(dir)) return openIdxDataset(dir);
  if (cifarFolder(dir)) return openCifarDataset(dir);
  if (await hasClassFolders(dir)) return openImageFolder(dir, { inputShape: ctx.inputShape });
  throw new DatasetError(
    'no dataset found: expected MNIST / Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz] …), CIFAR-10 binary batches (cifar-10-batches-bin/), or one sub-folder of images per class',
    dir,
  );
}

async function openInstalledFashion(): Promise<Dataset> {
  const dir = findFashionMnist();
  if (!dir) throw new DatasetError(FASHION_MNIST_HOWTO);
  const d = await openIdxDataset(dir);
  return Object.assign(d, { name: 'Fashion-MNIST (installed)' });
}

export async function openDataset(ref: DatasetRef, ctx: OpenContext = {}): Promise<Dataset> {
  const d = ref.kind === 'folder' ? await openFolder(ref.path, ref.format, ctx) : ref.kind === 'fashion-mnist' ? await openInstalledFashion() : await openBuiltinDataset(ref, ctx);
  if (ctx.inputShape && ctx.inputShape.join('×') !== d.inputShape.join('×')) {
    await d.close?.();
    throw new DatasetError(`the graph's Input is ${ctx.inputShape.join('×')}, but ${d.name} has samples of ${d.inputShape.join('×')}`);
  }
  return d;
}
