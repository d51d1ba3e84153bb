// Turns a user's file into pixels: header checked first (type from the bytes, size limit before
// decoding), then the browser's decoder with EXIF orientation applied.
import { fitWithin } from '../kernels/geometry';
import { DEFAULT_PIXEL_LIMIT, ImageInputError, readImageHeader } from '../kernels/image-header';
import type { Pixels } from '../engine/types';

export interface DecodedImage {
	name: string;
	/** The file's own bytes, as the user gave them (hashed and read for credentials on export). */
	bytes: Uint8Array;
	bitmap: ImageBitmap;
	width: number;
	height: number;
}

export const UNDECODABLE = 'The image could not be decoded: it is truncated or corrupt.';

export async function decodeImageFile(
	file: Blob & { name?: string },
	pixelLimit = DEFAULT_PIXEL_LIMIT
): Promise<DecodedImage> {
	const bytes = new Uint8Array(await file.arrayBuffer());
	const header = readImageHeader(bytes, pixelLimit);
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(new Blob([bytes]), {
			imageOrientation: 'from-image',
			colorSpaceConversion: 'default'
		});
	} catch {
		throw new ImageInputError(UNDECODABLE);
	}
	if (bitmap.width !== header.orientedWidth || bitmap.height !== header.orientedHeight) {
		const size = `${bitmap.width}x${bitmap.height}`;
		bitmap.close();
		throw new ImageInputError(
			`The image decoded at ${size}, not the size its header declares: it is corrupt.`
		);
	}
	return { name: file.name ?? 'image', bytes, bitmap, width: bitmap.width, height: bitmap.height };
}

/** The bitmap's RGBA pixels (a fresh copy each call, so it can be transferred to the worker). */
/** The bitmap's pixels; with `maxSide`, a copy shrunk to fit it (never enlarged). */
export function pixelsOf(bitmap: ImageBitmap, maxSide?: number): Pixels {
	const size = maxSide ? fitWithin(bitmap.width, bitmap.height, maxSide) : bitmap;
	const canvas = new OffscreenCanvas(size.width, size.height);
	const context = canvas.getContext('2d', { willReadFrequently: true });
	if (!context) throw new Error('This browser cannot read image pixels (no 2D canvas).');
	context.drawImage(bitmap, 0, 0, size.width, size.height);
	const { data, width, height } = context.getImageData(0, 0, size.width, size.height);
	return { data, width, height };
}

export async function pixelsToBitmap(pixels: Pixels): Promise<ImageBitmap> {
	return createImageBitmap(new ImageData(new Uint8ClampedArray(pixels.data), pixels.width, pixels.height));
}

export type EncodeFormat = 'png' | 'jpeg' | 'webp';

export const UNENCODABLE = (format: EncodeFormat) =>
	`This browser cannot save ${format.toUpperCase()} images.`;

/** Encodes pixels as PNG, JPEG or WebP (quality 0..1 for the lossy two). */
export async function encodePixels(
	pixels: Pixels,
	format: EncodeFormat,
	quality = 0.92
): Promise<Uint8Array> {
	const canvas = new OffscreenCanvas(pixels.width, pixels.height);
	const context = canvas.getContext('2d');
	if (!context) throw new Error('This browser cannot encode images (no 2D canvas).');
	context.putImageData(new ImageData(new Uint8ClampedArray(pixels.data), pixels.width, pixels.height), 0, 0);
	const type = `image/${format}`;
	const blob = await canvas.convertToBlob({ type, quality });
	// A browser that cannot encode a type quietly returns PNG instead.
	if (blob.type !== type) throw new Error(UNENCODABLE(format));
	return new Uint8Array(await blob.arrayBuffer());
}
