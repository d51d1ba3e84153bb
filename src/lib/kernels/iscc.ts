// The ISCC Content-Code Image v0 (ISO 24138, iscc-core `gen_image_code_v0`): a 64-bit perceptual hash of
// an image's pixels, and the soft binding Rakkan records in its Content Credentials. Pure: the studio, the
// CLI and the gallery server compute it with this same code from decoded RGBA pixels.
//
// Normalisation follows iscc-sdk `image_normalize` with Pillow's exact integer arithmetic, so a code made
// here matches one made by the reference tools: EXIF orientation (applied by the decoder that produced the
// pixels), transparency pasted onto white, the uniform border (the colour of pixel (0,0)) trimmed, ITU-R
// 601 grey, then a 32x32 Pillow BICUBIC resize with its fixed-point weights.

/** RGBA pixels, row-major (what ImageData and sharp's raw output hold). */
export interface RgbaPixels {
	width: number;
	height: number;
	data: Uint8Array | Uint8ClampedArray;
}

/** The C2PA soft-binding algorithm identifier of ISCC v0 (entry 3 of the official list). */
export const ISCC_ALG = 'io.iscc.v0';
/** The bit length Rakkan records and indexes: the standard image code. */
export const IMAGE_CODE_BITS = 64;
const SIDE = 32;

// ------------------------------------------------------------------------------------------------------
// Normalisation

/** Pillow's DIV255 (rounded division by 255), as its paste-with-mask blend uses it. */
function div255(value: number): number {
	const t = value + 128;
	return ((t >> 8) + t) >> 8;
}

/** Greyscale after compositing onto white: Pillow's `L24` rounding of R*299 + G*587 + B*114 per mille. */
function greyOnWhite(pixels: RgbaPixels): Uint8Array {
	const { data, width, height } = pixels;
	const out = new Uint8Array(width * height);
	for (let i = 0, p = 0; i < out.length; i++, p += 4) {
		const a = data[p + 3]!;
		let r = data[p]!;
		let g = data[p + 1]!;
		let b = data[p + 2]!;
		if (a !== 255) {
			const keep = 255 * (255 - a);
			r = div255(keep + r * a);
			g = div255(keep + g * a);
			b = div255(keep + b * a);
		}
		out[i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
	}
	return out;
}

/** A pixel's RGB composited onto white, packed as 0xRRGGBB (a plain function: this runs per pixel). */
function rgbOnWhite(data: RgbaPixels['data'], p: number): number {
	const a = data[p + 3]!;
	if (a === 255) return (data[p]! << 16) | (data[p + 1]! << 8) | data[p + 2]!;
	const keep = 255 * (255 - a);
	return (
		(div255(keep + data[p]! * a) << 16) |
		(div255(keep + data[p + 1]! * a) << 8) |
		div255(keep + data[p + 2]! * a)
	);
}

/** The box [x0, y0, x1, y1) of every pixel whose composited RGB differs from pixel (0,0); null if none. */
function contentBox(pixels: RgbaPixels): [number, number, number, number] | null {
	const { data, width, height } = pixels;
	const reference = rgbOnWhite(data, 0);
	let x0 = width;
	let y0 = height;
	let x1 = -1;
	let y1 = -1;
	for (let y = 0; y < height; y++) {
		for (let x = 0, p = y * width * 4; x < width; x++, p += 4) {
			if (rgbOnWhite(data, p) === reference) continue;
			if (x < x0) x0 = x;
			if (x > x1) x1 = x;
			if (y < y0) y0 = y;
			if (y > y1) y1 = y;
		}
	}
	return x1 < 0 ? null : [x0, y0, x1 + 1, y1 + 1];
}

const PRECISION_BITS = 32 - 8 - 2;

function bicubic(x: number): number {
	const a = -0.5;
	x = Math.abs(x);
	if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
	if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
	return 0;
}

interface Coefficients {
	/** Per output pixel: the first input pixel and how many follow. */
	bounds: Int32Array;
	/** Fixed-point weights, `ksize` per output pixel. */
	weights: Int32Array;
	ksize: number;
}

/** Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for BICUBIC over the span [in0, in1). */
function coefficients(inSize: number, in0: number, in1: number, outSize: number): Coefficients {
	const scale = (in1 - in0) / outSize;
	const filterScale = Math.max(scale, 1);
	const support = 2 * filterScale;
	const ksize = Math.ceil(support) * 2 + 1;
	const bounds = new Int32Array(outSize * 2);
	const weights = new Int32Array(outSize * ksize);
	const k = new Float64Array(ksize);
	for (let xx = 0; xx < outSize; xx++) {
		const center = in0 + (xx + 0.5) * scale;
		const ss = 1 / filterScale;
		// C's (int) cast truncates toward zero.
		const xmin = Math.max(0, Math.trunc(center - support + 0.5));
		const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
		let ww = 0;
		k.fill(0);
		for (let x = 0; x < xmax; x++) {
			const w = bicubic((x + xmin - center + 0.5) * ss);
			k[x] = w;
			ww += w;
		}
		for (let x = 0; x < ksize; x++) {
			const w = x < xmax && ww !== 0 ? k[x]! / ww : k[x]!;
			const fixed = w * (1 << PRECISION_BITS);
			weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + fixed) : Math.trunc(0.5 + fixed);
		}
		bounds[xx * 2] = xmin;
		bounds[xx * 2 + 1] = xmax;
	}
	return { bounds, weights, ksize };
}

