/**
 * Header-only image sniffing: identifies PNG / JPEG / WebP from magic bytes (never from a file name),
 * reads the pixel size and EXIF orientation, and refuses images above a pixel budget before anything is
 * decoded. Pure: operates on a Uint8Array only.
 *
 * Every read is bounds-checked and turns into an {@link ImageInputError} with a user-facing message, never a
 * RangeError. Every loop strictly advances through the buffer or is capped, so hostile input cannot hang it.
 */

export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** User-facing messages (shown as-is in the UI). */
export const IMAGE_ERRORS = {
	empty: 'The file is empty.',
	svg: 'This is an SVG file; only PNG, JPEG and WebP images can be used.',
	unsupported: 'The file is not a PNG, JPEG or WebP image.',
	corrupt: 'The image header is truncated or corrupt.'
} as const;

/** Default pixel budget: 100 megapixels. */
export const DEFAULT_PIXEL_LIMIT = 100_000_000;

function megapixels(pixels: number): string {
	return `${(pixels / 1_000_000).toFixed(1)} megapixels`;
}

/** e.g. "The image is 30000 x 30000 pixels (900.0 megapixels); the limit is 100.0 megapixels." */
export function tooLargeMessage(width: number, height: number, limit: number = DEFAULT_PIXEL_LIMIT): string {
	return `The image is ${width} x ${height} pixels (${megapixels(width * height)}); the limit is ${megapixels(limit)}.`;
}

export class ImageInputError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ImageInputError';
	}
}

export interface ImageHeader {
	format: ImageFormat;
	/** Stored (encoded) width in pixels, before EXIF orientation. */
	width: number;
	/** Stored (encoded) height in pixels, before EXIF orientation. */
	height: number;
	/** EXIF orientation 1..8; 1 when absent or invalid. */
	orientation: number;
	/** Width as displayed (width and height swapped for orientations 5..8). */
	orientedWidth: number;
	/** Height as displayed (width and height swapped for orientations 5..8). */
	orientedHeight: number;
}

// ---------------------------------------------------------------------------------------------------------
// Bounds-checked readers. Any out-of-range read throws the "corrupt" ImageInputError.

function corrupt(): ImageInputError {
	return new ImageInputError(IMAGE_ERRORS.corrupt);
}

function u8(b: Uint8Array, off: number, end: number = b.length): number {
	if (!Number.isInteger(off) || off < 0 || off >= end) throw corrupt();
	const v = b[off];
	if (v === undefined) throw corrupt();
	return v;
}

function u16(b: Uint8Array, off: number, le: boolean, end: number = b.length): number {
	const x = u8(b, off, end);
	const y = u8(b, off + 1, end);
	return le ? x | (y << 8) : (x << 8) | y;
}

function u24le(b: Uint8Array, off: number, end: number = b.length): number {
	return u8(b, off, end) | (u8(b, off + 1, end) << 8) | (u8(b, off + 2, end) << 16);
}

function u32(b: Uint8Array, off: number, le: boolean, end: number = b.length): number {
	const x = u16(b, off, le, end);
	const y = u16(b, off + 2, le, end);
	// Multiply instead of shifting so the result stays an unsigned 32-bit value.
	return le ? y * 0x10000 + x : x * 0x10000 + y;
}

/** True if `b` holds `sig` at `off` (false if it does not fit). */
function matchesAt(b: Uint8Array, off: number, sig: readonly number[]): boolean {
	if (off + sig.length > b.length) return false;
	for (let k = 0; k < sig.length; k++) if (b[off + k] !== sig[k]) return false;
	return true;
}

/** True if the whole (short) buffer is a prefix of `sig` at `off`, i.e. a truncated signature. */
function isTruncatedSignature(b: Uint8Array, off: number, sig: readonly number[]): boolean {
	if (b.length <= off || b.length >= off + sig.length) return false;
	for (let k = off; k < b.length; k++) if (b[k] !== sig[k - off]) return false;
	return true;
}

