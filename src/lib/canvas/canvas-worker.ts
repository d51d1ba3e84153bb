/// <reference lib="webworker" />
// The canvas worker: decodes, composites, paints masks and encodes full-size pictures for the editor, so the
// page's main thread only ever handles display-size pictures. It keeps the last mask it wrote decoded, so
// the next stroke on the same mask starts at once; the editor ends the worker to cancel a job. The editor
// runs two: one for edits (mask edits, encoding new layers) and one for reads (hashing, decoding, display
// masks, export), so a stroke is not recorded behind the decode that shows the previous one.
import { bytesOf, imageRefFor, MissingBlobError } from '../document/blob-store';
import type { PixelBox } from '../document/types';
import { cropMask, invertMask, type MaskPixels, paintStroke, solidMask, strokeDabs } from '../kernels/brush';
import { shownBox, unionBox } from '../kernels/coverage';
import { faceMask } from '../kernels/faces';
import { encodeGreyPng, greyScanlines, updateScanlines } from '../kernels/png';
import type { CanvasJobs, CanvasRequest, CanvasResponse, MaskBase, MaskOp } from './canvas-protocol';
import { decodeBlob, encodeExport, flattenDocument, maskPixels } from './compose';
import { encodePixels } from './decode';
import { pixelsOf } from './decode';
import { overlayOf } from './mask-pictures';
import { withBitmaps } from './pictures';

declare const self: DedicatedWorkerGlobalScope;

/**
 * The last mask this worker wrote, by id, with its PNG scanlines and shown box: the next stroke on that
 * mask paints it in place and only looks again at the part it may have changed.
 */
let lastMask: { id: string; mask: MaskPixels; rows: Uint8Array; box: PixelBox | null } | null = null;

interface EditedMask {
	mask: MaskPixels;
	rows: Uint8Array;
	box: PixelBox | null;
}

async function decodedPixels(blob: Blob, maxSide?: number) {
	const bitmap = await decodeBlob(blob);
	try {
		return { pixels: pixelsOf(bitmap, maxSide), width: bitmap.width, height: bitmap.height };
	} finally {
		bitmap.close();
	}
}

async function baseMask(base: MaskBase, width: number, height: number): Promise<MaskPixels> {
	if ('fill' in base) return solidMask(width, height, base.fill);
	const kept = lastMask;
	lastMask = null;
	if (kept?.id === base.id) return kept.mask;
	const bitmap = await decodeBlob(base.blob);
	try {
		return await maskPixels({ id: base.id, width, height, mime: 'image/png' }, async () => bitmap);
	} finally {
		bitmap.close();
	}
}

async function editedMask(input: CanvasJobs['mask']['input']): Promise<EditedMask> {
	const { base, op } = input;
	const kept = op.kind === 'stroke' && 'id' in base && lastMask?.id === base.id ? lastMask : null;
	if (kept && op.kind === 'stroke') {
		lastMask = null;
		const { mask, rows } = kept;
		const dirty = paintStroke(mask, strokeDabs(op.points, op.settings.size), op.settings);
		if (dirty) updateScanlines(rows, mask, dirty);
		// Outside the old box and the stroke every pixel is still 0 (a brush adds, an eraser takes away).
		const area = unionBox(kept.box, dirty);
		return { mask, rows, box: area ? shownBox(mask, 0, area) : null };
	}
	const mask = await wholeEdit(input);
	return { mask, rows: greyScanlines(mask), box: shownBox(mask, 0) };
}

async function wholeEdit(input: CanvasJobs['mask']['input']): Promise<MaskPixels> {
	const { base, width, height } = input;
	const op: MaskOp = input.op;
	switch (op.kind) {
		case 'solid':
			return solidMask(width, height, op.value);
		case 'faces':
			return faceMask(width, height, op.boxes, op.options);
		case 'invert': {
			const mask = await baseMask(base, width, height);
			invertMask(mask);
			return mask;
		}
		case 'crop':
			return cropMask(await baseMask(base, width, height), op.rect);
		case 'stroke': {
			const mask = await baseMask(base, width, height);
			paintStroke(mask, strokeDabs(op.points, op.settings.size), op.settings);
			return mask;
		}
	}
}

