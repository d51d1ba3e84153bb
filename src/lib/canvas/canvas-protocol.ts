// The typed messages between the editor and its canvas worker: every job that decodes, composites, paints
// or encodes a full-size picture (a 24 MP document's are tens of megabytes) runs there, off the page's
// main thread. Blobs travel by reference; pixels and encoded bytes are transferred, never copied.
import type { EditorDocument, ImageRef, PixelBox } from '../document/types';
import type { Pixels } from '../engine/types';
import type { BrushSettings, MaskPixels, Rect, StrokePoint } from '../kernels/brush';
import type { FaceMaskOptions } from '../kernels/faces';
import type { EncodeFormat } from './decode';

/** The mask an edit starts from: a stored one (by id, kept decoded in the worker after the last edit) or one grey value. */
export type MaskBase = { id: string; blob: Blob } | { fill: number };

/** What an edit does to the full-size mask (the kernels of src/lib/kernels/brush.ts and faces.ts). */
export type MaskOp =
	| { kind: 'stroke'; points: StrokePoint[]; settings: BrushSettings }
	| { kind: 'solid'; value: number }
	| { kind: 'invert' }
	| { kind: 'faces'; boxes: Rect[]; options: FaceMaskOptions }
	| { kind: 'crop'; rect: Rect };

/** Encoded image bytes with their reference (sha256 id, type and size from the bytes), ready to store. */
export interface Stored {
	bytes: Uint8Array;
	ref: ImageRef;
}

export interface CanvasJobs {
	/** An image file's reference (sha256 id, type and size from its bytes), hashed off the main thread. */
	ref: { input: { blob: Blob }; output: ImageRef };
	/**
	 * A stored image's RGBA pixels (EXIF orientation applied), full size or shrunk to fit `maxSide`, with
	 * the full size.
	 */
	pixels: {
		input: { blob: Blob; maxSide?: number };
		output: { pixels: Pixels; width: number; height: number };
	};
	/**
	 * A stored image as the stage draws it (EXIF orientation applied): shrunk to `size`, the part `crop` of
	 * its own pixels, or all of them. The bitmap is transferred: whoever shows it closes it.
	 */
	display: {
		input: { blob: Blob; size?: { width: number; height: number }; crop?: Rect };
		output: ImageBitmap;
	};
	/** The box where a stored image's `channel` is above 0. */
	'shown-box': { input: { blob: Blob; channel: 0 | 3 }; output: PixelBox | null };
	/** Pixels encoded as PNG for storage. */
	'encode-png': { input: { pixels: Pixels }; output: Stored };
	/**
	 * An edit of a full-size mask, encoded as a greyscale PNG (its reference carries the shown box); null
	 * when `dropBlank` and the result is all black (a region with nothing selected).
	 */
	mask: {
		input: { base: MaskBase; width: number; height: number; op: MaskOp; dropBlank: boolean };
		output: Stored | null;
	};
	/**
	 * A stored mask (or one grey value) at display size, a copy of it for the next stroke to paint on, and
	 * its red overlay picture (none for a grey value).
	 */
	'mask-view': {
		input: { blob: Blob | null; fill: number; width: number; height: number };
		output: { mask: MaskPixels; spare: MaskPixels; overlay: ImageBitmap | null };
	};
	/** The document flattened (full size, or `longSide` long) and encoded for download. */
	export: {
		input: {
			document: EditorDocument;
			blobs: Record<string, Blob>;
			longSide: number;
			format: EncodeFormat;
			quality: number;
		};
		output: { bytes: Uint8Array; width: number; height: number };
	};
}

export type CanvasJob = keyof CanvasJobs;

export type CanvasRequest = {
	[K in CanvasJob]: { id: number; type: K; input: CanvasJobs[K]['input'] };
}[CanvasJob];

export type CanvasResponse = { id: number; output: unknown } | { id: number; error: string };