function ascii(s: string): number[] {
	return Array.from(s, (c) => c.charCodeAt(0));
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
const EXIF_PREFIX = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"

// ---------------------------------------------------------------------------------------------------------
// EXIF

/**
 * Reads the Orientation tag (0x0112) from IFD0 of a TIFF structure spanning [base, end).
 * Malformed EXIF never rejects an otherwise decodable image: it yields orientation 1.
 */
function readTiffOrientation(b: Uint8Array, base: number, end: number): number {
	try {
		const order = u16(b, base, false, end);
		let le: boolean;
		if (order === 0x4949)
			le = true; // "II"
		else if (order === 0x4d4d)
			le = false; // "MM"
		else return 1;
		if (u16(b, base + 2, le, end) !== 42) return 1;
		const ifd = base + u32(b, base + 4, le, end);
		const count = u16(b, ifd, le, end); // <= 65535 entries: the loop is bounded
		for (let k = 0; k < count; k++) {
			const entry = ifd + 2 + 12 * k;
			if (entry + 12 > end) return 1;
			if (u16(b, entry, le, end) !== 0x0112) continue;
			const type = u16(b, entry + 2, le, end);
			let value: number;
			if (type === 3)
				value = u16(b, entry + 8, le, end); // SHORT (the standard type)
			else if (type === 4)
				value = u32(b, entry + 8, le, end); // LONG (seen from some writers)
			else return 1;
			return Number.isInteger(value) && value >= 1 && value <= 8 ? value : 1;
		}
		return 1;
	} catch (e) {
		if (e instanceof ImageInputError) return 1;
		throw e;
	}
}

// ---------------------------------------------------------------------------------------------------------
// PNG

function readPng(b: Uint8Array): { width: number; height: number; orientation: number } {
	// Signature (8) + IHDR chunk: length (4) "IHDR" (4) data (13) CRC (4) = 33 bytes.
	if (b.length < 33) throw corrupt();
	if (u32(b, 8, false) !== 13 || !matchesAt(b, 12, ascii('IHDR'))) throw corrupt();
	const width = u32(b, 16, false);
	const height = u32(b, 20, false);
	if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) throw corrupt();
	return { width, height, orientation: 1 };
}

// ---------------------------------------------------------------------------------------------------------
// JPEG

