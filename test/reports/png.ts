/** Decodes PNGs for assertions: size, pixel variance, distinct colours. */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { expect } from 'vitest';

export interface PngPixels {
  width: number;
  height: number;
  /** RGBA bytes. */
  data: Uint8ClampedArray;
}

/** Decodes a PNG buffer into its pixels (fails on anything that is not a valid image). */
export async function decodePng(png: Buffer): Promise<PngPixels> {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return {
    width: image.width,
    height: image.height,
    data: ctx.getImageData(0, 0, image.width, image.height).data,
  };
}

export interface PixelStats {
  /** Variance of luminance (0..255²). */
  variance: number;
  /** Distinct RGB colours (sampled). */
  colours: number;
  /** Share of pixels that are neither white nor grey-ish (saturated colour). */
  coloured: number;
  /** Alpha of the top-left pixel: 255 when the background is painted. */
  cornerAlpha: number;
  corner: [number, number, number];
}

/** Statistics over every pixel of `p`. */
export function pixelStats(p: PngPixels): PixelStats {
  const n = p.width * p.height;
  let sum = 0;
  let sumSq = 0;
  let coloured = 0;
  const colours = new Set<number>();
  for (let i = 0; i < n; i++) {
    const r = p.data[i * 4] ?? 0;
    const g = p.data[i * 4 + 1] ?? 0;
    const b = p.data[i * 4 + 2] ?? 0;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += y;
    sumSq += y * y;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
    if (i % 7 === 0) colours.add((r << 16) | (g << 8) | b);
  }
  const mean = sum / n;
  return {
    variance: sumSq / n - mean * mean,
    colours: colours.size,
    coloured: coloured / n,
    cornerAlpha: p.data[3] ?? 0,
    corner: [p.data[0] ?? 0, p.data[1] ?? 0, p.data[2] ?? 0],
  };
}
