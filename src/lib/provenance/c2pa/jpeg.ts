// JPEG segments for provenance: parse the marker segments before the first scan (bounds-checked, every
// loop advances), read and write the C2PA manifest store as APP11 JPEG XT segments
// (`FFEB Lp 'JP' En=0x0211 Z=seq`, continuations repeating the store's LBox/TBox), and XMP in APP1.
import { ascii, concat, equalBytes, fromUtf8, readU16, readU32, u16be, u32be, utf8 } from './bytes';
import { malformed } from './errors';
import { within } from './limits';

export const APP0 = 0xe0;
export const APP1 = 0xe1;
export const APP11 = 0xeb;
export const SOS = 0xda;
export const EOI = 0xd9;

const XMP_HEADER = ascii('http://ns.adobe.com/xap/1.0/\0');
const EXTENDED_XMP_HEADER = ascii('http://ns.adobe.com/xmp/extension/\0');
const EXIF_HEADER = ascii('Exif\0');
const JFIF_HEADER = ascii('JFIF\0');
const C2PA_UUID_PREFIX = ascii('c2pa');
/** c2pa-rs writes the store in slices of this size; the APP11 segment adds 8 (first) or 16 bytes. */
const STORE_SLICE = 64000;
/** The box instance number (En) c2pa-rs uses for the manifest store. */
const C2PA_EN = 0x0211;

export interface JpegSegment {
	marker: number;
	/** Offset of the 0xFF of the marker. */
	offset: number;
	/** The whole segment: marker (2), length field (2) and payload. */
	size: number;
	/** The bytes after the length field. */
	payload: Uint8Array;
}

export interface JpegLayout {
	segments: JpegSegment[];
	/** Offset where entropy-coded data starts (right after the first SOS header), or the file end. */
	scanStart: number;
}

export function isJpeg(bytes: Uint8Array): boolean {
	return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * The marker segments one by one, from SOI up to and including the first SOS header; returns the offset
 * where entropy-coded data starts (or where EOI is). Structure errors throw when reached.
 */
export function* jpegSegments(bytes: Uint8Array): Generator<JpegSegment, number> {
	if (bytes.length < 2 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
		throw malformed('jpeg', 'signature', 'JPEG: the file does not start with SOI (FF D8)');
	}
	let offset = 2;
	for (let count = 1; offset < bytes.length; count++) {
		within('containerChunks', count);
		if (bytes[offset] !== 0xff) {
			throw malformed(
				'jpeg',
				'marker',
				`JPEG: expected a marker at offset ${offset}, found 0x${bytes[offset]!.toString(16)}`
			);
		}
		let markerAt = offset;
		// Fill bytes: any number of 0xFF before the marker code.
		while (markerAt + 1 < bytes.length && bytes[markerAt + 1] === 0xff) markerAt++;
		if (markerAt + 1 >= bytes.length)
			throw malformed('jpeg', 'truncated', 'JPEG: the file ends inside a marker');
		const marker = bytes[markerAt + 1]!;
		if (marker === 0x00)
			throw malformed('jpeg', 'marker', `JPEG: invalid marker FF 00 at offset ${markerAt}`);
		if (marker === EOI) return markerAt;
		if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xd8) {
			offset = markerAt + 2;
			continue;
		}
		const length = readU16(bytes, markerAt + 2, 'jpeg', 'JPEG segment length');
		if (length < 2) {
			throw malformed(
				'jpeg',
				'length',
				`JPEG: segment FF ${marker.toString(16)} at ${markerAt} has length ${length}`
			);
		}
		const end = markerAt + 2 + length;
		if (end > bytes.length) {
			throw malformed(
				'jpeg',
				'truncated',
				`JPEG: segment FF ${marker.toString(16)} at ${markerAt} runs past the end of the file`
			);
		}
		yield { marker, offset: markerAt, size: end - markerAt, payload: bytes.subarray(markerAt + 4, end) };
		offset = end;
		if (marker === SOS) return end;
	}
	throw malformed('jpeg', 'truncated', 'JPEG: no image data (no SOS marker before the end)');
}

/** The marker segments from SOI up to and including the first SOS header. */
export function parseJpeg(bytes: Uint8Array): JpegLayout {
	const segments: JpegSegment[] = [];
	const iterator = jpegSegments(bytes);
	for (;;) {
		const next = iterator.next();
		if (next.done) return { segments, scanStart: next.value };
		segments.push(next.value);
	}
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
	return bytes.length >= prefix.length && equalBytes(bytes.subarray(0, prefix.length), prefix);
}

/** The C2PA APP11 segments and the store they carry, the way c2pa-rs reassembles them. */
export interface JpegManifest {
	store: Uint8Array;
	segments: JpegSegment[];
}

