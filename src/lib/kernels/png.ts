// A greyscale PNG writer for masks. A 24 MP mask through a canvas is 96 MB of RGBA handed to the browser's
// PNG encoder (seconds); as one grey channel deflated by the platform's zlib (CompressionStream) it takes a
// fraction of that, and decodes to the same grey pixels (R = G = B = grey, A = 255).
import type { MaskPixels, Rect } from './brush';
import { crc32 } from './crc32';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** One chunk: length, type, data, CRC over type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
	const out = new Uint8Array(12 + data.length);
	const view = new DataView(out.buffer);
	view.setUint32(0, data.length);
	for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
	out.set(data, 8);
	view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
	return out;
}

/** The mask's grey channel (its red) as PNG scanlines, each led by filter type 0 (none). */
export function greyScanlines(mask: MaskPixels): Uint8Array {
	const { width, height, data } = mask;
	const rows = new Uint8Array((width + 1) * height);
	for (let y = 0, o = 0, i = 0; y < height; y++) {
		rows[o++] = 0;
		for (let x = 0; x < width; x++, i += 4) rows[o++] = data[i]!;
	}
	return rows;
}

async function zlibDeflate(bytes: Uint8Array): Promise<Uint8Array> {
	const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
		.stream()
		.pipeThrough(new CompressionStream('deflate'));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Copies the grey channel inside `rect` into scanlines made by greyScanlines (after painting there). */
export function updateScanlines(rows: Uint8Array, mask: MaskPixels, rect: Rect): void {
	const { width, data } = mask;
	for (let y = rect.y; y < rect.y + rect.height; y++) {
		let o = y * (width + 1) + 1 + rect.x;
		let i = (y * width + rect.x) * 4;
		for (let x = 0; x < rect.width; x++, i += 4) rows[o++] = data[i]!;
	}
}

/**
 * The mask as an 8-bit greyscale PNG (no colour profile, so every decoder reads the values unchanged),
 * from its scanlines when the caller keeps them up to date.
 */
export async function encodeGreyPng(mask: MaskPixels, rows = greyScanlines(mask)): Promise<Uint8Array> {
	const header = new Uint8Array(13);
	const view = new DataView(header.buffer);
	view.setUint32(0, mask.width);
	view.setUint32(4, mask.height);
	header[8] = 8; // bit depth
	header[9] = 0; // colour type: greyscale
	const parts = [
		new Uint8Array(SIGNATURE),
		chunk('IHDR', header),
		chunk('IDAT', await zlibDeflate(rows)),
		chunk('IEND', new Uint8Array(0))
	];
	const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}
