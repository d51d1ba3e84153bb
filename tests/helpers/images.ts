// Image files made on the spot for tests: valid but unusual encodings (EXIF rotation, CMYK, 16 bit,
// grayscale, alpha, WebP, tiny sizes) and files that must be refused (empty, not an image, SVG,
// truncated, oversized, missing, a folder). Each comes with what a user should see.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

export interface ValidImage {
	name: string;
	path: string;
	/** The size as displayed, after EXIF orientation. */
	width: number;
	height: number;
}

export interface BadImage {
	name: string;
	path: string;
	/** What the one-line error must say. */
	message: RegExp;
}

export async function makeTempDir(prefix = 'rakkan-test-'): Promise<string> {
	return mkdtemp(path.join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
	await rm(dir, { recursive: true, force: true });
}

/** A smooth colour picture with a few hard edges: something for a style network to paint over. */
export function pattern(width: number, height: number, channels: 3 | 4 = 3): Sharp {
	const data = Buffer.alloc(width * height * channels);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * channels;
			const inSquare = x > width / 4 && x < (3 * width) / 4 && y > height / 4 && y < (3 * height) / 4;
			data[i] = Math.round((255 * x) / Math.max(1, width - 1));
			data[i + 1] = Math.round((255 * y) / Math.max(1, height - 1));
			data[i + 2] = inSquare ? 230 : 40;
			if (channels === 4) data[i + 3] = x < width / 2 ? 255 : 96;
		}
	}
	return sharp(data, { raw: { width, height, channels } });
}

/** PNG chunk: length, type, data, CRC over type and data. */
function pngChunk(type: string, data: Buffer): Buffer {
	const typeBytes = Buffer.from(type, 'latin1');
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([typeBytes, data])));
	return Buffer.concat([length, typeBytes, data, crc]);
}

/** A well-formed PNG header that declares `width` x `height` RGB pixels, with a tiny IDAT. */
export function pngDeclaring(width: number, height: number): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // colour type RGB
	// compression, filter and interlace methods stay 0
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', deflateSync(Buffer.alloc(16))),
		pngChunk('IEND', Buffer.alloc(0))
	]);
}

export interface ValidImageSpec {
	name: string;
	file: string;
	/** The size as displayed, after EXIF orientation. */
	width: number;
	height: number;
	encode: () => Sharp;
}

/** Valid images a user might reasonably bring, each with its displayed size. */
export const VALID_IMAGES: readonly ValidImageSpec[] = [
	// Stored 200x100, displayed 100x200 (orientation 6: rotate 90 degrees clockwise).
	{
		name: 'EXIF-rotated JPEG',
		file: 'exif-rotated.jpg',
		width: 100,
		height: 200,
		encode: () => pattern(200, 100).jpeg().withMetadata({ orientation: 6 })
	},
	{
		name: 'CMYK JPEG',
		file: 'cmyk.jpg',
		width: 160,
		height: 120,
		encode: () => pattern(160, 120).toColourspace('cmyk').jpeg()
	},
	{
		name: '16-bit PNG',
		file: 'sixteen-bit.png',
		width: 150,
		height: 100,
		encode: () => pattern(150, 100).toColourspace('rgb16').png()
	},
	{
		name: 'grayscale PNG',
		file: 'grayscale.png',
		width: 120,
		height: 90,
		encode: () => pattern(120, 90).toColourspace('b-w').png()
	},
	{
		name: 'PNG with alpha',
		file: 'alpha.png',
		width: 100,
		height: 140,
		encode: () => pattern(100, 140, 4).png()
	},
	{ name: 'WebP', file: 'photo.webp', width: 180, height: 120, encode: () => pattern(180, 120).webp() },
	{ name: '1x1 PNG', file: 'one-pixel.png', width: 1, height: 1, encode: () => pattern(1, 1).png() },
	{ name: '3x2 PNG', file: 'three-by-two.png', width: 3, height: 2, encode: () => pattern(3, 2).png() }
];

/** Writes one valid image into `dir` and returns its path. */
export async function writeValidImage(dir: string, spec: ValidImageSpec): Promise<string> {
	await mkdir(dir, { recursive: true });
	const where = path.join(dir, spec.file);
	await spec.encode().toFile(where);
	return where;
}

export async function writeValidImages(dir: string): Promise<ValidImage[]> {
	const images: ValidImage[] = [];
	for (const spec of VALID_IMAGES) {
		images.push({
			name: spec.name,
			path: await writeValidImage(dir, spec),
			width: spec.width,
			height: spec.height
		});
	}
	return images;
}

export interface BadImageSpec {
	name: string;
	file: string;
	/** What the one-line error must say. */
	message: RegExp;
	/** Writes the file (or folder) at `where`; absent for a path that must not exist. */
	write?: (where: string) => Promise<void>;
}

const SVG =
	'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="red"/></svg>\n';

/** Files that must be refused with a readable message, before any model work. */
export const BAD_IMAGES: readonly BadImageSpec[] = [
	{ name: 'empty file', file: 'empty.png', message: /The file is empty/, write: (w) => writeFile(w, '') },
	{
		name: 'random bytes named .png',
		file: 'random.png',
		message: /not a PNG, JPEG or WebP image/,
		write: (w) => writeFile(w, randomBytes(4096))
	},
	{ name: 'SVG', file: 'drawing.svg', message: /SVG file/, write: (w) => writeFile(w, SVG) },
	{
		name: 'truncated JPEG (first 60%)',
		file: 'truncated.jpg',
		message: /truncated or corrupt/,
		write: async (w) => {
			const jpeg = await pattern(200, 150).jpeg({ quality: 90 }).toBuffer();
			await writeFile(w, jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
		}
	},
	{
		name: 'PNG declaring 30000x30000',
		file: 'huge.png',
		message: /30000 x 30000 pixels \(900\.0 megapixels\); the limit is 100\.0 megapixels/,
		write: (w) => writeFile(w, pngDeclaring(30000, 30000))
	},
	{
		name: 'text file named .jpg',
		file: 'notes.jpg',
		message: /not a PNG, JPEG or WebP image/,
		write: (w) => writeFile(w, 'These are notes, not a photo.\n')
	},
	{ name: 'nonexistent path', file: 'no-such-photo.jpg', message: /does not exist/ },
	{
		name: 'directory',
		file: 'a-folder.png',
		message: /cannot be read \(EISDIR\)/,
		write: async (w) => {
			await mkdir(w, { recursive: true });
		}
	}
];

/** Writes one bad input into `dir` (nothing for the nonexistent path) and returns its path. */
export async function writeBadImage(dir: string, spec: BadImageSpec): Promise<string> {
	await mkdir(dir, { recursive: true });
	const where = path.join(dir, spec.file);
	await spec.write?.(where);
	return where;
}

export async function writeBadImages(dir: string): Promise<BadImage[]> {
	const images: BadImage[] = [];
	for (const spec of BAD_IMAGES) {
		images.push({ name: spec.name, path: await writeBadImage(dir, spec), message: spec.message });
	}
	return images;
}
