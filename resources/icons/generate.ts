/**
 * Draws the Convas app icon (a blue rounded square with two layer blocks joined by a wire, the
 * toolbar mark) and writes the PNGs electron-builder and the browser build use:
 *   resources/icons/icon.png (1024²: electron-builder derives .icns and .ico from it),
 *   resources/icons/512x512.png, 256x256.png (Linux icon set), src/renderer/public/favicon.png.
 * Run: npx tsx resources/icons/generate.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

type RGBA = [number, number, number, number];

/** Signed distance to a rounded rectangle centred at (cx, cy), half-size (hw, hh), radius r. */
function roundedRect(x: number, y: number, cx: number, cy: number, hw: number, hh: number, r: number): number {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function over(dst: RGBA, src: RGBA, coverage: number): RGBA {
  const a = (src[3] / 255) * coverage;
  return [dst[0] * (1 - a) + src[0] * a, dst[1] * (1 - a) + src[1] * a, dst[2] * (1 - a) + src[2] * a, dst[3] + (255 - dst[3]) * a];
}

/** Coverage from a distance, one pixel of anti-aliasing at the edge. */
const cover = (d: number, px: number) => Math.min(1, Math.max(0, 0.5 - d / px));

export function drawIcon(size: number): PNG {
  const png = new PNG({ width: size, height: size });
  const u = 1 / size;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) * u;
      const y = (j + 0.5) * u;
      let c: RGBA = [0, 0, 0, 0];
      // Background: macOS-style squircle-ish rounded square with a vertical gradient.
      const bg = roundedRect(x, y, 0.5, 0.5, 0.41, 0.41, 0.1);
      const t = (y - 0.09) / 0.82;
      c = over(c, [Math.round(88 - 40 * t), Math.round(150 - 50 * t), 255, 255], cover(bg, u));
      // Wire between the blocks.
      const wire = roundedRect(x, y, 0.5, 0.5, 0.022, 0.14, 0.022);
      c = over(c, [255, 255, 255, 220], cover(wire, u));
      // Two layer blocks.
      const top = roundedRect(x, y, 0.5, 0.33, 0.24, 0.075, 0.075);
      c = over(c, [255, 255, 255, 250], cover(top, u));
      const bottom = roundedRect(x, y, 0.5, 0.67, 0.24, 0.075, 0.075);
      c = over(c, [255, 255, 255, 190], cover(bottom, u));
      // Ports on the blocks, in the category colours of the canvas.
      const p1 = Math.hypot(x - 0.5, y - 0.405) - 0.035;
      c = over(c, [20, 184, 166, 255], cover(p1, u));
      const p2 = Math.hypot(x - 0.5, y - 0.595) - 0.035;
      c = over(c, [59, 130, 246, 255], cover(p2, u));
      const k = (j * size + i) * 4;
      png.data[k] = Math.round(c[0]);
      png.data[k + 1] = Math.round(c[1]);
      png.data[k + 2] = Math.round(c[2]);
      png.data[k + 3] = Math.round(c[3]);
    }
  }
  return png;
}

const here = dirname(fileURLToPath(import.meta.url));
const targets: [string, number][] = [
  [join(here, 'icon.png'), 1024],
  [join(here, '512x512.png'), 512],
  [join(here, '256x256.png'), 256],
  [join(here, '../../src/renderer/public/favicon.png'), 64],
];
for (const [file, size] of targets) {
  writeFileSync(file, PNG.sync.write(drawIcon(size)));
  console.log(`wrote ${file} (${size}×${size})`);
}
