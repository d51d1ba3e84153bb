// WebP (RIFF) chunks for provenance: parse the top-level chunks (bounds-checked), the C2PA manifest store in a
// `C2PA` chunk at the end of the file (where c2pa-rs puts it), and XMP in an `XMP ` chunk, which needs the
// extended `VP8X` header with its XMP flag set. Chunks are padded to an even size; the RIFF size field
// counts everything after the 8-byte RIFF header.
import { ascii, concat, equalBytes, fromUtf8, latin1, utf8 } from './bytes';
import { malformed } from './errors';
import { within } from './limits';

export const C2PA_FOURCC = 'C2PA';
const XMP_FOURCC = 'XMP ';
const VP8X_FOURCC = 'VP8X';
/** VP8X flag bit for "the file carries XMP". */
const XMP_FLAG = 0x04;
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');

export interface RiffChunk {
	fourcc: string;
	/** Offset of the chunk header in the file. */
	offset: number;
	/** Header, data and padding. */
	size: number;
	data: Uint8Array;
}

export function isWebp(bytes: Uint8Array): boolean {
	return (
		bytes.length >= 12 && equalBytes(bytes.subarray(0, 4), RIFF) && equalBytes(bytes.subarray(8, 12), WEBP)
	);
}

function readU32le(bytes: Uint8Array, offset: number): number {
	return (
		(bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>>
		0
	);
}

function u32le(n: number): Uint8Array {
	return new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
}

/** The top-level chunks after the `WEBP` form type. Structure errors throw MalformedError. */
export function riffChunks(bytes: Uint8Array): RiffChunk[] {
	if (!isWebp(bytes)) throw malformed('webp', 'signature', 'WebP: the file does not start with RIFF…WEBP');
	const end = 8 + readU32le(bytes, 4);
	if (end > bytes.length) {
		throw malformed(
			'webp',
			'truncated',
			`WebP: the RIFF header declares ${end} bytes, the file has ${bytes.length}`
		);
	}
	const chunks: RiffChunk[] = [];
	let offset = 12;
	while (offset < end) {
		within('containerChunks', chunks.length + 1);
		if (offset + 8 > end) throw malformed('webp', 'truncated', `WebP: chunk header at ${offset} is cut off`);
		const length = readU32le(bytes, offset + 4);
		const size = 8 + length + (length & 1);
		if (offset + 8 + length > end) {
			throw malformed(
				'webp',
				'truncated',
				`WebP: chunk at ${offset} needs ${8 + length} bytes, ${end - offset} remain`
			);
		}
		chunks.push({
			fourcc: latin1(bytes.subarray(offset, offset + 4)),
			offset,
			size: Math.min(size, end - offset),
			data: bytes.subarray(offset + 8, offset + 8 + length)
		});
		offset += size;
	}
	if (chunks.length === 0) throw malformed('webp', 'empty', 'WebP: the file has no chunks');
	return chunks;
}

/** One chunk: fourcc, little-endian length, data and a pad byte when the length is odd. */
export function riffChunk(fourcc: string, data: Uint8Array): Uint8Array {
	return concat([ascii(fourcc), u32le(data.length), data, new Uint8Array(data.length & 1)]);
}

/** Bytes a chunk holding `length` bytes of data takes in the file. */
export function riffChunkSize(length: number): number {
	return 8 + length + (length & 1);
}

/** Rewrites the RIFF size field for a file of `total` bytes (a copy). */
export function withRiffSize(head: Uint8Array, total: number): Uint8Array {
	const out = head.slice();
	out.set(u32le(total - 8), 4);
	return out;
}

/** A WebP made of the header and these chunks (in order), with its RIFF size set. */
function assemble(chunks: readonly Uint8Array[]): Uint8Array {
	const body = concat([RIFF, new Uint8Array(4), WEBP, ...chunks]);
	return withRiffSize(body, body.length);
}

function raw(bytes: Uint8Array, chunk: RiffChunk): Uint8Array {
	return bytes.subarray(chunk.offset, chunk.offset + chunk.size);
}

export function readWebpManifest(bytes: Uint8Array): { store: Uint8Array } | null {
	const chunk = riffChunks(bytes).find((c) => c.fourcc === C2PA_FOURCC);
	return chunk ? { store: chunk.data } : null;
}

export function removeWebpManifest(bytes: Uint8Array): Uint8Array {
	const chunks = riffChunks(bytes);
	if (!chunks.some((c) => c.fourcc === C2PA_FOURCC)) return bytes;
	return assemble(chunks.filter((c) => c.fourcc !== C2PA_FOURCC).map((c) => raw(bytes, c)));
}

export function readWebpXmp(bytes: Uint8Array): string | null {
	const chunk = riffChunks(bytes).find((c) => c.fourcc === XMP_FOURCC);
	return chunk ? fromUtf8(chunk.data, 'webp', 'WebP XMP') : null;
}

/** Canvas size of a simple (VP8 or VP8L only) WebP, for the VP8X header XMP needs. */
function canvasSize(chunks: readonly RiffChunk[]): { width: number; height: number } {
	const image = chunks[0]!;
	const d = image.data;
	if (image.fourcc === 'VP8L' && d.length >= 5) {
		const bits = readU32le(d, 1);
		return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
	}
	if (image.fourcc === 'VP8 ' && d.length >= 10) {
		return { width: (d[6]! | (d[7]! << 8)) & 0x3fff, height: (d[8]! | (d[9]! << 8)) & 0x3fff };
	}
	throw malformed(
		'webp',
		'image',
		`WebP: expected VP8, VP8L or VP8X first, found ${JSON.stringify(image.fourcc)}`
	);
}

function vp8xChunk(flags: number, width: number, height: number): Uint8Array {
	const data = new Uint8Array(10);
	data[0] = flags;
	data.set(u32le(width - 1).subarray(0, 3), 4);
	data.set(u32le(height - 1).subarray(0, 3), 7);
	return riffChunk(VP8X_FOURCC, data);
}

/** Replaces the XMP chunk or adds one (after the image data), adding or flagging the VP8X header. */
export function setWebpXmp(bytes: Uint8Array, packet: string): Uint8Array {
	const chunks = riffChunks(bytes);
	const kept = chunks.filter((c) => c.fourcc !== XMP_FOURCC);
	const out: Uint8Array[] = [];
	if (kept[0]!.fourcc === VP8X_FOURCC) {
		const header = raw(bytes, kept[0]!).slice();
		header[8] = header[8]! | XMP_FLAG;
		out.push(header, ...kept.slice(1).map((c) => raw(bytes, c)));
	} else {
		const { width, height } = canvasSize(kept);
		out.push(vp8xChunk(XMP_FLAG, width, height), ...kept.map((c) => raw(bytes, c)));
	}
	out.push(riffChunk(XMP_FOURCC, utf8(packet)));
	return assemble(out);
}
