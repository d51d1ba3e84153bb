import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
	base32Decode,
	base32Encode,
	chunkNeighbours,
	decodeImageCode,
	dct,
	digestChunks,
	encodeImageCode,
	hammingDistance,
	imageCode,
	imageCodeOfNormalized,
	normalizeImage,
	resizeGreyBicubic,
	similarityScore
} from '../../src/lib/kernels/iscc';
import { vectorPath } from '../helpers/assets';

interface Vector {
	inputs: [number[], number];
	outputs: { iscc: string };
}

async function imageVectors(): Promise<[string, Vector][]> {
	const data = JSON.parse(await readFile(await vectorPath('iscc-conformance'), 'utf8')) as {
		gen_image_code_v0: Record<string, Vector>;
	};
	return Object.entries(data.gen_image_code_v0);
}

function rgba(width: number, height: number, at: (x: number, y: number) => [number, number, number, number]) {
	const data = new Uint8Array(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) data.set(at(x, y), (y * width + x) * 4);
	}
	return { width, height, data };
}

describe('ISCC image code v0', () => {
	it('reproduces every gen_image_code_v0 vector of iscc-core bit for bit', async () => {
		const vectors = await imageVectors();
		expect(vectors.length).toBeGreaterThanOrEqual(3);
		for (const [name, vector] of vectors) {
			const [pixels, bits] = vector.inputs;
			expect(imageCodeOfNormalized(pixels, bits), name).toBe(vector.outputs.iscc);
		}
	});

	it('uses the recursive DCT: a constant row has exact zeros beyond the DC term', () => {
		const out = dct(new Array<number>(32).fill(255));
		expect(out[0]).toBe(255 * 32);
		expect(out.slice(1).every((v) => v === 0)).toBe(true);
		// An impulse: X_k = cos(pi/32 * (0 + 1/2) * k)
		const impulse = dct([1, ...new Array<number>(31).fill(0)]);
		impulse.forEach((v, k) => expect(v).toBeCloseTo(Math.cos((Math.PI / 32) * 0.5 * k), 12));
	});

	it('encodes and decodes codes: header, base32 without padding, the digest', () => {
		const digest = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
		const code = encodeImageCode(digest);
		expect(code.startsWith('ISCC:EEAQ')).toBe(true);
		// The header's 16 bits end inside the fourth character: it carries the digest's first four bits.
		const high = encodeImageCode(Uint8Array.of(0xff, 0, 0, 0, 0, 0, 0, 0));
		expect(high.startsWith('ISCC:EEA7')).toBe(true);
		expect(decodeImageCode(high)).toEqual(Uint8Array.of(0xff, 0, 0, 0, 0, 0, 0, 0));
		expect(decodeImageCode(code)).toEqual(digest);
		expect(decodeImageCode(code.slice(5))).toEqual(digest);
		expect(decodeImageCode('ISCC:EEAQAAAAAAAAAAA')).toBeNull(); // a character short
		expect(decodeImageCode('ISCC:KACT4EBWK27737D2AYCJRAL5Z36G76RFRMO4554RU26HZ4ORJGIVHDI')).toBeNull(); // not an image code
		expect(decodeImageCode('ISCC:eeaqaaaaaaaaaaaa')).toBeNull();
		expect(base32Encode(new TextEncoder().encode('foobar'))).toBe('MZXW6YTBOI');
		expect(base32Decode('MZXW6YTBOI')).toEqual(new TextEncoder().encode('foobar'));
		expect(base32Decode('MZXW6YTBO1')).toBeNull();
	});

	it('normalises: transparency onto white, a uniform border trimmed, grey, 32x32', () => {
		// A grey square on a red border: the border goes, the square alone fills the 32x32 grid.
		const bordered = rgba(100, 80, (x, y) =>
			x >= 20 && x < 60 && y >= 10 && y < 50 ? [100, 100, 100, 255] : [255, 0, 0, 255]
		);
		expect([...normalizeImage(bordered)].every((v) => v === 100)).toBe(true);
		// Fully transparent pixels are white; half transparent black is mid grey.
		const hole = rgba(40, 40, (x, y) =>
			x >= 10 && x < 30 && y >= 10 && y < 30 ? [0, 0, 0, 0] : [0, 0, 0, 128]
		);
		expect([...normalizeImage(hole)].every((v) => v === 255)).toBe(true);
		const halfBlack = rgba(40, 40, (x, y) =>
			x >= 10 && x < 30 && y >= 10 && y < 30 ? [0, 0, 0, 128] : [0, 0, 0, 0]
		);
		expect([...normalizeImage(halfBlack)].every((v) => v === 127)).toBe(true);
		// ITU-R 601 with Pillow's rounding: pure green is 150.
		expect(normalizeImage(rgba(8, 8, () => [0, 255, 0, 255]))[0]).toBe(150);
	});

	it('resizes like Pillow BICUBIC: constant stays constant, a step is antialiased with clipping', () => {
		const flat = new Uint8Array(300 * 200).fill(77);
		expect([...resizeGreyBicubic(flat, 300, 200, 32, 32)].every((v) => v === 77)).toBe(true);
		const step = Uint8Array.from({ length: 64 * 64 }, (_, i) => (i % 64 < 32 ? 0 : 255));
		const row = [...resizeGreyBicubic(step, 64, 64, 32, 32).subarray(0, 32)];
		expect(row.slice(0, 14).every((v) => v === 0)).toBe(true);
		expect(row.slice(18).every((v) => v === 255)).toBe(true);
		expect(row[15]! > 0 && row[15]! < 255).toBe(true);
	});

	it('survives a mild brightness change and tells different pictures apart', () => {
		const picture = (shift: number, seed: number) =>
			rgba(320, 240, (x, y) => {
				const v =
					(120 +
						70 * Math.sin(x / (17 + seed)) * Math.cos(y / (11 + seed * 3)) +
						40 * Math.sin((x + 2 * y) / (29 + seed))) *
					shift;
				const c = Math.max(0, Math.min(255, Math.round(v)));
				return [c, c, 255 - c, 255];
			});
		const a = decodeImageCode(imageCode(picture(1, 1)))!;
		const brighter = decodeImageCode(imageCode(picture(1.05, 1)))!;
		const other = decodeImageCode(imageCode(picture(1, 5)))!;
		expect(hammingDistance(a, brighter)).toBeLessThanOrEqual(4);
		expect(hammingDistance(a, other)).toBeGreaterThan(16);
	});

	it('splits digests into 16-bit chunks and lists chunk neighbours for multi-index search', () => {
		const digest = Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0]);
		expect(digestChunks(digest)).toEqual([0x1234, 0x5678, 0x9abc, 0xdef0]);
		expect(chunkNeighbours(0, 0)).toEqual([0]);
		expect(new Set(chunkNeighbours(0x1234, 1)).size).toBe(17);
		const two = chunkNeighbours(0x1234, 2);
		expect(new Set(two).size).toBe(1 + 16 + 120);
		expect(two.every((n) => popcount(n ^ 0x1234) <= 2)).toBe(true);
		expect(hammingDistance(Uint8Array.of(0xff, 0), Uint8Array.of(0x0f, 1))).toBe(5);
		expect(similarityScore(0)).toBe(100);
		expect(similarityScore(16)).toBe(75);
	});
});

function popcount(n: number): number {
	let c = 0;
	for (; n; n >>= 1) c += n & 1;
	return c;
}