function clip8(sum: number): number {
	if (sum >= 1 << (PRECISION_BITS + 8)) return 255;
	if (sum <= 0) return 0;
	return Math.floor(sum / (1 << PRECISION_BITS));
}

/**
 * Pillow's `Image.resize((w, h), BICUBIC)` of an 8-bit grey image: a horizontal pass over the rows the
 * vertical pass needs, then the vertical pass, each with fixed-point weights, rounded and clipped to 0..255
 * between the passes. Antialiased: the kernel widens by the downscale factor.
 */
export function resizeGreyBicubic(
	grey: Uint8Array,
	width: number,
	height: number,
	outWidth: number,
	outHeight: number
): Uint8Array {
	if (width === outWidth && height === outHeight) return grey.slice();
	const vertical = coefficients(height, 0, height, outHeight);
	let rows = grey;
	let offset = 0;
	if (outWidth !== width) {
		const firstRow = vertical.bounds[0]!;
		const lastRow = vertical.bounds[outHeight * 2 - 2]! + vertical.bounds[outHeight * 2 - 1]!;
		const { bounds, weights, ksize } = coefficients(width, 0, width, outWidth);
		rows = new Uint8Array(outWidth * (lastRow - firstRow));
		for (let y = 0; y < lastRow - firstRow; y++) {
			const source = (y + firstRow) * width;
			for (let xx = 0; xx < outWidth; xx++) {
				const xmin = bounds[xx * 2]!;
				const xmax = bounds[xx * 2 + 1]!;
				let sum = 1 << (PRECISION_BITS - 1);
				for (let x = 0; x < xmax; x++) sum += grey[source + x + xmin]! * weights[xx * ksize + x]!;
				rows[y * outWidth + xx] = clip8(sum);
			}
		}
		offset = firstRow;
	}
	if (outHeight === height) return rows;
	const out = new Uint8Array(outWidth * outHeight);
	const { bounds, weights, ksize } = vertical;
	for (let yy = 0; yy < outHeight; yy++) {
		const ymin = bounds[yy * 2]! - offset;
		const ymax = bounds[yy * 2 + 1]!;
		for (let xx = 0; xx < outWidth; xx++) {
			let sum = 1 << (PRECISION_BITS - 1);
			for (let y = 0; y < ymax; y++) sum += rows[(y + ymin) * outWidth + xx]! * weights[yy * ksize + y]!;
			out[yy * outWidth + xx] = clip8(sum);
		}
	}
	return out;
}

function crop(grey: Uint8Array, width: number, box: readonly [number, number, number, number]): Uint8Array {
	const [x0, y0, x1, y1] = box;
	const out = new Uint8Array((x1 - x0) * (y1 - y0));
	for (let y = y0; y < y1; y++) out.set(grey.subarray(y * width + x0, y * width + x1), (y - y0) * (x1 - x0));
	return out;
}

