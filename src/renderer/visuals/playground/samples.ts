/**
 * Pictures for the kernel playground, all turned into the same 8-bit grey plane the filters
 * run on: a small drawn scene (edges in every direction), a mosaic of the Shapes dataset's own
 * samples, the seed's kernel-fitting image (17.3.7), or the user's own PNG/JPEG.
 */
import { kernelFitImage, KERNEL_FIT_SIZE } from '../../../engine/data/kernel-fit';
import { drawShape, type ShapeName } from '../../../engine/data/shapes';
import { Rng } from '../../../engine/util/rng';
import { greyFromRgba, type Plane } from '../../../engine/visuals/planes';

export interface Sample {
  id: string;
  name: string;
  detail: string;
  plane: Plane;
}

/** Uploaded pictures are scaled down to this longest side: the filters show pixels, not megapixels. */
export const MAX_UPLOAD_SIDE = 160;

function context(width: number, height: number): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('this browser gives no 2D canvas: the playground cannot draw its pictures');
  return { canvas, ctx };
}

/** A house, a sun, a tree and a fence: horizontal, vertical, diagonal and curved edges, flat areas and texture. */
function houseScene(): Plane {
  const s = 96;
  const { ctx } = context(s, s);
  const sky = ctx.createLinearGradient(0, 0, 0, 60);
  sky.addColorStop(0, '#5a8fd8');
  sky.addColorStop(1, '#cfe3f7');
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, s, 64);
  ctx.fillStyle = '#6aa84f';
  ctx.fillRect(0, 64, s, 32);
  ctx.fillStyle = '#f6c945';
  ctx.beginPath();
  ctx.arc(78, 16, 9, 0, 2 * Math.PI);
  ctx.fill();
  // house: wall, roof, door, two windows with crossbars
  ctx.fillStyle = '#e9dcc6';
  ctx.fillRect(14, 42, 40, 30);
  ctx.fillStyle = '#a63d2f';
  ctx.beginPath();
  ctx.moveTo(9, 43);
  ctx.lineTo(34, 22);
  ctx.lineTo(59, 43);
  ctx.closePath();
  ctx.fill();
  ctx.fillStyle = '#5b3a24';
  ctx.fillRect(30, 54, 9, 18);
  ctx.fillStyle = '#2d4f73';
  ctx.fillRect(18, 48, 9, 9);
  ctx.fillRect(42, 48, 9, 9);
  ctx.fillStyle = '#e9dcc6';
  ctx.fillRect(22, 48, 1, 9);
  ctx.fillRect(18, 52, 9, 1);
  ctx.fillRect(46, 48, 1, 9);
  ctx.fillRect(42, 52, 9, 1);
  // tree
  ctx.fillStyle = '#6b4a2b';
  ctx.fillRect(74, 52, 5, 20);
  ctx.fillStyle = '#2f6b2f';
  ctx.beginPath();
  ctx.arc(76.5, 45, 12, 0, 2 * Math.PI);
  ctx.fill();
  // fence with diagonal braces
  ctx.strokeStyle = '#f4f1ea';
  ctx.lineWidth = 1;
  for (let x = 2; x < s; x += 8) ctx.strokeRect(x + 0.5, 78.5, 3, 12);
  ctx.beginPath();
  ctx.moveTo(0, 82.5);
  ctx.lineTo(s, 82.5);
  ctx.moveTo(0, 87.5);
  ctx.lineTo(s, 87.5);
  ctx.moveTo(0, 90);
  ctx.lineTo(24, 78);
  ctx.stroke();
  return greyFromRgba(ctx.getImageData(0, 0, s, s).data, s, s);
}

/** Grey floats in [0, 1] as 8-bit RGBA, so every source ends up the same kind of plane. */
function rgbaFromGrey(values: Float32Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const g = Math.round(values[i] * 255);
    out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = g;
    out[4 * i + 3] = 255;
  }
  return out;
}

/** Four Shapes samples (the dataset's own drawing code), 48×48 each, in a 2×2 mosaic. */
function shapesMosaic(): Plane {
  const tile = 48;
  const s = tile * 2;
  const shapes: ShapeName[] = ['circle', 'triangle', 'star', 'cross'];
  const grey = new Float32Array(s * s);
  shapes.forEach((shape, k) => {
    const one = new Float32Array(tile * tile);
    drawShape(shape, new Rng(17 + k), tile, 1, one);
    const ox = (k % 2) * tile;
    const oy = Math.floor(k / 2) * tile;
    for (let y = 0; y < tile; y++) grey.set(one.subarray(y * tile, (y + 1) * tile), (oy + y) * s + ox);
  });
  return greyFromRgba(rgbaFromGrey(grey), s, s);
}

function kernelFitPicture(): Plane {
  const n = KERNEL_FIT_SIZE;
  return greyFromRgba(rgbaFromGrey(kernelFitImage()), n, n);
}

let builtins: Sample[] | null = null;

export function builtinSamples(): Sample[] {
  builtins ??= [
    { id: 'house', name: 'House', detail: 'a drawn scene', plane: houseScene() },
    { id: 'shapes', name: 'Shapes', detail: 'four samples of the built-in dataset', plane: shapesMosaic() },
    { id: 'kernel-fit', name: 'Rectangles', detail: 'the kernel-fitting image (17.3.7)', plane: kernelFitPicture() },
  ];
  return builtins;
}

/** The user's picture, decoded by the browser and scaled so its longest side is at most MAX_UPLOAD_SIDE. */
export async function sampleFromFile(file: File): Promise<Sample> {
  if (!/^image\/(png|jpeg)$/.test(file.type) && !/\.(png|jpe?g)$/i.test(file.name)) {
    throw new Error(`${file.name} is not a PNG or JPEG picture (type “${file.type || 'unknown'}”)`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${file.name} could not be read as a picture: the file may be damaged`);
  }
  const k = Math.min(1, MAX_UPLOAD_SIDE / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(3, Math.round(bitmap.width * k));
  const h = Math.max(3, Math.round(bitmap.height * k));
  const { ctx } = context(w, h);
  // transparent pixels count as white paper, not as the black their colour bytes often hold
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  const detail = k < 1 ? `scaled to ${w}×${h}` : `${w}×${h}`;
  return { id: 'upload', name: file.name, detail, plane: greyFromRgba(ctx.getImageData(0, 0, w, h).data, w, h) };
}
