// PNG chunks for provenance: parse (bounds-checked, CRCs checked but reported rather than thrown, so a
// flipped pixel byte shows as tampering, not as a broken file), the C2PA `caBX` chunk right after IHDR, and
// XMP in an uncompressed `iTXt` chunk with the keyword `XML:com.adobe.xmp`.
import { ascii, concat, equalBytes, fromUtf8, latin1, readU32, u32be, utf8 } from './bytes';
import { crc32 } from '../../kernels/crc32';
import { malformed } from './errors';
import { within } from './limits';

export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const C2PA_CHUNK = 'caBX';
export const XMP_KEYWORD = 'XML:com.adobe.xmp';

export interface PngChunk {
	type: string;
	/** Offset of the chunk's length field in the file. */
	offset: number;
	/** The whole chunk: 4 length + 4 type + data + 4 CRC. */
	size: number;
	data: Uint8Array;
	/** Whether the stored CRC matches (computed when read). */
	readonly crcOk: boolean;
}

export function isPng(bytes: Uint8Array): boolean {
	return bytes.length >= 8 && equalBytes(bytes.subarray(0, 8), PNG_SIGNATURE);
}

/** The chunks one by one, up to and including IEND. Structure errors throw when reached. */
export function* pngChunks(bytes: Uint8Array): Generator<PngChunk> {
	if (!isPng(bytes))
		throw malformed('png', 'signature', 'PNG: the file does not start with the PNG signature');
	let offset = 8;
	let first = true;
	for (let count = 1; offset < bytes.length; count++) {
		within('containerChunks', count);
		const length = readU32(bytes, offset, 'png', 'PNG chunk length');
		if (length > 0x7fffffff) throw malformed('png', 'length', `PNG: chunk at ${offset} has length ${length}`);
		if (offset + 12 + length > bytes.length) {
			throw malformed(
				'png',
				'truncated',
				`PNG: chunk at ${offset} needs ${12 + length} bytes, ${bytes.length - offset} remain`
			);
		}
		const typeBytes = bytes.subarray(offset + 4, offset + 8);
		const type = latin1(typeBytes);
		if (!/^[A-Za-z]{4}$/.test(type)) {
			throw malformed('png', 'type', `PNG: chunk at ${offset} has an invalid type ${JSON.stringify(type)}`);
		}
		if (first && type !== 'IHDR') throw malformed('png', 'ihdr', 'PNG: the first chunk is not IHDR');
		first = false;
		const data = bytes.subarray(offset + 8, offset + 8 + length);
		const crc = readU32(bytes, offset + 8 + length, 'png', 'PNG chunk CRC');
		yield {
			type,
			offset,
			size: 12 + length,
			data,
			// Computed on demand: CRC-32 over every chunk of a 70 MB PNG costs more than the whole signing.
			get crcOk() {
				return crc === crc32(typeBytes, data);
			}
		};
		offset += 12 + length;
		if (type === 'IEND') return;
	}
	if (first) throw malformed('png', 'ihdr', 'PNG: the file has no chunks');
}

/** Every chunk up to and including IEND. Structure errors throw; CRC mismatches are reported per chunk. */
export function parsePng(bytes: Uint8Array): PngChunk[] {
	return [...pngChunks(bytes)];
}

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
	const typeBytes = ascii(type);
	return concat([u32be(data.length), typeBytes, data, u32be(crc32(typeBytes, data))]);
}

/** The C2PA manifest store in a PNG (the first `caBX` chunk), with where its chunk sits. */
export function readPngManifest(
	bytes: Uint8Array
): { store: Uint8Array; offset: number; size: number } | null {
	// Damage after the manifest chunk does not hide the manifest: the data hash will report it.
	for (const chunk of pngChunks(bytes)) {
		if (chunk.type === C2PA_CHUNK) return { store: chunk.data, offset: chunk.offset, size: chunk.size };
	}
	return null;
}

/** A copy without the chunks `drop` selects. */
export function withoutPngChunks(bytes: Uint8Array, drop: (chunk: PngChunk) => boolean): Uint8Array {
	const chunks = parsePng(bytes);
	if (!chunks.some(drop)) return bytes;
	const parts: Uint8Array[] = [];
	let last = 0;
	for (const chunk of chunks) {
		if (drop(chunk)) {
			parts.push(bytes.subarray(last, chunk.offset));
			last = chunk.offset + chunk.size;
		}
	}
	parts.push(bytes.subarray(last));
	return concat(parts);
}

/** Where a chunk placed right after IHDR starts. */
export function afterIhdr(bytes: Uint8Array): number {
	const ihdr = parsePng(bytes)[0]!;
	return ihdr.offset + ihdr.size;
}

/** Splits a PNG at the point right after IHDR: the manifest chunk goes between the two halves. */
export function splitAfterIhdr(bytes: Uint8Array): { head: Uint8Array; tail: Uint8Array } {
	const at = afterIhdr(bytes);
	return { head: bytes.subarray(0, at), tail: bytes.subarray(at) };
}

export function removePngManifest(bytes: Uint8Array): Uint8Array {
	return withoutPngChunks(bytes, (chunk) => chunk.type === C2PA_CHUNK);
}

function isXmpChunk(chunk: PngChunk): boolean {
	if (chunk.type !== 'iTXt') return false;
	const keyword = ascii(XMP_KEYWORD);
	return (
		chunk.data.length > keyword.length &&
		equalBytes(chunk.data.subarray(0, keyword.length), keyword) &&
		chunk.data[keyword.length] === 0
	);
}

/** `iTXt`: keyword, NUL, compression flag 0, method 0, empty language, NUL, empty translation, NUL, text. */
export function xmpChunk(packet: string): Uint8Array {
	return pngChunk('iTXt', concat([ascii(XMP_KEYWORD), new Uint8Array([0, 0, 0, 0, 0]), utf8(packet)]));
}

/** The XMP packet of a PNG, or null (compressed XMP is not read). */
export function readPngXmp(bytes: Uint8Array): string | null {
	let chunk: PngChunk | undefined;
	for (const c of pngChunks(bytes)) {
		if (isXmpChunk(c)) {
			chunk = c;
			break;
		}
	}
	if (!chunk) return null;
	const data = chunk.data;
	let offset = XMP_KEYWORD.length + 1;
	if (data[offset] !== 0) return null;
	offset += 2;
	for (let field = 0; field < 2; field++) {
		const nul = data.indexOf(0, offset);
		if (nul < 0) throw malformed('png', 'itxt', 'PNG: the XMP iTXt chunk is cut off');
		offset = nul + 1;
	}
	return fromUtf8(data.subarray(offset), 'png', 'PNG XMP');
}

/** Replaces the XMP iTXt chunk in place, or inserts one right after IHDR. */
export function setPngXmp(bytes: Uint8Array, packet: string): Uint8Array {
	const chunks = parsePng(bytes);
	const chunk = xmpChunk(packet);
	const existing = chunks.find(isXmpChunk);
	if (existing) {
		const rest = withoutPngChunks(bytes, (c) => c.offset !== existing.offset && isXmpChunk(c));
		const again = parsePng(rest).find(isXmpChunk)!;
		return concat([rest.subarray(0, again.offset), chunk, rest.subarray(again.offset + again.size)]);
	}
	const at = chunks[0]!.offset + chunks[0]!.size;
	return concat([bytes.subarray(0, at), chunk, bytes.subarray(at)]);
}
