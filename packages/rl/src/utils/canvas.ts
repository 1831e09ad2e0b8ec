/**
 * A tiny software rasterizer for environment frames: filled polygons and circles and thick lines
 * on an RGB byte buffer, with the origin at the bottom left (as Gymnasium draws, then flips).
 */
import type { RgbFrame } from '../env/env';

/**
 * An RGB color, bytes 0..255.
 *
 * @category Random
 */
export type Color = readonly [number, number, number];

/**
 * A drawing surface of `width x height` RGB pixels, y up.
 *
 * @category Random
 */
export class Canvas {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Color = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) this.data.set(background, i * 3);
  }

  private setPixel(x: number, y: number, color: Color): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const row = this.height - 1 - y;
    this.data.set(color, (row * this.width + x) * 3);
  }

  /** Fills the convex or concave polygon through `points` (even-odd rule, pixel centers). */
  polygon(points: readonly (readonly [number, number])[], color: Color): void {
    const ys = points.map((p) => p[1]);
    const y0 = Math.max(0, Math.floor(Math.min(...ys)));
    const y1 = Math.min(this.height - 1, Math.ceil(Math.max(...ys)));
    for (let y = y0; y <= y1; y++) {
      const cy = y + 0.5;
      const xs: number[] = [];
      for (let i = 0; i < points.length; i++) {
        const [ax, ay] = points[i];
        const [bx, by] = points[(i + 1) % points.length];
        if ((ay <= cy && by > cy) || (by <= cy && ay > cy)) xs.push(ax + ((cy - ay) / (by - ay)) * (bx - ax));
      }
      xs.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        for (let x = Math.max(0, Math.ceil(xs[k] - 0.5)); x <= Math.min(this.width - 1, Math.floor(xs[k + 1] - 0.5)); x++)
          this.setPixel(x, y, color);
      }
    }
  }

  /** Fills an axis-aligned rectangle. */
  rect(x: number, y: number, w: number, h: number, color: Color): void {
    this.polygon(
      [
        [x, y],
        [x + w, y],
        [x + w, y + h],
        [x, y + h],
      ],
      color,
    );
  }

  /** Fills a disc. */
  circle(cx: number, cy: number, r: number, color: Color): void {
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) this.setPixel(x, y, color);
      }
    }
  }

  /** Draws a line of the given width as a filled quadrilateral. */
  line(x0: number, y0: number, x1: number, y1: number, width: number, color: Color): void {
    const length = Math.hypot(x1 - x0, y1 - y0) || 1;
    const nx = (-(y1 - y0) / length) * (width / 2);
    const ny = ((x1 - x0) / length) * (width / 2);
    this.polygon(
      [
        [x0 + nx, y0 + ny],
        [x1 + nx, y1 + ny],
        [x1 - nx, y1 - ny],
        [x0 - nx, y0 - ny],
      ],
      color,
    );
  }

  /** The frame, rows top to bottom. */
  frame(): RgbFrame {
    return { height: this.height, width: this.width, channels: 3, data: this.data };
  }
}
