// What an upload must be before anything decodes it: a PNG, JPEG or WebP by its bytes (never by its name
// or declared type), within the byte and pixel limits read from its header (so a decompression bomb is
// refused before decoding), and whole. Then the work that decodes and verifies (processUpload, run in an
// upload worker thread): the Content Credentials checked and bounded, and the thumbnail, a derived WebP
// rendition made with sharp.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { IMAGE_ERRORS, ImageInputError, readImageHeader, tooLargeMessage } from '../../kernels/image-header';
import { checkImageBytes, megabytes } from '../../provenance/c2pa/inspect';
import { verifyImage } from '../../provenance/c2pa/verify';
import { imageCode } from '../../kernels/iscc';
import { decodeImage } from '../../node/image-io';
import type { ImageMimeType } from '../../gallery-api';
import type { FaceScan } from '../../engine/faces';
import type { FaceDetector } from '../../engine/model';
import { defaultCacheDir } from '../../node/asset-cache';
import { loadProjectCatalog } from '../../node/catalog-fs';
import { boundVerifyResult, type BoundedVerifyResult } from './bounds';

export interface UploadLimits {
	maxBytes: number;
	maxPixels: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxBytes: 25 * 1024 * 1024, maxPixels: 50_000_000 };

/** Long side of the thumbnail rendition. */
export const THUMBNAIL_SIDE = 512;

export class UploadError extends Error {
	constructor(
		readonly status: 400 | 413 | 415 | 422,
		message: string
	) {
		super(message);
		this.name = 'UploadError';
	}
}

export interface SniffedImage {
	mimeType: ImageMimeType;
	/** As displayed (after EXIF orientation). */
	width: number;
	height: number;
}

const MIME: Record<'png' | 'jpeg' | 'webp', ImageMimeType> = {
	png: 'image/png',
	jpeg: 'image/jpeg',
	webp: 'image/webp'
};

function sizeText(bytes: number): string {
	if (bytes >= 1024 * 1024) return megabytes(bytes);
	return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${bytes} bytes`;
}

export function tooManyBytesMessage(bytes: number, limits: UploadLimits): string {
	return `The file is ${sizeText(bytes)}; the limit is ${sizeText(limits.maxBytes)}.`;
}

/** Checks the bytes without decoding them; throws an {@link UploadError} with the status to answer. */
export function sniffUpload(bytes: Uint8Array, limits: UploadLimits = DEFAULT_UPLOAD_LIMITS): SniffedImage {
	if (bytes.length > limits.maxBytes) throw new UploadError(413, tooManyBytesMessage(bytes.length, limits));
	let header;
	try {
		header = readImageHeader(bytes, Number.POSITIVE_INFINITY);
	} catch (error) {
		if (!(error instanceof ImageInputError)) throw error;
		const unsupported = error.message === IMAGE_ERRORS.svg || error.message === IMAGE_ERRORS.unsupported;
		throw new UploadError(unsupported ? 415 : 400, error.message);
	}
	if (header.width * header.height > limits.maxPixels) {
		throw new UploadError(413, tooLargeMessage(header.width, header.height, limits.maxPixels));
	}
	const check = checkImageBytes('image', bytes);
	// The verifier's words name a file ("“image” is truncated ..."); an upload has no name worth quoting.
	if (check.ok && check.damage) throw new UploadError(400, check.damage.replace(/^“image”/, 'The image'));
	return { mimeType: MIME[header.format], width: header.orientedWidth, height: header.orientedHeight };
}

/** Decodes the whole image (refusing truncated data) into a WebP thumbnail, upright, at most 512 px. */
export async function renderThumbnail(
	bytes: Uint8Array,
	limits: UploadLimits = DEFAULT_UPLOAD_LIMITS
): Promise<Uint8Array> {
	try {
		const out = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated' })
			.rotate()
			.resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
			.webp({ quality: 80 })
			.toBuffer();
		return new Uint8Array(out);
	} catch {
		throw new UploadError(400, 'The image data is truncated or corrupt: it cannot be decoded.');
	}
}

/** What an upload worker returns: the bounded verifier result, the thumbnail and the bytes' sha256. */
export interface ProcessedUpload {
	verified: BoundedVerifyResult;
	thumbnail: Uint8Array;
	/** Hex, of the upload as sent: how a remix names it as its parent. */
	sha256: string;
	/** The ISCC image code of the decoded pixels (never the one the credentials claim). */
	fingerprint: string;
	/** What the face detector found in the pixels; null when it could not run (the faces are unchecked). */
	faces: FaceScan | null;
}

/** Verifies the credentials, renders the thumbnail and fingerprints the pixels: the decoding work, off the event loop. */
export async function processUpload(
	bytes: Uint8Array,
	limits: UploadLimits = DEFAULT_UPLOAD_LIMITS
): Promise<ProcessedUpload> {
	const verified = boundVerifyResult(await verifyImage(bytes));
	const thumbnail = await renderThumbnail(bytes, limits);
	const fingerprint = await fingerprintImage(bytes, limits);
	const faces = await findFaces(bytes, limits);
	return {
		verified,
		thumbnail,
		sha256: createHash('sha256').update(bytes).digest('hex'),
		fingerprint,
		faces
	};
}

/** The face detector of this thread, loaded on its first upload; null when it cannot load. */
let detector: Promise<FaceDetector | null> | undefined;

/**
 * The gallery's face check: the same detector as the studio and the CLI (tfjs on wasm), in the thread that
 * processes the upload. Its module is imported here, not at the top, so the server's request thread never
 * loads tfjs. When the detector cannot load, or the image cannot be decoded for it, the answer is null.
 */
async function findFaces(bytes: Uint8Array, limits: UploadLimits): Promise<FaceScan | null> {
	const faces = await import('../../node/faces');
	// The asset cache of the folder the server runs in, as the asset route reads it.
	detector ??= loadProjectCatalog()
		.then((catalog) => faces.loadFaceDetector(catalog, defaultCacheDir()))
		.catch((error: unknown) => {
			console.error('gallery: the face detector could not load; faces are not checked', error);
			return null;
		});
	const loaded = await detector;
	if (!loaded) return null;
	try {
		return await faces.detectFaces(loaded, await faces.pixelsForDetection(bytes, limits.maxPixels));
	} catch (error) {
		console.error('gallery: faces could not be checked in an upload', error);
		return null;
	}
}

/** The ISCC image code of an image's decoded pixels (the soft-binding lookup's work, off the event loop too). */
export async function fingerprintImage(
	bytes: Uint8Array,
	limits: UploadLimits = DEFAULT_UPLOAD_LIMITS
): Promise<string> {
	try {
		return imageCode(await decodeImage(bytes, limits.maxPixels));
	} catch {
		throw new UploadError(400, 'The image data is truncated or corrupt: it cannot be decoded.');
	}
}
