// Where an image shows: the box of its pixels with a non-zero value in one channel (alpha for a picture, the
// grey level for a mask). The document record uses it to leave out layers that put nothing in the export.
import type { PixelBox } from '../document/types';

/** RGBA pixels. */
export interface RgbaPixels {
	width: number;
	height: number;
	data: Uint8ClampedArray | Uint8Array;
}

/**
 * The box of the pixels whose `channel` (0 red/grey, 3 alpha) is above 0, or null when there are none.
 * With `within`, only that part is looked at (the caller knows every pixel outside it is 0).
 */
export function shownBox(pixels: RgbaPixels, channel: 0 | 3, within?: PixelBox): PixelBox | null {
	const { width, height, data } = pixels;
	const left = within ? Math.max(0, within.x) : 0;
	const top = within ? Math.max(0, within.y) : 0;
	const right = within ? Math.min(width, within.x + within.width) : width;
	const bottom = within ? Math.min(height, within.y + within.height) : height;
	let x0 = width;
	let y0 = height;
	let x1 = -1;
	let y1 = -1;
	for (let y = top; y < bottom; y++) {
		let row = (y * width + left) * 4 + channel;
		for (let x = left; x < right; x++, row += 4) {
			if (data[row] === 0) continue;
			if (x < x0) x0 = x;
			if (x > x1) x1 = x;
			if (y < y0) y0 = y;
			y1 = y;
		}
	}
	return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** The smallest box holding both (either may be none). */
export function unionBox(a: PixelBox | null, b: PixelBox | null): PixelBox | null {
	if (!a || !b) return a ?? b;
	const x = Math.min(a.x, b.x);
	const y = Math.min(a.y, b.y);
	return {
		x,
		y,
		width: Math.max(a.x + a.width, b.x + b.width) - x,
		height: Math.max(a.y + a.height, b.y + b.height) - y
	};
}
