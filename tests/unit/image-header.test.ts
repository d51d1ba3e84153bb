import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	DEFAULT_PIXEL_LIMIT,
	IMAGE_ERRORS,
	ImageInputError,
	readImageHeader,
	tooLargeMessage,
	type ImageHeader
} from '../../src/lib/kernels/image-header';
import { seededRandom } from '../helpers/random';
import { findStyle } from '../../src/lib/assets/catalog';
import { loadProjectCatalog } from '../../src/lib/node/catalog-fs';
import { photoPath, verifiedPath } from '../helpers/assets';

// ---------------------------------------------------------------------------------------------------------
// Byte builders

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const be16 = (v: number): number[] => [(v >>> 8) & 0xff, v & 0xff];
const le16 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff];
const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const le24 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff];
const bytes = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());

function crc32(data: number[]): number {
	let c = 0xffffffff;
	for (const byte of data) {
		c ^= byte;
		for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
	}
	return (c ^ 0xffffffff) >>> 0;
}

/** PNG signature + complete IHDR chunk (33 bytes). */
function png(width: number, height: number, chunkType = 'IHDR'): Uint8Array {
	const body = [...ascii(chunkType), ...be32(width), ...be32(height), 8, 6, 0, 0, 0];
	return bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], be32(13), body, be32(crc32(body)));
}

type Order = 'II' | 'MM';

interface IfdEntry {
	tag: number;
	type: number;
	value: number;
}

/** TIFF structure with one IFD0 holding `entries`. */
function tiff(order: Order, entries: IfdEntry[]): number[] {
	const le = order === 'II';
	const w16 = le ? le16 : be16;
	const w32 = le ? le32 : be32;
	const out = [...ascii(order), ...w16(42), ...w32(8), ...w16(entries.length)];
	for (const e of entries) {
		const value = e.type === 3 ? [...w16(e.value), 0, 0] : w32(e.value);
		out.push(...w16(e.tag), ...w16(e.type), ...w32(1), ...value);
	}
	out.push(...w32(0)); // no next IFD
	return out;
}

function exifTiff(order: Order, orientation: number, type = 3): number[] {
	return tiff(order, [
		{ tag: 0x010f, type: 4, value: 0 }, // Make (bogus offset; must be skipped)
		{ tag: 0x0112, type, value: orientation },
		{ tag: 0x011a, type: 4, value: 72 }
	]);
}

function segment(marker: number, data: number[]): number[] {
	return [0xff, marker, ...be16(data.length + 2), ...data];
}

interface JpegOptions {
	orientation?: number;
	order?: Order;
	sof?: number;
	before?: number[][];
}