function isStartOfFrame(marker: number): boolean {
	// SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
	return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpeg(b: Uint8Array): { width: number; height: number; orientation: number } {
	const len = b.length;
	let orientation = 1;
	let exifSeen = false;
	let i = 2; // after SOI
	// Bounded: every iteration moves `i` forward by at least one byte and `i` never exceeds `len`.
	while (i < len) {
		if (u8(b, i) !== 0xff) throw corrupt();
		while (i < len && b[i] === 0xff) i++; // a marker may be preceded by any number of fill bytes
		const marker = u8(b, i);
		i++;
		// Standalone markers without a length field.
		if (marker === 0x01 || marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) continue;
		// Stuffed zero, end of image or start of scan before any frame header: not a valid image.
		if (marker === 0x00 || marker === 0xd9 || marker === 0xda) throw corrupt();
		const segLen = u16(b, i, false);
		if (segLen < 2) throw corrupt();
		const dataStart = i + 2;
		const segEnd = i + segLen;
		if (segEnd > len) throw corrupt();
		if (isStartOfFrame(marker)) {
			// precision (1) height (2) width (2) components (1) ...
			if (segLen < 8) throw corrupt();
			const height = u16(b, dataStart + 1, false, segEnd);
			const width = u16(b, dataStart + 3, false, segEnd);
			// Height 0 would mean "defined later by a DNL marker", which browsers do not support either.
			if (width === 0 || height === 0) throw corrupt();
			return { width, height, orientation };
		}
		if (marker === 0xe1 && !exifSeen && matchesAt(b, dataStart, EXIF_PREFIX) && dataStart + 6 <= segEnd) {
			exifSeen = true;
			orientation = readTiffOrientation(b, dataStart + EXIF_PREFIX.length, segEnd);
		}
		i = segEnd;
	}
	throw corrupt();
}

// ---------------------------------------------------------------------------------------------------------
// WebP

/** Upper bound on chunks walked in an extended WebP file. */
const MAX_WEBP_CHUNKS = 10_000;

function fourCC(b: Uint8Array, off: number): string {
	return String.fromCharCode(u8(b, off), u8(b, off + 1), u8(b, off + 2), u8(b, off + 3));
}

function readWebp(b: Uint8Array, pixelLimit: number): { width: number; height: number; orientation: number } {
	const riffSize = u32(b, 4, true);
	// The RIFF size covers everything after the 8-byte RIFF header; a shorter file is truncated.
	const end = 8 + riffSize;
	if (riffSize < 4 + 8 || end > b.length) throw corrupt();

	const chunk = fourCC(b, 12);
	const size = u32(b, 16, true, end);
	const data = 20;
	if (data + size > end) throw corrupt();
	const dataEnd = data + size;

	if (chunk === 'VP8 ') {
		// Lossy: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height (2 scale bits above).
		if (size < 10) throw corrupt();
		if ((u8(b, data, dataEnd) & 1) !== 0) throw corrupt(); // must be a key frame
		if (!matchesAt(b, data + 3, [0x9d, 0x01, 0x2a])) throw corrupt();
		const width = u16(b, data + 6, true, dataEnd) & 0x3fff;
		const height = u16(b, data + 8, true, dataEnd) & 0x3fff;
		if (width === 0 || height === 0) throw corrupt();
		return { width, height, orientation: 1 };
	}
	if (chunk === 'VP8L') {
		// Lossless: signature 0x2f, then 14 bits width-1, 14 bits height-1, 1 alpha bit, 3 version bits.
		if (size < 5) throw corrupt();
		if (u8(b, data, dataEnd) !== 0x2f) throw corrupt();
		const bits = u32(b, data + 1, true, dataEnd);
		if (bits >>> 29 !== 0) throw corrupt(); // version must be 0
		const width = (bits & 0x3fff) + 1;
		const height = ((bits >>> 14) & 0x3fff) + 1;
		return { width, height, orientation: 1 };
	}
	if (chunk === 'VP8X') {
		// Extended: flags (1), reserved (3), canvas width-1 (24 bits), canvas height-1 (24 bits).
		if (size < 10) throw corrupt();
		const flags = u8(b, data, dataEnd);
		const width = u24le(b, data + 4, dataEnd) + 1;
		const height = u24le(b, data + 7, dataEnd) + 1;
		// Refuse oversized canvases before walking the rest of the file.
		if (width * height > pixelLimit) throw new ImageInputError(tooLargeMessage(width, height, pixelLimit));
		const hasExif = (flags & 0x08) !== 0;
		let orientation = 1;
		let exifFound = false;
		let imageFound = false;
		// Chunks are padded to an even size. Bounded: each step advances >= 8 bytes and is capped.
		let off = dataEnd + (size & 1);
		for (let n = 0; n < MAX_WEBP_CHUNKS && off < end; n++) {
			if (off + 8 > end) throw corrupt();
			const id = fourCC(b, off);
			const sz = u32(b, off + 4, true, end);
			const start = off + 8;
			if (start + sz > end) throw corrupt();
			if (id === 'VP8 ' || id === 'VP8L' || id === 'ANMF') imageFound = true;
			if (id === 'EXIF' && !exifFound) {
				exifFound = true;
				// The chunk holds a TIFF structure; some writers prepend the JPEG-style "Exif\0\0".
				const base = matchesAt(b, start, EXIF_PREFIX) ? start + EXIF_PREFIX.length : start;
				orientation = readTiffOrientation(b, base, start + sz);
			}
			if (imageFound && (exifFound || !hasExif)) break;
			off = start + sz + (sz & 1);
		}
		if (!imageFound) throw corrupt();
		return { width, height, orientation };
	}
	throw corrupt();
}

// ---------------------------------------------------------------------------------------------------------
// SVG

const SVG_SNIFF_BYTES = 1024;

function looksLikeSvg(b: Uint8Array): boolean {
	const head = b.subarray(0, SVG_SNIFF_BYTES);
	let text = '';
	if (head[0] === 0xff && head[1] === 0xfe) {
		// UTF-16 LE with BOM: keep the low bytes.
		for (let k = 2; k + 1 < head.length; k += 2) text += String.fromCharCode(head[k] ?? 0);
	} else if (head[0] === 0xfe && head[1] === 0xff) {
		// UTF-16 BE with BOM.
		for (let k = 3; k < head.length; k += 2) text += String.fromCharCode(head[k] ?? 0);
	} else {
		const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0; // UTF-8 BOM
		for (let k = start; k < head.length; k++) text += String.fromCharCode(head[k] ?? 0);
	}
	const lower = text.trimStart().toLowerCase();
	return lower.startsWith('<?xml') || lower.startsWith('<svg') || lower.includes('<svg');
}

// ---------------------------------------------------------------------------------------------------------

const SWAPPING_ORIENTATIONS = new Set([5, 6, 7, 8]);

/**
 * Identifies the image format from its magic bytes and reads its size and EXIF orientation without decoding.
 * @throws ImageInputError with a user-facing message for empty, SVG, unsupported, truncated/corrupt or
 *   oversized (width * height > pixelLimit) input.
 */
export function readImageHeader(bytes: Uint8Array, pixelLimit: number = DEFAULT_PIXEL_LIMIT): ImageHeader {
	if (bytes.length === 0) throw new ImageInputError(IMAGE_ERRORS.empty);

	let format: ImageFormat;
	let info: { width: number; height: number; orientation: number };
	if (matchesAt(bytes, 0, PNG_SIGNATURE)) {
		format = 'png';
		info = readPng(bytes);
	} else if (matchesAt(bytes, 0, JPEG_SIGNATURE)) {
		format = 'jpeg';
		info = readJpeg(bytes);
	} else if (matchesAt(bytes, 0, RIFF) && matchesAt(bytes, 8, WEBP)) {
		format = 'webp';
		info = readWebp(bytes, pixelLimit);
	} else if (
		isTruncatedSignature(bytes, 0, PNG_SIGNATURE) ||
		isTruncatedSignature(bytes, 0, JPEG_SIGNATURE) ||
		isTruncatedSignature(bytes, 0, RIFF) ||
		(matchesAt(bytes, 0, RIFF) && (bytes.length <= 8 || isTruncatedSignature(bytes, 8, WEBP)))
	) {
		throw corrupt();
	} else if (looksLikeSvg(bytes)) {
		throw new ImageInputError(IMAGE_ERRORS.svg);
	} else {
		throw new ImageInputError(IMAGE_ERRORS.unsupported);
	}

	const { width, height, orientation } = info;
	if (width * height > pixelLimit) throw new ImageInputError(tooLargeMessage(width, height, pixelLimit));
	const swap = SWAPPING_ORIENTATIONS.has(orientation);
	return {
		format,
		width,
		height,
		orientation,
		orientedWidth: swap ? height : width,
		orientedHeight: swap ? width : height
	};
}