export function readJpegManifest(bytes: Uint8Array): JpegManifest | null {
	const found: JpegSegment[] = [];
	const parts: Uint8Array[] = [];
	let en = -1;
	let seq = 0;
	try {
		for (const segment of jpegSegments(bytes)) {
			if (segment.marker !== APP11 || segment.payload.length <= 16) continue;
			const p = segment.payload;
			if (p[0] !== 0x4a || p[1] !== 0x50) continue;
			const thisEn = (p[2]! << 8) | p[3]!;
			const z = readU32(p, 4, 'jpeg', 'APP11 sequence number');
			if (found.length > 0 && thisEn === en) {
				if (z <= seq) {
					throw malformed('jpeg', 'app11', `JPEG: APP11 segment ${z} of the manifest store is out of order`);
				}
				seq = z;
				parts.push(p.subarray(16));
				found.push(segment);
			} else if (p.length > 28 && startsWith(p.subarray(24), C2PA_UUID_PREFIX)) {
				if (found.length > 0) throw malformed('jpeg', 'app11', 'JPEG: more than one C2PA manifest store');
				en = thisEn;
				seq = z;
				parts.push(p.subarray(8));
				found.push(segment);
			}
		}
	} catch (error) {
		// Damage after the manifest does not hide it (the data hash will report it); damage before it does.
		if (found.length === 0 || (error as { code?: string }).code === 'jpeg.app11') throw error;
	}
	if (found.length === 0) return null;
	return { store: concat(parts), segments: found };
}

/** The store split into APP11 segments, markers and lengths included. */
export function app11Segments(store: Uint8Array): Uint8Array {
	if (store.length < 8) throw new RangeError('a JUMBF store has at least 8 bytes');
	const parts: Uint8Array[] = [];
	const header = store.subarray(0, 8);
	for (let start = 0, seq = 1; start < store.length; start += STORE_SLICE, seq++) {
		const slice = store.subarray(start, start + STORE_SLICE);
		const extra = seq > 1 ? header : new Uint8Array(0);
		const length = 2 + 8 + extra.length + slice.length;
		parts.push(
			new Uint8Array([0xff, APP11]),
			u16be(length),
			ascii('JP'),
			u16be(C2PA_EN),
			u32be(seq),
			extra,
			slice
		);
	}
	return concat(parts);
}

/** How many bytes {@link app11Segments} makes of a store this long. */
export function app11Size(storeLength: number): number {
	const count = Math.ceil(storeLength / STORE_SLICE);
	return storeLength + count * 12 + (count - 1) * 8;
}

/** A copy without the segments `drop` selects. */
function withoutSegments(bytes: Uint8Array, drop: readonly JpegSegment[]): Uint8Array {
	if (drop.length === 0) return bytes;
	const parts: Uint8Array[] = [];
	let last = 0;
	for (const segment of [...drop].sort((a, b) => a.offset - b.offset)) {
		parts.push(bytes.subarray(last, segment.offset));
		last = segment.offset + segment.size;
	}
	parts.push(bytes.subarray(last));
	return concat(parts);
}

export function removeJpegManifest(bytes: Uint8Array): Uint8Array {
	const manifest = readJpegManifest(bytes);
	return manifest ? withoutSegments(bytes, manifest.segments) : bytes;
}

/**
 * Where the manifest goes: after a leading JFIF APP0 (JFIF wants APP0 first, and c2pa-rs does the same),
 * otherwise right after SOI.
 */
export function manifestInsertOffset(bytes: Uint8Array): number {
	const first = parseJpeg(bytes).segments[0];
	if (first && first.marker === APP0 && startsWith(first.payload, JFIF_HEADER))
		return first.offset + first.size;
	return 2;
}

function isXmp(segment: JpegSegment): boolean {
	return segment.marker === APP1 && startsWith(segment.payload, XMP_HEADER);
}

function isExtendedXmp(segment: JpegSegment): boolean {
	return segment.marker === APP1 && startsWith(segment.payload, EXTENDED_XMP_HEADER);
}

export function readJpegXmp(bytes: Uint8Array): string | null {
	const segment = parseJpeg(bytes).segments.find(isXmp);
	return segment ? fromUtf8(segment.payload.subarray(XMP_HEADER.length), 'jpeg', 'JPEG XMP') : null;
}

/** The most a standard XMP packet can hold in one APP1 segment. */
export const MAX_XMP_BYTES = 0xffff - 2 - XMP_HEADER.length;

/**
 * Replaces the XMP packet (dropping any ExtendedXMP parts, which belonged to the old packet), or inserts
 * one after the leading APP0/APP1 (JFIF, Exif) segments.
 */
export function setJpegXmp(bytes: Uint8Array, packet: string): Uint8Array {
	const body = utf8(packet);
	if (body.length > MAX_XMP_BYTES) {
		throw malformed('xmp', 'size', `XMP packet of ${body.length} bytes does not fit one JPEG APP1 segment`);
	}
	const segment = concat([
		new Uint8Array([0xff, APP1]),
		u16be(2 + XMP_HEADER.length + body.length),
		XMP_HEADER,
		body
	]);
	const { segments } = parseJpeg(bytes);
	const existing = segments.find(isXmp);
	let at: number;
	let drop: JpegSegment[];
	if (existing) {
		at = existing.offset;
		drop = segments.filter((s) => isXmp(s) || isExtendedXmp(s));
	} else {
		at = 2;
		for (const s of segments) {
			const leading = s.marker === APP0 || (s.marker === APP1 && startsWith(s.payload, EXIF_HEADER));
			if (!leading) break;
			at = s.offset + s.size;
		}
		drop = [];
	}
	// Offsets before `at` do not move when segments after it are dropped; count what goes before it.
	const removedBefore = drop.filter((s) => s.offset < at).reduce((sum, s) => sum + s.size, 0);
	const rest = withoutSegments(bytes, drop);
	const insertAt = at - removedBefore;
	return concat([rest.subarray(0, insertAt), segment, rest.subarray(insertAt)]);
}

/** Four-character printable name of a marker for messages. */
export function markerName(marker: number): string {
	return `FF ${marker.toString(16).toUpperCase().padStart(2, '0')}`;
}
