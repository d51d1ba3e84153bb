// JUMBF (ISO/IEC 19566-5) boxes as C2PA uses them: a superbox `jumb` starts with a description box `jumd`
// (a type UUID, toggles, a label) and holds content boxes (`cbor`, `json`, `bfdb`, `bidb`, ...) or more
// superboxes. Parsing is bounds-checked and stops at the JUMBF limits (depth, box count); building returns plain bytes.
import { ascii, concat, fromUtf8, latin1, need, readU32, readU64, toHex, u32be, utf8 } from './bytes';
import { malformed } from './errors';
import { within } from './limits';

/** The ISO suffix every C2PA type UUID shares after its four-character code. */
const UUID_SUFFIX = [0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/** The type UUID of a C2PA box: the four-character code followed by the common ISO suffix. */
export function typeUuid(code: string): Uint8Array {
	if (code.length !== 4) throw new TypeError(`a JUMBF type code has 4 characters, got "${code}"`);
	return concat([ascii(code), new Uint8Array(UUID_SUFFIX)]);
}

/** C2PA superbox types (the 4CC at the start of their description UUID). */
export const JUMBF_TYPES = {
	store: 'c2pa',
	manifest: 'c2ma',
	updateManifest: 'c2um',
	assertions: 'c2as',
	claim: 'c2cl',
	signature: 'c2cs',
	credentials: 'c2vc',
	databoxes: 'c2db',
	cbor: 'cbor',
	json: 'json'
} as const;

/** The embedded-file superbox type (thumbnails): not built on the common suffix. */
export const EMBEDDED_FILE_UUID = '40cb0c32bb8a489da70b2ad6f47f4369';

export interface JumbfContentBox {
	kind: 'content';
	/** Four-character box type, e.g. `cbor`, `json`, `bfdb`, `bidb`, `uuid`. */
	type: string;
	payload: Uint8Array;
}

export interface JumbfSuperBox {
	kind: 'super';
	/** The 16-byte type UUID of the description box, as lower-case hex. */
	uuid: string;
	/** The 4CC at the start of the UUID when the UUID uses the C2PA suffix (else ''). */
	typeCode: string;
	label?: string;
	id?: number;
	children: JumbfBox[];
	/** The whole superbox as stored, header included. */
	raw: Uint8Array;
	/** The superbox without its box header: what a C2PA hashed URI covers. */
	contents: Uint8Array;
}

export type JumbfBox = JumbfContentBox | JumbfSuperBox;

interface Budget {
	boxes: number;
}

interface RawBox {
	type: string;
	/** Header length: 8, or 16 with an extended length. */
	header: number;
	/** Total box length, header included. */
	length: number;
}

function readBoxHeader(bytes: Uint8Array, offset: number, end: number): RawBox {
	if (offset + 8 > end) throw malformed('jumbf', 'truncated', `JUMBF: box header at ${offset} is cut off`);
	const lbox = readU32(bytes, offset, 'jumbf', 'box length');
	const type = latin1(bytes.subarray(offset + 4, offset + 8));
	let length = lbox;
	let header = 8;
	if (lbox === 1) {
		if (offset + 16 > end)
			throw malformed('jumbf', 'truncated', `JUMBF: extended length at ${offset} cut off`);
		length = readU64(bytes, offset + 8, 'jumbf', 'extended box length');
		header = 16;
	} else if (lbox === 0) {
		length = end - offset;
	}
	if (length < header) {
		throw malformed('jumbf', 'length', `JUMBF: box "${printable(type)}" at ${offset} has length ${length}`);
	}
	if (offset + length > end) {
		throw malformed(
			'jumbf',
			'length',
			`JUMBF: box "${printable(type)}" at ${offset} claims ${length} bytes but only ${end - offset} remain`
		);
	}
	return { type, header, length };
}

function printable(type: string): string {
	return type.replace(/[^\x20-\x7e]/g, '?');
}

function parseDescription(payload: Uint8Array): { uuid: Uint8Array; label?: string; id?: number } {
	need(payload, 0, 17, 'jumbf', 'JUMBF description box');
	const uuid = payload.subarray(0, 16);
	const toggles = payload[16]!;
	let offset = 17;
	let label: string | undefined;
	let id: number | undefined;
	if (toggles & 0x02) {
		const nul = payload.indexOf(0, offset);
		if (nul < 0) throw malformed('jumbf', 'label', 'JUMBF: description label has no terminating NUL');
		label = fromUtf8(payload.subarray(offset, nul), 'jumbf', 'JUMBF label');
		offset = nul + 1;
	}
	if (toggles & 0x04) {
		id = readU32(payload, offset, 'jumbf', 'JUMBF description id');
		offset += 4;
	}
	if (toggles & 0x08) {
		need(payload, offset, 32, 'jumbf', 'JUMBF description signature');
		offset += 32;
	}
	// What is left can only be a private box (toggle 0x10); anything else means a damaged label or length.
	if (offset < payload.length && !(toggles & 0x10)) {
		throw malformed(
			'jumbf',
			'description',
			`JUMBF: ${payload.length - offset} unexplained bytes in a description box`
		);
	}
	return { uuid, label, id };
}

function parseSuper(
	bytes: Uint8Array,
	start: number,
	box: RawBox,
	depth: number,
	budget: Budget
): JumbfSuperBox {
	within('jumbfDepth', depth);
	const end = start + box.length;
	let offset = start + box.header;
	const first = readBoxHeader(bytes, offset, end);
	if (first.type !== 'jumd') {
		throw malformed(
			'jumbf',
			'description',
			`JUMBF: superbox at ${start} does not start with a description box`
		);
	}
	const description = parseDescription(bytes.subarray(offset + first.header, offset + first.length));
	offset += first.length;
	const children: JumbfBox[] = [];
	while (offset < end) {
		within('jumbfBoxes', ++budget.boxes);
		const child = readBoxHeader(bytes, offset, end);
		if (child.type === 'jumb') {
			children.push(parseSuper(bytes, offset, child, depth + 1, budget));
		} else {
			children.push({
				kind: 'content',
				type: child.type,
				payload: bytes.subarray(offset + child.header, offset + child.length)
			});
		}
		offset += child.length;
	}
	const uuidHex = toHex(description.uuid);
	const suffix = toHex(new Uint8Array(UUID_SUFFIX));
	return {
		kind: 'super',
		uuid: uuidHex,
		typeCode: uuidHex.endsWith(suffix) ? latin1(description.uuid.subarray(0, 4)) : '',
		label: description.label,
		id: description.id,
		children,
		raw: bytes.subarray(start, end),
		contents: bytes.subarray(start + box.header, end)
	};
}

/** Parses one JUMBF superbox that spans `bytes` exactly (trailing bytes are an error). */
export function parseJumbf(bytes: Uint8Array): JumbfSuperBox {
	const box = readBoxHeader(bytes, 0, bytes.length);
	if (box.type !== 'jumb')
		throw malformed('jumbf', 'type', `JUMBF: expected a "jumb" superbox, got "${printable(box.type)}"`);
	if (box.length !== bytes.length) {
		throw malformed('jumbf', 'length', `JUMBF: ${bytes.length - box.length} bytes after the superbox`);
	}
	return parseSuper(bytes, 0, box, 0, { boxes: 0 });
}

/** The child superbox with this label, if any. */
export function childByLabel(box: JumbfSuperBox, label: string): JumbfSuperBox | undefined {
	for (const child of box.children) if (child.kind === 'super' && child.label === label) return child;
	return undefined;
}

export function superChildren(box: JumbfSuperBox): JumbfSuperBox[] {
	return box.children.filter((child): child is JumbfSuperBox => child.kind === 'super');
}

export function contentChildren(box: JumbfSuperBox): JumbfContentBox[] {
	return box.children.filter((child): child is JumbfContentBox => child.kind === 'content');
}

// ------------------------------------------------------------------------------------------------------
// Building

/** A plain box: length, type, payload (extended length above 4 GiB is not needed here). */
export function contentBox(type: string, payload: Uint8Array): Uint8Array {
	if (type.length !== 4) throw new TypeError(`a box type has 4 characters, got "${type}"`);
	const length = 8 + payload.length;
	if (length > 0xffffffff) throw new RangeError('JUMBF box larger than 4 GiB');
	return concat([u32be(length), ascii(type), payload]);
}

/** A description box: type UUID, toggles (requestable + label), the label and its NUL. */
export function descriptionBox(uuid: Uint8Array, label: string): Uint8Array {
	if (uuid.length !== 16) throw new TypeError('a JUMBF type UUID has 16 bytes');
	if (label.includes('\0')) throw new TypeError('a JUMBF label cannot contain NUL');
	return contentBox('jumd', concat([uuid, new Uint8Array([0x03]), utf8(label), new Uint8Array([0])]));
}

/** A superbox of the given type (4CC or full UUID) and label, holding already-built child boxes. */
export function superBox(
	type: string | Uint8Array,
	label: string,
	children: readonly Uint8Array[]
): Uint8Array {
	const uuid = typeof type === 'string' ? typeUuid(type) : type;
	return contentBox('jumb', concat([descriptionBox(uuid, label), ...children]));
}
