// Images for the gallery tests: signed the way the studio and the CLI sign (signImage with a local
// identity), tampered ones, and files the upload checks must refuse.
import { catalog } from '../../src/lib/assets/bundled';
import { findModel } from '../../src/lib/assets/catalog';
import { parsePng } from '../../src/lib/provenance/c2pa/png';
import { signImage, type ProvenanceInput } from '../../src/lib/provenance/c2pa/manifest';
import { modelSourceFromCard } from '../../src/lib/provenance/sources';
import sharp from 'sharp';
import { imageCode } from '../../src/lib/kernels/iscc';
import { decodeImage } from '../../src/lib/node/image-io';
import { isccBinding } from '../../src/lib/provenance/c2pa/soft-binding';
import { photoPath, type PhotoId } from '../helpers/assets';
import { pattern, pngDeclaring } from '../helpers/images';
import { sampleInput, type TestIdentity } from '../provenance/helpers';

export async function plainPng(width = 96, height = 72): Promise<Uint8Array> {
	return new Uint8Array(await pattern(width, height).png().toBuffer());
}

export async function plainJpeg(width = 96, height = 72): Promise<Uint8Array> {
	return new Uint8Array(await pattern(width, height).jpeg({ quality: 90 }).toBuffer());
}

/**
 * A painting as the studio exports it: the photo, two catalog styles and a model as ingredients.
 * `content` is the photo's bytes (a signed gallery image makes this a remix of it).
 */
export async function signedPng(
	id: TestIdentity,
	options: { width?: number; content?: Uint8Array; model?: string; overrides?: Partial<ProvenanceInput> } = {}
): Promise<Uint8Array> {
	const width = options.width ?? 96;
	const image = await plainPng(width, Math.round((width * 3) / 4));
	const models = options.model ? [modelSourceFromCard(findModel(catalog, options.model))] : undefined;
	const input = sampleInput(options.content ?? (await plainPng(40, 30)), {
		...(models ? { models } : {}),
		...options.overrides
	});
	return signImage(image, input, id.signer);
}

/**
 * A test photo (at most 480 px) signed as a painting whose credentials record the ISCC code of its pixels
 * as their soft binding (or `claim`, to make credentials that lie about the pixels).
 */
export async function signedPhotoPainting(
	id: TestIdentity,
	photo: PhotoId,
	claim?: string
): Promise<{ bytes: Uint8Array; code: string }> {
	const png = new Uint8Array(
		await sharp(await photoPath(photo))
			.resize(480, 480, { fit: 'inside' })
			.png()
			.toBuffer()
	);
	const code = imageCode(await decodeImage(png));
	const bytes = await signImage(
		png,
		sampleInput(undefined, { softBinding: isccBinding(claim ?? code) }),
		id.signer
	);
	return { bytes, code };
}

export async function signedJpeg(id: TestIdentity): Promise<Uint8Array> {
	return signImage(await plainJpeg(), sampleInput(await plainPng(40, 30)), id.signer);
}

export async function signedWebp(id: TestIdentity): Promise<Uint8Array> {
	const webp = new Uint8Array(await pattern(96, 72).webp({ quality: 90 }).toBuffer());
	return signImage(webp, sampleInput(await plainPng(40, 30)), id.signer);
}

/**
 * The signed PNG with other pixels: its image data replaced by a different picture of the same size (a
 * whole, decodable PNG), credentials untouched, so the data hash no longer matches.
 */
export async function tamperPng(bytes: Uint8Array, width = 96, height = 72): Promise<Uint8Array> {
	const other = new Uint8Array(await pattern(width, height).negate().png().toBuffer());
	const firstIdat = (png: Uint8Array) => parsePng(png).find((c) => c.type === 'IDAT')!.offset;
	const head = bytes.subarray(0, firstIdat(bytes));
	const tail = other.subarray(firstIdat(other));
	const out = new Uint8Array(head.length + tail.length);
	out.set(head);
	out.set(tail, head.length);
	return out;
}

/** A valid PNG header declaring 30000 x 30000 pixels over a few bytes of data: a decompression bomb. */
export function bombPng(): Uint8Array {
	return new Uint8Array(pngDeclaring(30000, 30000));
}

export const SVG = new TextEncoder().encode(
	'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script></svg>\n'
);

export async function truncatedJpeg(): Promise<Uint8Array> {
	const jpeg = await plainJpeg(200, 150);
	return jpeg.slice(0, Math.floor(jpeg.length * 0.6));
}
