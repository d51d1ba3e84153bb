// Flattening a document to pixels with the 2D canvas (OffscreenCanvas where there is one), for export and
// for signing: every visible layer bottom to top, drawn with its transform, cut by its mask, then blended
// onto the result with its opacity and blend mode. Masks are grey images; the brush kernel paints them.
import type { Pixels } from '../engine/types';
import { fitWithin } from '../kernels/geometry';
import { type MaskPixels } from '../kernels/brush';
import type { EditorDocument, ImageRef } from '../document/types';
import { encodePixels, type EncodeFormat } from './decode';

export const EXPORT_FORMATS = ['png', 'jpeg', 'webp'] as const satisfies readonly EncodeFormat[];
export const EXPORT_MIME: Record<EncodeFormat, string> = {
	png: 'image/png',
	jpeg: 'image/jpeg',
	webp: 'image/webp'
};
export const EXPORT_EXTENSION: Record<EncodeFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

export const NO_CANVAS = 'This browser cannot draw images (no 2D canvas).';

type AnyCanvas = OffscreenCanvas | HTMLCanvasElement;
type AnyContext = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** The decoded pixels of an image reference (full size, or any size: it is drawn at its reference size). */
export type BitmapSource = (ref: ImageRef) => Promise<CanvasImageSource>;

function makeCanvas(width: number, height: number): { canvas: AnyCanvas; context: AnyContext } {
	const canvas: AnyCanvas =
		typeof OffscreenCanvas === 'function'
			? new OffscreenCanvas(width, height)
			: Object.assign(document.createElement('canvas'), { width, height });
	const context = canvas.getContext('2d', { willReadFrequently: true }) as AnyContext | null;
	if (!context) throw new Error(NO_CANVAS);
	context.imageSmoothingQuality = 'high';
	return { canvas, context };
}

/** Decodes an image blob as the editor draws it: EXIF orientation applied, like the studio's photos. */
export function decodeBlob(blob: Blob): Promise<ImageBitmap> {
	return createImageBitmap(blob, { imageOrientation: 'from-image', colorSpaceConversion: 'default' });
}

/** A grey mask as a canvas whose alpha is the mask (for destination-in). */
async function alphaOf(ref: ImageRef, getBitmap: BitmapSource): Promise<AnyCanvas> {
	const { canvas, context } = makeCanvas(ref.width, ref.height);
	context.drawImage(await getBitmap(ref), 0, 0, ref.width, ref.height);
	const image = context.getImageData(0, 0, ref.width, ref.height);
	const data = image.data;
	for (let i = 0; i < data.length; i += 4) {
		data[i + 3] = data[i]!;
		data[i] = 0;
		data[i + 1] = 0;
		data[i + 2] = 0;
	}
	context.putImageData(image, 0, 0);
	return canvas;
}

export interface FlattenOptions {
	/** Scale the result so its long side is this many pixels (never up); full size when absent. */
	longSide?: number;
}

/** The document's visible result as RGBA pixels (transparent where no layer shows). */
export async function flattenDocument(
	doc: EditorDocument,
	getBitmap: BitmapSource,
	options: FlattenOptions = {}
): Promise<Pixels> {
	const size = options.longSide ? fitWithin(doc.width, doc.height, options.longSide) : doc;
	const { width, height } = size;
	const out = makeCanvas(width, height);
	const scratch = makeCanvas(width, height);
	const masks = new Map<string, AnyCanvas>();
	for (const layer of doc.layers) {
		if (!layer.visible || layer.opacity === 0) continue;
		const ctx = scratch.context;
		ctx.setTransform(1, 0, 0, 1, 0, 0);
		ctx.globalCompositeOperation = 'source-over';
		ctx.clearRect(0, 0, width, height);
		const t = layer.transform;
		ctx.scale(width / doc.width, height / doc.height);
		ctx.translate(t.x, t.y);
		ctx.rotate((t.rotation * Math.PI) / 180);
		ctx.scale(t.scaleX, t.scaleY);
		ctx.drawImage(await getBitmap(layer.image), 0, 0, layer.image.width, layer.image.height);
		if (layer.mask) {
			let mask = masks.get(layer.mask.id);
			if (!mask) {
				mask = await alphaOf(layer.mask, getBitmap);
				masks.set(layer.mask.id, mask);
			}
			ctx.setTransform(1, 0, 0, 1, 0, 0);
			ctx.globalCompositeOperation = 'destination-in';
			ctx.drawImage(mask, 0, 0, width, height);
		}
		out.context.globalAlpha = layer.opacity;
		out.context.globalCompositeOperation = layer.blend;
		out.context.drawImage(scratch.canvas, 0, 0);
	}
	const { data } = out.context.getImageData(0, 0, width, height);
	return { width, height, data };
}

/**
 * Encodes flattened pixels for download. JPEG has no transparency, so it is laid on white first (a
 * transparent corner would otherwise turn black).
 */
export async function encodeExport(
	pixels: Pixels,
	format: EncodeFormat,
	quality = 0.92
): Promise<Uint8Array> {
	if (format !== 'jpeg') return encodePixels(pixels, format, quality);
	const data = new Uint8ClampedArray(pixels.data.length);
	for (let i = 0; i < data.length; i += 4) {
		const alpha = pixels.data[i + 3]! / 255;
		for (let c = 0; c < 3; c++) data[i + c] = Math.round(pixels.data[i + c]! * alpha + 255 * (1 - alpha));
		data[i + 3] = 255;
	}
	return encodePixels({ width: pixels.width, height: pixels.height, data }, format, quality);
}

/** A stored grey mask's pixels, ready for the brush kernel. */
export async function maskPixels(ref: ImageRef, getBitmap: BitmapSource): Promise<MaskPixels> {
	const { context } = makeCanvas(ref.width, ref.height);
	context.drawImage(await getBitmap(ref), 0, 0, ref.width, ref.height);
	const { data } = context.getImageData(0, 0, ref.width, ref.height);
	return { width: ref.width, height: ref.height, data };
}
