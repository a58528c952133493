/**
 * Datasets the operating system may already have, found where its packages put them — never
 * required, never downloaded. Fashion-MNIST: Debian's and Ubuntu's `dataset-fashion-mnist`
 * installs the original four IDX files under /usr/share/datasets/fashion-mnist.
 * CONVAS_FASHION_MNIST names another folder (tests, other systems).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const FASHION_MNIST_DIRS = ['/usr/share/datasets/fashion-mnist', '/usr/local/share/datasets/fashion-mnist'];

/** The folder holding Fashion-MNIST's IDX files, or null where the system has none. */
export function findFashionMnist(env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = env.CONVAS_FASHION_MNIST ? [env.CONVAS_FASHION_MNIST] : FASHION_MNIST_DIRS;
  for (const dir of dirs) {
    const has = (n: string) => existsSync(join(dir, n)) || existsSync(join(dir, `${n}.gz`));
    if (has('train-images-idx3-ubyte') && has('train-labels-idx1-ubyte')) return dir;
  }
  return null;
}