/** SOI, optional APP1 Exif, optional extra segments, SOFn (3 components). */
function jpeg(width: number, height: number, opts: JpegOptions = {}): Uint8Array {
	const parts: number[][] = [[0xff, 0xd8]];
	if (opts.orientation !== undefined) {
		parts.push(segment(0xe1, [...ascii('Exif'), 0, 0, ...exifTiff(opts.order ?? 'II', opts.orientation)]));
	}
	for (const extra of opts.before ?? []) parts.push(extra);
	parts.push(
		segment(opts.sof ?? 0xc0, [8, ...be16(height), ...be16(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
	);
	return bytes(...parts);
}

function riff(chunks: number[][]): Uint8Array {
	const body = [...ascii('WEBP'), ...chunks.flat()];
	return bytes(ascii('RIFF'), le32(body.length), body);
}

function chunk(id: string, data: number[]): number[] {
	return [...ascii(id), ...le32(data.length), ...data, ...(data.length % 2 ? [0] : [])];
}

function vp8Data(width: number, height: number): number[] {
	return [0x50, 0x0a, 0x00, 0x9d, 0x01, 0x2a, ...le16(width), ...le16(height)];
}

function vp8lData(width: number, height: number): number[] {
	return [0x2f, ...le32(((width - 1) | ((height - 1) << 14)) >>> 0)];
}

function vp8xData(width: number, height: number, flags = 0): number[] {
	return [flags, 0, 0, 0, ...le24(width - 1), ...le24(height - 1)];
}

const webpVp8 = (w: number, h: number): Uint8Array => riff([chunk('VP8 ', vp8Data(w, h))]);
const webpVp8l = (w: number, h: number): Uint8Array => riff([chunk('VP8L', vp8lData(w, h))]);

function webpVp8x(w: number, h: number, exif?: { order: Order; orientation: number; prefix?: boolean }) {
	const chunks = [chunk('VP8X', vp8xData(w, h, exif ? 0x08 : 0)), chunk('VP8L', vp8lData(w, h))];
	if (exif) {
		const prefix = exif.prefix ? [...ascii('Exif'), 0, 0] : [];
		chunks.push(chunk('EXIF', [...prefix, ...exifTiff(exif.order, exif.orientation)]));
	}
	return riff(chunks);
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function errorOf(fn: () => unknown): unknown {
	try {
		fn();
	} catch (e) {
		return e;
	}
	throw new Error('expected the call to throw');
}

function expectImageError(input: Uint8Array, message?: string, limit?: number): ImageInputError {
	const e = errorOf(() => readImageHeader(input, limit));
	expect(e).toBeInstanceOf(ImageInputError);
	const err = e as ImageInputError;
	expect(err.name).toBe('ImageInputError');
	if (message !== undefined) expect(err.message).toBe(message);
	return err;
}

function expectSaneHeader(h: ImageHeader, limit = DEFAULT_PIXEL_LIMIT): void {
	expect(['png', 'jpeg', 'webp']).toContain(h.format);
	for (const v of [h.width, h.height, h.orientedWidth, h.orientedHeight]) {
		expect(Number.isInteger(v) && v >= 1).toBe(true);
	}
	expect(h.orientation >= 1 && h.orientation <= 8 && Number.isInteger(h.orientation)).toBe(true);
	expect(h.width * h.height).toBeLessThanOrEqual(limit);
	const swap = h.orientation >= 5;
	expect([h.orientedWidth, h.orientedHeight]).toEqual(swap ? [h.height, h.width] : [h.width, h.height]);
}

// ---------------------------------------------------------------------------------------------------------

describe('messages', () => {
	it('are clear one-liners', () => {
		for (const m of Object.values(IMAGE_ERRORS)) {
			expect(m).not.toContain('\n');
			expect(m.endsWith('.')).toBe(true);
		}
		expect(IMAGE_ERRORS.empty).toBe('The file is empty.');
		expect(IMAGE_ERRORS.svg).toBe('This is an SVG file; only PNG, JPEG and WebP images can be used.');
		expect(IMAGE_ERRORS.unsupported).toBe('The file is not a PNG, JPEG or WebP image.');
		expect(IMAGE_ERRORS.corrupt).toBe('The image header is truncated or corrupt.');
	});

	it('formats the too-large message with megapixels to one decimal', () => {
		expect(tooLargeMessage(30000, 30000, 100_000_000)).toBe(
			'The image is 30000 x 30000 pixels (900.0 megapixels); the limit is 100.0 megapixels.'
		);
		expect(tooLargeMessage(4000, 3001, 12_000_000)).toBe(
			'The image is 4000 x 3001 pixels (12.0 megapixels); the limit is 12.0 megapixels.'
		);
		expect(DEFAULT_PIXEL_LIMIT).toBe(100_000_000);
	});

	it('ImageInputError is an Error with its own name', () => {
		const e = new ImageInputError('x');
		expect(e).toBeInstanceOf(Error);
		expect(e.name).toBe('ImageInputError');
		expect(e.message).toBe('x');
	});
});

describe('PNG', () => {
	it('reads width and height from IHDR', () => {
		expect(readImageHeader(png(640, 480))).toEqual({
			format: 'png',
			width: 640,
			height: 480,
			orientation: 1,
			orientedWidth: 640,
			orientedHeight: 480
		});
		expect(readImageHeader(png(1, 70000))).toMatchObject({ width: 1, height: 70000 });
	});

	it('accepts trailing data after IHDR', () => {
		const full = bytes([...png(3, 5)], [0, 0, 0, 0], ascii('IEND'), [0xae, 0x42, 0x60, 0x82]);
		expect(readImageHeader(full)).toMatchObject({ format: 'png', width: 3, height: 5 });
	});

	it('rejects zero sizes and a missing IHDR as corrupt', () => {
		expectImageError(png(0, 10), IMAGE_ERRORS.corrupt);
		expectImageError(png(10, 0), IMAGE_ERRORS.corrupt);
		expectImageError(png(10, 10, 'IDAT'), IMAGE_ERRORS.corrupt);
		expectImageError(png(0x80000000, 1), IMAGE_ERRORS.corrupt);
	});

	it('refuses 30000 x 30000 with the too-large message', () => {
		expectImageError(
			png(30000, 30000),
			'The image is 30000 x 30000 pixels (900.0 megapixels); the limit is 100.0 megapixels.'
		);
	});

	it('applies the limit inclusively and honours a custom limit', () => {
		expect(readImageHeader(png(10000, 10000)).width).toBe(10000); // exactly 100 MP
		expectImageError(png(10000, 10001), tooLargeMessage(10000, 10001, DEFAULT_PIXEL_LIMIT));
		expect(readImageHeader(png(100, 100), 10_000).height).toBe(100);
		expectImageError(png(100, 101), tooLargeMessage(100, 101, 10_000), 10_000);
	});
});

describe('JPEG', () => {
	it('reads SOF0 without EXIF as orientation 1', () => {
		expect(readImageHeader(jpeg(640, 427))).toEqual({
			format: 'jpeg',
			width: 640,
			height: 427,
			orientation: 1,
			orientedWidth: 640,
			orientedHeight: 427
		});
	});

	for (const order of ['II', 'MM'] as const) {
		for (let orientation = 1; orientation <= 8; orientation++) {
			it(`reads EXIF orientation ${orientation} (${order}) and swaps for 5..8`, () => {
				const h = readImageHeader(jpeg(300, 200, { orientation, order }));
				expect(h.orientation).toBe(orientation);
				expect([h.width, h.height]).toEqual([300, 200]);
				const swapped = orientation >= 5;
				expect([h.orientedWidth, h.orientedHeight]).toEqual(swapped ? [200, 300] : [300, 200]);
			});
		}
	}

	it('treats out-of-range orientation values as 1', () => {
		expect(readImageHeader(jpeg(30, 20, { orientation: 0 })).orientation).toBe(1);
		expect(readImageHeader(jpeg(30, 20, { orientation: 9, order: 'MM' })).orientation).toBe(1);
	});

	it('accepts a LONG-typed orientation tag', () => {
		const app1 = segment(0xe1, [...ascii('Exif'), 0, 0, ...exifTiff('MM', 6, 4)]);
		const file = bytes([0xff, 0xd8], app1, [...jpeg(30, 20)].slice(2));
		expect(readImageHeader(file)).toMatchObject({ orientation: 6, orientedWidth: 20, orientedHeight: 30 });
	});

	it('ignores malformed EXIF instead of rejecting the image', () => {
		const badOrder = segment(0xe1, [...ascii('Exif'), 0, 0, ...ascii('XX'), 0, 42, 0, 0, 0, 8]);
		const badOffset = segment(0xe1, [...ascii('Exif'), 0, 0, ...ascii('MM'), 0, 42, 0x7f, 0xff, 0xff, 0xff]);
		const hugeCount = segment(0xe1, [...ascii('Exif'), 0, 0, ...ascii('II'), 42, 0, 8, 0, 0, 0, 0xff, 0xff]);
		for (const app1 of [badOrder, badOffset, hugeCount]) {
			const file = bytes([0xff, 0xd8], app1, [...jpeg(30, 20)].slice(2));
			expect(readImageHeader(file)).toMatchObject({ format: 'jpeg', width: 30, height: 20, orientation: 1 });
		}
	});

	it('skips APP0, XMP APP1, DQT, DHT, DAC and JPG markers and fill bytes before the frame', () => {
		const file = jpeg(123, 45, {
			orientation: 8,
			order: 'MM',
			before: [
				segment(0xe0, [...ascii('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
				segment(0xe1, [...ascii('http://ns.adobe.com/xap/1.0/'), 0, ...ascii('<x/>')]),
				segment(0xdb, new Array<number>(65).fill(1)),
				segment(0xc4, [0, 0xff, 0xff, 0xff, 0xff]), // DHT: in the SOF range but not a frame
				segment(0xcc, [0x10, 0xff, 0xff]), // DAC
				segment(0xc8, [0xff, 0xff, 0xff, 0xff]), // JPG
				[0xff, 0xff, 0xff] // fill bytes before the next marker
			]
		});
		expect(readImageHeader(file)).toMatchObject({
			width: 123,
			height: 45,
			orientation: 8,
			orientedWidth: 45,
			orientedHeight: 123
		});
	});

	it('reads every SOF marker variant', () => {
		for (const sof of [0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]) {
			expect(readImageHeader(jpeg(77, 66, { sof }))).toMatchObject({ width: 77, height: 66 });
		}
	});

	it('uses only the first Exif segment', () => {
		const second = segment(0xe1, [...ascii('Exif'), 0, 0, ...exifTiff('II', 3)]);
		const file = jpeg(50, 40, { orientation: 6, before: [second] });
		expect(readImageHeader(file).orientation).toBe(6);
	});

	it('rejects structural errors as corrupt', () => {
		const soi = [0xff, 0xd8];
		const sof = [...jpeg(10, 10)].slice(2);
		const cases = [
			bytes(soi, [0xff, 0xda, 0, 2], sof), // scan before frame
			bytes(soi, [0xff, 0xd9]), // end of image before frame
			bytes(soi, [0xff, 0x00]), // stuffed zero as a marker
			bytes(soi, [0xff, 0xe0, 0, 1], sof), // segment length < 2
			bytes(soi, [0xff, 0xe0, 0, 2, 0x12], sof), // garbage where a marker must be
			bytes(soi, segment(0xe0, [1, 2, 3])), // ends without a frame header
			jpeg(0, 10),
			jpeg(10, 0),
			bytes(soi, [0xff, 0xc0, 0, 5, 8, 0, 10]) // SOF segment too short
		];
		for (const c of cases) expectImageError(c, IMAGE_ERRORS.corrupt);
	});

	it('refuses oversized frames', () => {
		expectImageError(jpeg(65535, 65535), tooLargeMessage(65535, 65535, DEFAULT_PIXEL_LIMIT));
	});
});

describe('WebP', () => {
	it('reads lossy VP8 sizes (14 bits, ignoring the scale bits)', () => {
		expect(readImageHeader(webpVp8(1899, 1080))).toEqual({
			format: 'webp',
			width: 1899,
			height: 1080,
			orientation: 1,
			orientedWidth: 1899,
			orientedHeight: 1080
		});
		const scaled = webpVp8(100, 50);
		scaled[27] = (scaled[27] ?? 0) | 0xc0; // horizontal scale bits
		expect(readImageHeader(scaled)).toMatchObject({ width: 100, height: 50 });
		expect(readImageHeader(webpVp8(16383, 1))).toMatchObject({ width: 16383, height: 1 });
	});

	it('reads lossless VP8L sizes', () => {
		expect(readImageHeader(webpVp8l(1, 1))).toMatchObject({ format: 'webp', width: 1, height: 1 });
		expect(readImageHeader(webpVp8l(777, 333))).toMatchObject({ width: 777, height: 333 });
		expect(readImageHeader(webpVp8l(9999, 10000))).toMatchObject({ width: 9999, height: 10000 });
	});

	it('reads extended VP8X canvas sizes', () => {
		expect(readImageHeader(webpVp8x(20000, 3))).toMatchObject({
			format: 'webp',
			width: 20000,
			height: 3,
			orientation: 1
		});
	});

	for (const order of ['II', 'MM'] as const) {
		for (let orientation = 1; orientation <= 8; orientation++) {
			it(`reads VP8X EXIF orientation ${orientation} (${order})`, () => {
				const h = readImageHeader(webpVp8x(64, 32, { order, orientation, prefix: orientation % 2 === 0 }));
				expect(h.orientation).toBe(orientation);
				expect([h.orientedWidth, h.orientedHeight]).toEqual(orientation >= 5 ? [32, 64] : [64, 32]);
			});
		}
	}

	it('refuses an oversized VP8X canvas from the header alone', () => {
		const header = riff([chunk('VP8X', vp8xData(16384, 16384))]); // no image data at all
		expectImageError(header, tooLargeMessage(16384, 16384, DEFAULT_PIXEL_LIMIT));
	});

	it('rejects structural errors as corrupt', () => {
		const badStart = webpVp8(10, 10);
		badStart[23] = 0x9e;
		const interFrame = webpVp8(10, 10);
		interFrame[20] = 0x51;
		const badSig = webpVp8l(10, 10);
		badSig[20] = 0x2e;
		const badVersion = webpVp8l(10, 10);
		badVersion[24] = (badVersion[24] ?? 0) | 0x20;
		const tooLongRiff = webpVp8(10, 10);
		tooLongRiff[4] = (tooLongRiff[4] ?? 0) + 2;
		const cases = [
			badStart,
			interFrame,
			badSig,
			badVersion,
			tooLongRiff,
			webpVp8(0, 10),
			riff([chunk('ABCD', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])]),
			riff([chunk('VP8X', vp8xData(10, 10)), chunk('ICCP', [1, 2, 3])]), // no image chunk
			riff([chunk('VP8 ', [0x50, 0x0a, 0x00, 0x9d, 0x01, 0x2a, 10, 0])]) // chunk too short
		];
		for (const c of cases) expectImageError(c, IMAGE_ERRORS.corrupt);
	});
});

describe('type sniffing', () => {
	it('rejects an empty file', () => {
		expectImageError(new Uint8Array(0), IMAGE_ERRORS.empty);
	});

	it('recognises SVG with or without an XML prolog, BOM or leading whitespace', () => {
		const enc = (s: string) => new TextEncoder().encode(s);
		const svgs = [
			enc('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
			enc('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'),
			enc('\n\t  <SVG viewBox="0 0 1 1"/>'),
			bytes([0xef, 0xbb, 0xbf], [...enc('  <svg/>')]),
			enc('<!-- made by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg/>'),
			bytes(
				[0xff, 0xfe],
				ascii('<svg/>').flatMap((c) => [c, 0])
			) // UTF-16 LE
		];
		for (const s of svgs) expectImageError(s, IMAGE_ERRORS.svg);
	});

	it('does not look for <svg beyond the first kilobyte', () => {
		const late = new TextEncoder().encode(`${'x'.repeat(2000)}<svg/>`);
		expectImageError(late, IMAGE_ERRORS.unsupported);
	});

	it('rejects other formats and random bytes as unsupported', () => {
		const random = seededRandom(42);
		const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
		noise[0] = 0x00;
		const cases = [
			bytes(ascii('GIF89a'), [1, 0, 1, 0, 0, 0, 0]),
			bytes(ascii('BM'), new Array<number>(60).fill(0)),
			bytes(ascii('RIFF'), le32(4), ascii('WAVE')),
			bytes([0, 0, 0, 0x1c], ascii('ftypavif'), new Array<number>(20).fill(0)),
			new TextEncoder().encode('hello world'),
			new Uint8Array([0x42]),
			noise
		];
		for (const c of cases) expectImageError(c, IMAGE_ERRORS.unsupported);
	});

	it('ignores any file name: only bytes matter', () => {
		// A PNG body is a PNG whatever it is called; readImageHeader takes no name at all.
		expect(readImageHeader(png(2, 2)).format).toBe('png');
		expect(readImageHeader(jpeg(2, 2)).format).toBe('jpeg');
		expect(readImageHeader(webpVp8(2, 2)).format).toBe('webp');
	});
});

const VALID_SAMPLES: Record<string, Uint8Array> = {
	png: png(640, 480),
	jpeg: jpeg(300, 200),
	'jpeg exif II': jpeg(300, 200, { orientation: 6, order: 'II' }),
	'jpeg exif MM': jpeg(300, 200, { orientation: 7, order: 'MM' }),
	'jpeg progressive': jpeg(300, 200, { sof: 0xc2, before: [segment(0xc4, [0, 1, 2])] }),
	'webp VP8': webpVp8(320, 240),
	'webp VP8L': webpVp8l(320, 240),
	'webp VP8X': webpVp8x(320, 240),
	'webp VP8X exif': webpVp8x(320, 240, { order: 'MM', orientation: 5 })
};

describe('truncation', () => {
	for (const [name, file] of Object.entries(VALID_SAMPLES)) {
		it(`${name}: the full file reads, every shorter prefix throws ImageInputError`, () => {
			expectSaneHeader(readImageHeader(file));
			for (let len = 0; len < file.length; len++) {
				const e = errorOf(() => readImageHeader(file.slice(0, len)));
				expect(e, `prefix of ${len} bytes`).toBeInstanceOf(ImageInputError);
				expect((e as Error).message).toBe(len === 0 ? IMAGE_ERRORS.empty : IMAGE_ERRORS.corrupt);
			}
		});
	}
});

describe('fuzz', () => {
	it('2000 mutated headers either read sanely or throw ImageInputError', () => {
		const random = seededRandom(0xc0ffee);
		const pick = (n: number) => Math.floor(random() * n);
		const samples = Object.values(VALID_SAMPLES);
		const outcomes = { ok: 0, error: 0 };
		for (let iter = 0; iter < 2000; iter++) {
			const base = samples[iter % samples.length] ?? png(1, 1);
			const arr = Array.from(base);
			const mutations = 1 + pick(4);
			for (let m = 0; m < mutations; m++) {
				const at = pick(arr.length + 1);
				switch (pick(6)) {
					case 0:
						arr[at] = pick(256);
						break;
					case 1:
						arr[at] = (arr[at] ?? 0) ^ (1 << pick(8));
						break;
					case 2:
						arr[at] = pick(2) ? 0xff : 0x00;
						break;
					case 3:
						arr.splice(at, 0, ...Array.from({ length: 1 + pick(8) }, () => pick(256)));
						break;
					case 4:
						arr.splice(at, 1 + pick(8));
						break;
					default:
						arr.length = Math.min(arr.length, at);
				}
			}
			const input = Uint8Array.from(arr, (v) => v & 0xff);
			const limit = pick(4) === 0 ? 50_000 : DEFAULT_PIXEL_LIMIT;
			let header: ImageHeader | undefined;
			try {
				header = readImageHeader(input, limit);
			} catch (e) {
				expect(e, `iteration ${iter}`).toBeInstanceOf(ImageInputError);
				outcomes.error++;
			}
			if (header) {
				expectSaneHeader(header, limit);
				outcomes.ok++;
			}
		}
		// The fuzzer must exercise both paths to mean anything.
		expect(outcomes.ok).toBeGreaterThan(100);
		expect(outcomes.error).toBeGreaterThan(100);
	});

	it('random bytes behind each magic number never escape as another error type', () => {
		const random = seededRandom(7);
		const magics = [
			[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
			[0xff, 0xd8, 0xff],
			[...ascii('RIFF'), 0x40, 0, 0, 0, ...ascii('WEBP')],
			[...ascii('RIFF'), 0x40, 0, 0, 0, ...ascii('WEBPVP8X'), 10, 0, 0, 0, 0x08]
		];
		for (let iter = 0; iter < 1000; iter++) {
			const magic = magics[iter % magics.length] ?? [];
			const tail = Array.from({ length: Math.floor(random() * 96) }, () => Math.floor(random() * 256));
			const input = Uint8Array.from([...magic, ...tail]);
			try {
				expectSaneHeader(readImageHeader(input));
			} catch (e) {
				expect(e).toBeInstanceOf(ImageInputError);
			}
		}
	});
});

// ---------------------------------------------------------------------------------------------------------
// Real files, fetched and verified like every third-party test file.

const REAL_FILES = [
	{ name: 'astronaut.png', file: () => photoPath('astronaut'), format: 'png', width: 512, height: 512 },
	{ name: 'rocket.jpg', file: () => photoPath('rocket'), format: 'jpeg', width: 640, height: 427 },
	{
		name: 'the Chōjū-giga WebP style reference',
		file: async () =>
			verifiedPath(findStyle(await loadProjectCatalog(), 'chojugiga-frog-rabbit-sumo')!.files[0]!),
		format: 'webp',
		width: 1899,
		height: 1080
	}
] as const;

describe('real files', () => {
	for (const real of REAL_FILES) {
		it(`${real.name} is ${real.format} ${real.width}x${real.height}`, async () => {
			const file = new Uint8Array(readFileSync(await real.file()));
			const header = readImageHeader(file);
			expect(header).toEqual({
				format: real.format,
				width: real.width,
				height: real.height,
				orientation: 1,
				orientedWidth: real.width,
				orientedHeight: real.height
			});

			// Every truncation either throws ImageInputError or, once the header is complete, reads the same
			// header; the switch happens exactly once. (Plain checks in the loop: expect() per prefix is slow.)
			const keys = Object.keys(header) as (keyof ImageHeader)[];
			const same = (h: ImageHeader) => keys.every((k) => h[k] === header[k]);
			const problems: string[] = [];
			let firstOk = -1;
			for (let len = 0; len < file.length && problems.length < 5; len++) {
				try {
					const got = readImageHeader(file.subarray(0, len));
					if (!same(got)) problems.push(`prefix ${len}: different header ${JSON.stringify(got)}`);
					if (firstOk === -1) firstOk = len;
				} catch (e) {
					if (!(e instanceof ImageInputError)) problems.push(`prefix ${len}: ${String(e)}`);
					if (firstOk !== -1) problems.push(`prefix ${len} failed after prefix ${firstOk} succeeded`);
				}
			}
			expect(problems).toEqual([]);
			if (real.format === 'png') expect(firstOk).toBe(33);
			// A RIFF file shorter than its declared size is truncated at every length.
			if (real.format === 'webp') expect(firstOk).toBe(-1);
			if (real.format === 'jpeg') expect(firstOk).toBeGreaterThan(100);
		});
	}
});
