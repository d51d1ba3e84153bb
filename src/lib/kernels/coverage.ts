// Where an image shows: the box of its pixels with a non-zero value in one channel (alpha for a picture, the
// grey level for a mask). The document record uses it to leave out layers that put nothing in the export.
import type { PixelBox } from '../document/types';

/** RGBA pixels. */
export interface RgbaPixels {
	width: number;
	height: number;
	data: Uint8ClampedArray | Uint8Array;
}

/** The box of the pixels whose `channel` (0 red/grey, 3 alpha) is above 0, or null when there are none. */
export function shownBox(pixels: RgbaPixels, channel: 0 | 3): PixelBox | null {
	const { width, height, data } = pixels;
	let x0 = width;
	let y0 = height;
	let x1 = -1;
	let y1 = -1;
	for (let y = 0; y < height; y++) {
		let row = y * width * 4 + channel;
		for (let x = 0; x < width; x++, row += 4) {
			if (data[row] === 0) continue;
			if (x < x0) x0 = x;
			if (x > x1) x1 = x;
			if (y < y0) y0 = y;
			y1 = y;
		}
	}
	return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}