/** The 1024 grey values (32x32, row-major) iscc-sdk `image_normalize` makes of upright RGBA pixels. */
export function normalizeImage(pixels: RgbaPixels): Uint8Array {
	if (pixels.width < 1 || pixels.height < 1) throw new RangeError('The image has no pixels.');
	const grey = greyOnWhite(pixels);
	const box = contentBox(pixels);
	if (!box) return resizeGreyBicubic(grey, pixels.width, pixels.height, SIDE, SIDE);
	return resizeGreyBicubic(crop(grey, pixels.width, box), box[2] - box[0], box[3] - box[1], SIDE, SIDE);
}

// ------------------------------------------------------------------------------------------------------
// Hash

/** iscc-core `alg_dct`: the recursive fast DCT-II (nayuki), unnormalised, float64. Exact zeros for constants. */
export function dct(v: readonly number[]): number[] {
	const n = v.length;
	if (n === 1) return [v[0]!];
	if (n === 0 || n % 2 !== 0) throw new RangeError('The DCT needs a length that is a power of two.');
	const half = n / 2;
	const alpha: number[] = [];
	const beta: number[] = [];
	for (let i = 0; i < half; i++) {
		alpha.push(v[i]! + v[n - 1 - i]!);
		beta.push((v[i]! - v[n - 1 - i]!) / (Math.cos(((i + 0.5) * Math.PI) / n) * 2));
	}
	const a = dct(alpha);
	const b = dct(beta);
	const out: number[] = [];
	for (let i = 0; i < half - 1; i++) out.push(a[i]!, b[i]! + b[i + 1]!);
	out.push(a[half - 1]!, b[half - 1]!);
	return out;
}

