// Pure byte-level helpers for the Verify view: is this a PNG, JPEG or WebP the verifier can read, is it whole,
// which thumbnails do its manifests carry, and what is in a root certificate file. No DOM, no Svelte;
// nothing throws except readTrustFile, whose messages are meant for people.
import { cborBudget, decodeCbor, isCborObject, type CborBudget } from './cbor';
import { derToPem, pemToDer, summarizeCertificate } from './certificates';
import { riffChunks } from './webp';
import { containerOf, readManifestStore, type ImageContainer } from './container';
import { describe } from './errors';
import { jpegSegments } from './jpeg';
import { contentChildren, EMBEDDED_FILE_UUID, parseJumbf, superChildren, type JumbfSuperBox } from './jumbf';
import { pngChunks } from './png';
import { readImageHeader } from '../../kernels/image-header';

/** Files above this size are refused before they are read (the verifier holds the file twice). */
export const MAX_VERIFY_BYTES = 256 * 1024 * 1024;
/** Trust anchor files above this size are not certificates. */
export const MAX_TRUST_BYTES = 1024 * 1024;
/** Thumbnails above this size are not shown. */
const MAX_THUMBNAIL_BYTES = 8 * 1024 * 1024;
const THUMBNAIL_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);

export function megabytes(bytes: number): string {
	return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
	let out = '';
	for (let i = start; i < Math.min(end, bytes.length); i++) out += String.fromCharCode(bytes[i]!);
	return out;
}

// ------------------------------------------------------------------------------------------------------
// What kind of file is this?

