/** The saliency overlay's resize is PyTorch's bilinear (align_corners=False), and the blend keeps the picture where the map is 0. */
import { describe, expect, it } from 'vitest';
import { blendHeat, greyOf, resizeBilinear } from '../../src/renderer/visuals/inside/overlay';
import { gradCam, inputSaliency } from '../../src/engine/train/saliency';

describe('saliency overlay', () => {
  it('resizes like torch.nn.functional.interpolate(mode="bilinear", align_corners=False)', () => {
    // F.interpolate(tensor([[[[0,1,5],[2,3,-1]]]]), size=(4,5), mode='bilinear', align_corners=False), torch 1.13
    const torch = [0, 0.4, 1, 3.4, 5, 0.5, 0.9, 1.5, 2.7, 3.5, 1.5, 1.9, 2.5, 1.3, 0.5, 2, 2.4, 3, 0.6, -1];
    const got = resizeBilinear([0, 1, 5, 2, 3, -1], 2, 3, 4, 5);
    expect(Array.from(got).map((v) => Number(v.toFixed(5)))).toEqual(torch);
  });

  it('leaves the grey picture where the map is 0 and is warmest at its peak', () => {
    const px = blendHeat([0, 1, 0.5], [0, 0, 2]);
    expect(Array.from(px.slice(0, 8))).toEqual([0, 0, 0, 255, 200, 200, 200, 255]);
    expect(px[8]).toBeGreaterThan(px[10]);
  });

  it('greys a colour picture by the mean of its channels, and computes Grad-CAM and saliency by their definitions', () => {
    expect(Array.from(greyOf(new Float32Array([0, 3, 3, 0, 0, 3]), [3, 1, 2]))).toEqual([1, 2]);
    // two channels of 2 positions: α = mean gradient per channel = [1, -1]; cam = relu(1·a0 − 1·a1)
    expect(Array.from(gradCam(new Float32Array([1, 2, 3, 0]), new Float32Array([1, 1, -2, 0]), 2, 2))).toEqual([0, 2]);
    expect(Array.from(inputSaliency(new Float32Array([-3, 1, 2, -4]), 2))).toEqual([3, 4]);
  });
});
