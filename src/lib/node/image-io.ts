// Image files in Node: the header is checked by the same kernel as in the studio (type from the
// bytes, pixel limit before decoding), then sharp decodes with EXIF orientation and sRGB.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import type { Pixels } from '../engine/types';
import { DEFAULT_PIXEL_LIMIT, ImageInputError, readImageHeader } from '../kernels/image-header';

export async function readImageFile(filePath: string, pixelLimit = DEFAULT_PIXEL_LIMIT): Promise<Pixels> {
	let bytes: Buffer;
	try {
		bytes = await readFile(filePath);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new ImageInputError(
			code === 'ENOENT' ? 'The file does not exist.' : `The file cannot be read (${code ?? 'error'}).`
		);
	}
	return decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), pixelLimit);
}

export async function decodeImage(bytes: Uint8Array, pixelLimit = DEFAULT_PIXEL_LIMIT): Promise<Pixels> {
	const header = readImageHeader(bytes, pixelLimit);
	try {
		const { data, info } = await sharp(bytes, { limitInputPixels: pixelLimit, failOn: 'truncated' })
			.rotate()
			.toColourspace('srgb')
			.ensureAlpha()
			.raw({ depth: 'uchar' })
			.toBuffer({ resolveWithObject: true });
		if (info.width !== header.orientedWidth || info.height !== header.orientedHeight || info.channels !== 4) {
			throw new Error('decoded size differs from the header');
		}
		return {
			width: info.width,
			height: info.height,
			data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength)
		};
	} catch {
		throw new ImageInputError('The image could not be decoded: it is truncated or corrupt.');
	}
}

function rawInput(pixels: Pixels): Sharp {
	return sharp(Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength), {
		raw: { width: pixels.width, height: pixels.height, channels: 4 }
	});
}

export async function encodePng(pixels: Pixels): Promise<Uint8Array> {
	const png = await rawInput(pixels).png().toBuffer();
	return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** Quality of the JPEGs Rakkan writes. */
export const JPEG_QUALITY = 92;

/** A JPEG of the pixels, flattened on white (JPEG has no alpha). */
export async function encodeJpeg(pixels: Pixels, quality = JPEG_QUALITY): Promise<Uint8Array> {
	const jpeg = await rawInput(pixels).flatten({ background: '#ffffff' }).jpeg({ quality }).toBuffer();
	return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}

/** Quality of the lossy WebPs Rakkan writes. */
export const WEBP_QUALITY = 90;

export async function encodeWebp(pixels: Pixels, quality = WEBP_QUALITY): Promise<Uint8Array> {
	const webp = await rawInput(pixels).webp({ quality }).toBuffer();
	return new Uint8Array(webp.buffer, webp.byteOffset, webp.byteLength);
}

/** Writes bytes atomically: a failed run never leaves a partial or stale-looking output file. */
export async function writeFileAtomic(filePath: string, bytes: Uint8Array): Promise<void> {
	const temp = `${filePath}.partial-${randomBytes(4).toString('hex')}`;
	try {
		await writeFile(temp, bytes);
		await rename(temp, filePath);
	} catch (error) {
		await rm(temp, { force: true });
		throw error;
	}
}

/** Writes a PNG atomically: a failed run never leaves a partial or stale-looking output file. */
export async function writePng(pixels: Pixels, filePath: string): Promise<number> {
	const png = await encodePng(pixels);
	await writeFileAtomic(filePath, png);
	return png.byteLength;
}
