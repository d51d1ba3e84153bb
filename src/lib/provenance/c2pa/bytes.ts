// Small, bounds-checked byte helpers shared by the container parsers (no DOM or Node imports).
import { malformed, type ProvenanceArea } from './errors';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const latin1Decoder = new TextDecoder('latin1');

export function utf8(text: string): Uint8Array {
	return encoder.encode(text);
}

/** Decodes UTF-8, throwing a MalformedError of `area` on invalid sequences. */
export function fromUtf8(bytes: Uint8Array, area: ProvenanceArea, what = 'text'): string {
	try {
		return strictDecoder.decode(bytes);
	} catch {
		throw malformed(area, 'utf8', `${what} is not valid UTF-8`);
	}
}

export function latin1(bytes: Uint8Array): string {
	// Four-character codes are read once per chunk or box: a TextDecoder call costs more than the rest of it.
	if (bytes.length <= 16) return String.fromCharCode(...bytes);
	return latin1Decoder.decode(bytes);
}

/** ASCII/Latin-1 code units to bytes (for four-character codes and markers). */
export function ascii(text: string): Uint8Array {
	const out = new Uint8Array(text.length);
	for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
	return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
	let total = 0;
	for (const part of parts) total += part.length;
	const out = new Uint8Array(total);
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}

export function u16be(n: number): Uint8Array {
	return new Uint8Array([(n >>> 8) & 0xff, n & 0xff]);
}

export function u32be(n: number): Uint8Array {
	return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/** Checks that `length` bytes exist at `offset`; throws a MalformedError naming `what` otherwise. */
export function need(
	bytes: Uint8Array,
	offset: number,
	length: number,
	area: ProvenanceArea,
	what: string
): void {
	if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
		throw malformed(area, 'truncated', `${what}: bad offset or length`);
	}
	if (offset + length > bytes.length) {
		throw malformed(
			area,
			'truncated',
			`${what} needs ${length} bytes at offset ${offset} but the data ends at ${bytes.length}`
		);
	}
}

export function readU16(bytes: Uint8Array, offset: number, area: ProvenanceArea, what: string): number {
	need(bytes, offset, 2, area, what);
	return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

export function readU32(bytes: Uint8Array, offset: number, area: ProvenanceArea, what: string): number {
	need(bytes, offset, 4, area, what);
	return (
		((bytes[offset]! << 24) >>> 0) +
		((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!)
	);
}

/** A 64-bit big-endian length; beyond 2^53 it cannot describe real data and is refused. */
export function readU64(bytes: Uint8Array, offset: number, area: ProvenanceArea, what: string): number {
	const high = readU32(bytes, offset, area, what);
	const low = readU32(bytes, offset + 4, area, what);
	const value = high * 2 ** 32 + low;
	if (!Number.isSafeInteger(value)) throw malformed(area, 'length', `${what} is impossibly large`);
	return value;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

export function toHex(bytes: Uint8Array): string {
	let out = '';
	for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
	return out;
}

export function fromHex(hex: string): Uint8Array {
	if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new TypeError(`not a hex string: ${hex.slice(0, 20)}`);
	const out = new Uint8Array(hex.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return out;
}

export function toBase64(bytes: Uint8Array): string {
	let binary = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
	const binary = atob(text.replace(/\s+/g, ''));
	const out = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
	return out;
}

/** A copy that owns a plain ArrayBuffer, which WebCrypto's BufferSource typing wants. */
export function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(new ArrayBuffer(bytes.length));
	out.set(bytes);
	return out;
}

export type HashAlg = 'sha256' | 'sha384' | 'sha512';

const SUBTLE_HASH: Record<HashAlg, string> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

export function isHashAlg(value: unknown): value is HashAlg {
	return value === 'sha256' || value === 'sha384' || value === 'sha512';
}

export async function digest(alg: HashAlg, bytes: Uint8Array): Promise<Uint8Array> {
	const view = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : own(bytes);
	return new Uint8Array(await crypto.subtle.digest(SUBTLE_HASH[alg], view));
}

export function sha256(bytes: Uint8Array): Promise<Uint8Array> {
	return digest('sha256', bytes);
}