const OTHER_IMAGES: [string, (b: Uint8Array) => boolean][] = [
	['a GIF image', (b) => ascii(b, 0, 4) === 'GIF8'],
	['an AVIF or HEIC image', (b) => ascii(b, 4, 8) === 'ftyp'],
	['a TIFF image', (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*'],
	['a BMP image', (b) => ascii(b, 0, 2) === 'BM'],
	['an SVG drawing', (b) => /<svg[\s>]/i.test(ascii(b, 0, 1024))]
];

export type FileCheck =
	| { ok: true; container: ImageContainer; width?: number; height?: number; damage?: string }
	| { ok: false; message: string };

/**
 * Decides whether the bytes are a PNG, JPEG or WebP the verifier can read, and whether the file is complete.
 * A damaged file is still verified (its credentials, if any, then do not validate) but gets a warning.
 */
export function checkImageBytes(name: string, bytes: Uint8Array): FileCheck {
	const quoted = `“${name}”`;
	if (bytes.length === 0) return { ok: false, message: `${quoted} is empty.` };
	const container = containerOf(bytes);
	if (!container) {
		const other = OTHER_IMAGES.find(([, test]) => test(bytes));
		return {
			ok: false,
			message: other
				? `${quoted} is ${other[0]}: Content Credentials can be checked in PNG, JPEG and WebP files only.`
				: `${quoted} is not an image: Content Credentials can be checked in PNG, JPEG and WebP files.`
		};
	}
	let width: number | undefined;
	let height: number | undefined;
	try {
		const header = readImageHeader(bytes, Number.POSITIVE_INFINITY);
		width = header.orientedWidth;
		height = header.orientedHeight;
	} catch {
		// The structure walk below says what is wrong.
	}
	const damage = structureProblem(container, bytes);
	return {
		ok: true,
		container,
		width,
		height,
		damage: damage ? `${quoted} is truncated or damaged: ${damage}.` : undefined
	};
}

/** Walks the PNG chunks to IEND, the WebP chunks to the RIFF end, or the JPEG segments to the end marker. */
function structureProblem(container: ImageContainer, bytes: Uint8Array): string | undefined {
	try {
		if (container === 'png') {
			let sawData = false;
			let sawEnd = false;
			for (const chunk of pngChunks(bytes)) {
				if (chunk.type === 'IDAT') sawData = true;
				if (chunk.type === 'IEND') sawEnd = true;
			}
			if (!sawData) return 'the PNG has no image data';
			return sawEnd ? undefined : 'the PNG ends before its IEND chunk';
		}
		if (container === 'webp') {
			const image = riffChunks(bytes).some((c) => ['VP8 ', 'VP8L', 'ANMF'].includes(c.fourcc));
			return image ? undefined : 'the WebP has no image data';
		}
		const segments = jpegSegments(bytes);
		let next = segments.next();
		while (!next.done) next = segments.next();
		// After the first scan, the file must still reach an end-of-image marker (FF D9).
		for (let i = bytes.length - 2; i >= next.value; i--) {
			if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return undefined;
		}
		return 'the JPEG ends before its end-of-image marker';
	} catch (error) {
		return describe(error).replace(/\.$/, '');
	}
}

// ------------------------------------------------------------------------------------------------------
// Thumbnails carried by the manifests (c2pa.thumbnail.claim.* and c2pa.thumbnail.ingredient.*)

export interface RawThumbnail {
	type: string;
	bytes: Uint8Array;
}

export interface ThumbnailIndex {
	/** Claim thumbnails by manifest label: what the signed image looked like. */
	claims: Map<string, RawThumbnail>;
	/** Ingredient thumbnails by {@link ingredientKey}. */
	ingredients: Map<string, RawThumbnail>;
}

export function ingredientKey(manifest: string, label: string): string {
	return `${manifest}\n${label}`;
}

/** The media type and bytes of an embedded-file superbox (`bfdb` description, `bidb` data). */
function embeddedFile(box: JumbfSuperBox | undefined): RawThumbnail | undefined {
	if (!box || box.uuid !== EMBEDDED_FILE_UUID) return undefined;
	const children = contentChildren(box);
	const description = children.find((c) => c.type === 'bfdb');
	const data = children.find((c) => c.type === 'bidb');
	if (!description || !data || data.payload.length === 0 || data.payload.length > MAX_THUMBNAIL_BYTES) {
		return undefined;
	}
	// bfdb: a toggles byte, then the NUL-terminated media type (and an optional file name).
	const rest = description.payload.subarray(1);
	const end = rest.indexOf(0);
	const type = ascii(rest, 0, Math.min(end < 0 ? rest.length : end, 100))
		.trim()
		.toLowerCase();
	return THUMBNAIL_TYPES.has(type) ? { type, bytes: data.payload } : undefined;
}

function assertionData(box: JumbfSuperBox, budget: CborBudget): unknown {
	const content = contentChildren(box)[0];
	try {
		if (content?.type === 'cbor') return decodeCbor(content.payload, budget);
		if (content?.type === 'json') return JSON.parse(new TextDecoder().decode(content.payload)) as unknown;
	} catch {
		return undefined;
	}
	return undefined;
}

const ASSERTION_URL = /^self#jumbf=(?:\/c2pa\/([^/]+)\/)?c2pa\.assertions\/([^/]+)$/;

/** Every thumbnail in the manifest store of `bytes`. Never throws: a broken store has none. */
export function readThumbnails(bytes: Uint8Array): ThumbnailIndex {
	const index: ThumbnailIndex = { claims: new Map(), ingredients: new Map() };
	let manifests: JumbfSuperBox[];
	try {
		const located = readManifestStore(bytes);
		if (!located) return index;
		manifests = superChildren(parseJumbf(located.store)).filter(
			(m) => m.typeCode === 'c2ma' || m.typeCode === 'c2um'
		);
	} catch {
		return index;
	}
	// One budget for every assertion read: the whole store costs at most VERIFY_LIMITS.cborItems items.
	const budget = cborBudget();
	const assertions = new Map<string, Map<string, JumbfSuperBox>>();
	for (const manifest of manifests) {
		const store = superChildren(manifest).find((c) => c.typeCode === 'c2as');
		const boxes = new Map<string, JumbfSuperBox>();
		for (const box of store ? superChildren(store) : []) if (box.label) boxes.set(box.label, box);
		assertions.set(manifest.label ?? '', boxes);
	}
	for (const [manifest, boxes] of assertions) {
		for (const [label, box] of boxes) {
			if (/^c2pa\.thumbnail\.claim(\.|__|$)/.test(label)) {
				const thumbnail = embeddedFile(box);
				if (thumbnail && !index.claims.has(manifest)) index.claims.set(manifest, thumbnail);
				continue;
			}
			if (!/^c2pa\.ingredient(\.v[23])?(__\d+)?$/.test(label)) continue;
			const data = assertionData(box, budget);
			if (!isCborObject(data) || !isCborObject(data.thumbnail)) continue;
			const url = data.thumbnail.url;
			const target = typeof url === 'string' ? ASSERTION_URL.exec(url) : null;
			if (!target) continue;
			const thumbnail = embeddedFile(assertions.get(target[1] ?? manifest)?.get(target[2]!));
			if (thumbnail) index.ingredients.set(ingredientKey(manifest, label), thumbnail);
		}
	}
	return index;
}

/** The same keys with new values (e.g. object URLs for thumbnail bytes). */
export function mapValues<V, W>(map: ReadonlyMap<string, V>, f: (value: V) => W): ReadonlyMap<string, W> {
	return new Map([...map].map(([key, value]) => [key, f(value)]));
}

// ------------------------------------------------------------------------------------------------------
// Trust anchors

export interface TrustAnchor {
	/** The file the person picked. */
	file: string;
	/** The certificate's subject, for "trusting ...". */
	subject: string;
	commonName?: string;
	notAfter: string;
	pem: string;
}

/** Reads a root certificate file (PEM, or one DER certificate) into trust anchors; throws for people. */
export function readTrustFile(name: string, bytes: Uint8Array): TrustAnchor[] {
	const quoted = `“${name}”`;
	if (bytes.length === 0) throw new Error(`${quoted} is empty.`);
	if (bytes.length > MAX_TRUST_BYTES) {
		throw new Error(`${quoted} is ${megabytes(bytes.length)}; a root certificate is a few kilobytes.`);
	}
	let ders: Uint8Array[];
	if (bytes[0] === 0x30) {
		ders = [bytes]; // a DER certificate (.cer, .crt)
	} else {
		try {
			ders = pemToDer(new TextDecoder().decode(bytes));
		} catch (error) {
			throw new Error(`${quoted} cannot be read: ${describe(error)}.`, { cause: error });
		}
	}
	if (ders.length === 0) {
		throw new Error(`${quoted} holds no certificate (a PEM file has a -----BEGIN CERTIFICATE----- block).`);
	}
	return ders.map((der) => {
		try {
			const summary = summarizeCertificate(der);
			return {
				file: name,
				subject: summary.subject,
				commonName: summary.commonName ?? summary.organization,
				notAfter: summary.notAfter.toISOString(),
				pem: derToPem(der)
			};
		} catch (error) {
			throw new Error(`${quoted} holds something that is not an X.509 certificate.`, { cause: error });
		}
	});
}