/** Python `statistics.median`. */
function median(values: number[]): number {
	const sorted = [...values].sort((x, y) => x - y);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** iscc-core `soft_hash_image_v0`: the digest of 1024 normalised grey values, `bits` (64..256) long. */
export function softHashImage(pixels: ArrayLike<number>, bits: number = IMAGE_CODE_BITS): Uint8Array {
	if (pixels.length !== SIDE * SIDE) throw new RangeError('The hash needs 32x32 grey values.');
	if (!(bits >= 32 && bits <= 256 && bits % 32 === 0)) throw new RangeError('bits must be 32..256, in 32s.');
	const rows: number[][] = [];
	for (let y = 0; y < SIDE; y++)
		rows.push(dct(Array.from({ length: SIDE }, (_, x) => pixels[y * SIDE + x]!)));
	const columns: number[][] = [];
	for (let x = 0; x < SIDE; x++) columns.push(dct(rows.map((row) => row[x]!)));
	// matrix[y][x] = columns[x][y]
	const windows: [number, number][] = [
		[0, 0],
		[1, 0],
		[0, 1],
		[1, 1]
	];
	const bitValues: number[] = [];
	for (const [col, row] of windows) {
		const flat: number[] = [];
		for (let y = row; y < row + 8; y++) for (let x = col; x < col + 8; x++) flat.push(columns[x]![y]!);
		const med = median(flat);
		for (const value of flat) bitValues.push(value > med ? 1 : 0);
		if (bitValues.length >= bits) break;
	}
	const digest = new Uint8Array(bitValues.length / 8);
	for (let i = 0; i < bitValues.length; i++) digest[i >> 3]! |= bitValues[i]! << (7 - (i & 7));
	return digest;
}

// ------------------------------------------------------------------------------------------------------
// Encoding

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case, without padding. */
export function base32Encode(bytes: Uint8Array): string {
	let out = '';
	let buffer = 0;
	let count = 0;
	for (const byte of bytes) {
		buffer = (buffer << 8) | byte;
		count += 8;
		while (count >= 5) {
			out += BASE32[(buffer >> (count - 5)) & 31];
			count -= 5;
		}
		buffer &= (1 << count) - 1;
	}
	if (count > 0) out += BASE32[(buffer << (5 - count)) & 31];
	return out;
}

/** The bytes of an unpadded RFC 4648 base32 string; null when it is not one. */
export function base32Decode(text: string): Uint8Array | null {
	if (!/^[A-Z2-7]*$/.test(text)) return null;
	const out: number[] = [];
	let buffer = 0;
	let count = 0;
	for (const char of text) {
		buffer = (buffer << 5) | BASE32.indexOf(char);
		count += 5;
		if (count >= 8) {
			out.push((buffer >> (count - 8)) & 255);
			count -= 8;
		}
		buffer &= (1 << count) - 1;
	}
	// Leftover bits must be zero padding, shorter than a byte.
	if (buffer !== 0 || count >= 5) return null;
	return new Uint8Array(out);
}

/** MainType CONTENT (2), SubType IMAGE (1), Version 0: the first header byte of every image code. */
const IMAGE_HEADER = 0x21;

/** `ISCC:` + base32 of the header (type nibbles, then bits/32 - 1) and the first bits/8 digest bytes. */
export function encodeImageCode(digest: Uint8Array, bits: number = IMAGE_CODE_BITS): string {
	if (digest.length * 8 < bits) throw new RangeError('The digest is shorter than the code.');
	const body = new Uint8Array(2 + bits / 8);
	body[0] = IMAGE_HEADER;
	body[1] = bits / 32 - 1;
	body.set(digest.subarray(0, bits / 8), 2);
	return `ISCC:${base32Encode(body)}`;
}

/** The digest of an `ISCC:` image code v0 (any length); null when the text is not one. */
export function decodeImageCode(code: string): Uint8Array | null {
	const match = /^(?:ISCC:)?([A-Z2-7]+)$/.exec(code.trim());
	if (!match) return null;
	const body = base32Decode(match[1]!);
	if (!body || body.length < 2 || body[0] !== IMAGE_HEADER || body[1]! > 7) return null;
	const bytes = ((body[1]! + 1) * 32) / 8;
	return body.length === 2 + bytes ? body.slice(2) : null;
}

/** iscc-core `gen_image_code_v0` on normalised pixels. */
export function imageCodeOfNormalized(pixels: ArrayLike<number>, bits: number = IMAGE_CODE_BITS): string {
	return encodeImageCode(softHashImage(pixels, bits), bits);
}

/** The ISCC image code (64 bits) of upright RGBA pixels. */
export function imageCode(pixels: RgbaPixels, bits: number = IMAGE_CODE_BITS): string {
	return imageCodeOfNormalized(normalizeImage(pixels), bits);
}

// ------------------------------------------------------------------------------------------------------
// Comparison

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, i) => {
	let n = 0;
	for (let v = i; v; v >>= 1) n += v & 1;
	return n;
});

/** Differing bits between two digests of the same length. */
export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
	if (a.length !== b.length) throw new RangeError('Digests of different lengths cannot be compared.');
	let d = 0;
	for (let i = 0; i < a.length; i++) d += POPCOUNT[a[i]! ^ b[i]!]!;
	return d;
}

/** 0-100: the share of equal bits, as the soft-binding API's similarityScore. */
export function similarityScore(distance: number, bits: number = IMAGE_CODE_BITS): number {
	return Math.round(((bits - distance) / bits) * 100);
}

/** The four 16-bit chunks of a 64-bit digest, as multi-index hashing keys them. */
export function digestChunks(digest: Uint8Array): [number, number, number, number] {
	if (digest.length !== 8) throw new RangeError('Chunks are taken of 64-bit digests.');
	return [0, 1, 2, 3].map((i) => (digest[i * 2]! << 8) | digest[i * 2 + 1]!) as [
		number,
		number,
		number,
		number
	];
}

/** Every 16-bit value within `radius` bits of `chunk` (radius 0..2), the chunk itself first. */
export function chunkNeighbours(chunk: number, radius: number): number[] {
	const out = [chunk];
	if (radius >= 1) for (let i = 0; i < 16; i++) out.push(chunk ^ (1 << i));
	if (radius >= 2) {
		for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) out.push(chunk ^ (1 << i) ^ (1 << j));
	}
	if (radius > 2) throw new RangeError('Chunk radius is at most 2.');
	return out;
}
