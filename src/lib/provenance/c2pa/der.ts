// A minimal DER reader: enough to walk a time-stamp token to its genTime. Bounds-checked, depth-limited.
import { malformed } from './errors';

export interface DerNode {
	tag: number;
	/** The value bytes (for constructed nodes, the encoded children). */
	value: Uint8Array;
	constructed: boolean;
}

export function readDer(bytes: Uint8Array, offset = 0): { node: DerNode; end: number } {
	const tag = bytes[offset];
	if (tag === undefined) throw malformed('cose', 'der', 'DER: unexpected end of data');
	if ((tag & 0x1f) === 0x1f) throw malformed('cose', 'der', 'DER: multi-byte tags are not supported');
	let length = bytes[offset + 1];
	if (length === undefined) throw malformed('cose', 'der', 'DER: missing length');
	let start = offset + 2;
	if (length & 0x80) {
		const count = length & 0x7f;
		if (count === 0 || count > 4) throw malformed('cose', 'der', 'DER: unsupported length form');
		length = 0;
		for (let i = 0; i < count; i++) {
			const byte = bytes[start + i];
			if (byte === undefined) throw malformed('cose', 'der', 'DER: length cut off');
			length = length * 256 + byte;
		}
		start += count;
	}
	const end = start + length;
	if (end > bytes.length) throw malformed('cose', 'der', 'DER: value runs past the end of the data');
	return { node: { tag, value: bytes.subarray(start, end), constructed: (tag & 0x20) !== 0 }, end };
}

export function derChildren(node: DerNode): DerNode[] {
	const out: DerNode[] = [];
	let offset = 0;
	while (offset < node.value.length) {
		const { node: child, end } = readDer(node.value, offset);
		out.push(child);
		offset = end;
	}
	return out;
}

function parseGeneralizedTime(text: string): Date | undefined {
	const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d+))?Z$/.exec(text);
	if (!m) return undefined;
	const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
	const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms));
	return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The genTime of an RFC 3161 TimeStampToken (or TimeStampResp) over a TSTInfo, or undefined. */
export function timeStampTime(token: Uint8Array): Date | undefined {
	try {
		let contentInfo = derChildren(readDer(token).node);
		// A TimeStampResp (status, token) rather than the bare token: take the token.
		if (contentInfo[0]?.tag === 0x30 && contentInfo[1]?.tag === 0x30)
			contentInfo = derChildren(contentInfo[1]);
		const signedData = derChildren(derChildren(contentInfo[1]!)[0]!);
		const encap = derChildren(signedData[2]!);
		const octets = derChildren(encap[1]!)[0]!;
		const tstInfo = derChildren(readDer(octets.value).node);
		const genTime = tstInfo[4];
		if (!genTime || genTime.tag !== 0x18) return undefined;
		return parseGeneralizedTime(new TextDecoder('latin1').decode(genTime.value));
	} catch {
		return undefined;
	}
}
