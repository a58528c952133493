/** Palette order and colour of each layer category (the engine's `Category` union). */
import type { Category } from '../../engine/layers/spec';

export const CATEGORY_ORDER: readonly Category[] = [
  'Input',
  'Convolution',
  'Pooling',
  'Activation',
  'Dense',
  'Normalisation',
  'Regularisation',
  'Merge',
  'Output',
];

/** CSS custom property per category; the palette, node headers and thumbnails share it. */
export function categoryVar(category: string): string {
  return `var(--cat-${category.toLowerCase()}, var(--cat-other))`;
}

export function categoryRank(category: string): number {
  const i = CATEGORY_ORDER.indexOf(category as Category);
  return i < 0 ? CATEGORY_ORDER.length : i;
}