/** The bytes with their reference (the hashing is tens of milliseconds for a 24 MP picture). */
async function stored(bytes: Uint8Array) {
	return { bytes, ref: await imageRefFor(bytes) };
}

const copyOf = (mask: MaskPixels): MaskPixels => ({ ...mask, data: mask.data.slice() });

const handlers: {
	[K in keyof CanvasJobs]: (input: CanvasJobs[K]['input']) => Promise<CanvasJobs[K]['output']>;
} = {
	ref: async ({ blob }) => imageRefFor(await bytesOf(blob)),
	pixels: ({ blob, maxSide }) => decodedPixels(blob, maxSide),
	async display({ blob, size, crop }) {
		if (size) {
			return createImageBitmap(blob, {
				imageOrientation: 'from-image',
				resizeWidth: size.width,
				resizeHeight: size.height,
				resizeQuality: 'high'
			});
		}
		const bitmap = await decodeBlob(blob);
		if (!crop) return bitmap;
		try {
			return await createImageBitmap(bitmap, crop.x, crop.y, crop.width, crop.height);
		} finally {
			bitmap.close();
		}
	},
	'shown-box': async ({ blob, channel }) => shownBox((await decodedPixels(blob)).pixels, channel),
	'encode-png': async ({ pixels }) => stored(await encodePixels(pixels, 'png')),
	async mask(input) {
		const { mask, rows, box } = await editedMask(input);
		// No shown box: all black.
		if (input.dropBlank && !box) return null;
		const { bytes, ref } = await stored(await encodeGreyPng(mask, rows));
		lastMask = { id: ref.id, mask, rows, box };
		return { bytes, ref: { ...ref, visibleBox: box } };
	},
	async 'mask-view'({ blob, fill, width, height }) {
		if (!blob) {
			const mask = solidMask(width, height, fill);
			return { mask, spare: copyOf(mask), overlay: null };
		}
		const bitmap = await decodeBlob(blob);
		let mask: MaskPixels;
		try {
			mask = await maskPixels({ id: '', width, height, mime: 'image/png' }, async () => bitmap);
		} finally {
			bitmap.close();
		}
		return { mask, spare: copyOf(mask), overlay: overlayOf(mask).transferToImageBitmap() };
	},
	async export({ document, blobs, longSide, format, quality }) {
		const source = {
			get: async (id: string) => blobs[id] ?? Promise.reject(new MissingBlobError(id))
		};
		const pixels = await withBitmaps(source, (getBitmap) =>
			flattenDocument(document, getBitmap, longSide ? { longSide } : {})
		);
		const bytes = await encodeExport(pixels, format, quality);
		return { bytes, width: pixels.width, height: pixels.height };
	}
};

/** What to hand over instead of copying: pixel buffers, encoded bytes and bitmaps. */
function transferables(output: unknown): Transferable[] {
	const found: Transferable[] = [];
	const visit = (value: unknown) => {
		if (value instanceof ImageBitmap) found.push(value);
		else if (ArrayBuffer.isView(value)) found.push(value.buffer as ArrayBuffer);
		else if (value && typeof value === 'object') for (const inner of Object.values(value)) visit(inner);
	};
	visit(output);
	return [...new Set(found)];
}

self.onmessage = async (event: MessageEvent<CanvasRequest>) => {
	const request = event.data;
	let response: CanvasResponse;
	try {
		const handler = handlers[request.type] as (input: unknown) => Promise<unknown>;
		response = { id: request.id, output: await handler(request.input) };
	} catch (error) {
		response = { id: request.id, error: error instanceof Error ? error.message : String(error) };
	}
	self.postMessage(response, transferables('output' in response ? response.output : null));
};
