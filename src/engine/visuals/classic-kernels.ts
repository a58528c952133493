/**
 * The seed's table 17-1: nine classic 3×3 kernels, in the table's order (row by row), with the
 * names it gives them. Row-major, applied as cross-correlation (what Conv2D computes).
 */

export interface ClassicKernel {
  id: string;
  /** The name people know it by. */
  name: string;
  /** The seed's own label in table 17-1. */
  seedName: string;
  /** What it does to an image, in a few words. */
  effect: string;
  /** 3×3, row-major. */
  values: readonly number[];
}

export const CLASSIC_KERNELS: readonly ClassicKernel[] = [
  { id: 'sharpen', name: 'Sharpen', seedName: 'sharpness', effect: 'boosts a pixel against its four neighbours', values: [0, -1, 0, -1, 5, -1, 0, -1, 0] },
  { id: 'vertical-edge', name: 'Vertical edge', seedName: 'vertical edge', effect: 'responds where brightness changes from left to right', values: [0, 0, 0, -1, 2, -1, 0, 0, 0] },
  { id: 'surround', name: 'Surround', seedName: 'surround', effect: 'the eight neighbours minus nine times the centre', values: [1, 1, 1, 1, -9, 1, 1, 1, 1] },
  { id: 'sobel-y', name: 'Sobel y', seedName: 'sobel y', effect: 'vertical gradient: horizontal edges', values: [-1, -2, -1, 0, 0, 0, 1, 2, 1] },
  { id: 'identity', name: 'Identity', seedName: 'nothing', effect: 'leaves the image as it is', values: [0, 0, 0, 0, 1, 0, 0, 0, 0] },
  { id: 'horizontal-edge', name: 'Horizontal edge', seedName: 'horizontal edge', effect: 'responds where brightness changes from top to bottom', values: [0, -1, 0, 0, 2, 0, 0, -1, 0] },
  { id: 'blur', name: 'Blur', seedName: 'blur', effect: 'the mean of the 3×3 neighbourhood (0.11 each)', values: [0.11, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11] },
  { id: 'sobel-x', name: 'Sobel x', seedName: 'sobel x', effect: 'horizontal gradient: vertical edges', values: [-1, 0, 1, -2, 0, 2, -1, 0, 1] },
  { id: 'emboss', name: 'Emboss', seedName: 'embossing', effect: 'a diagonal difference: relief lit from the top left', values: [2, 0, 0, 0, -1, 0, 0, 0, -1] },
];

export function classicKernel(id: string): ClassicKernel {
  const k = CLASSIC_KERNELS.find((c) => c.id === id);
  if (!k) throw new Error(`no classic kernel "${id}" (known: ${CLASSIC_KERNELS.map((c) => c.id).join(', ')})`);
  return k;
}
