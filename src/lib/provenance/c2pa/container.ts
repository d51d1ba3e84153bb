// One entry point over the three containers Rakkan writes: where the manifest store and XMP live in a PNG,
// a JPEG or a WebP, independent of which one it is.
import { isJpeg, readJpegManifest, readJpegXmp, removeJpegManifest } from './jpeg';
import { isPng, readPngManifest, readPngXmp, removePngManifest } from './png';
import { isWebp, readWebpManifest, readWebpXmp, removeWebpManifest } from './webp';

export type ImageContainer = 'png' | 'jpeg' | 'webp';

export const MIME_TYPES: Record<ImageContainer, string> = {
	png: 'image/png',
	jpeg: 'image/jpeg',
	webp: 'image/webp'
};

export function containerOf(bytes: Uint8Array): ImageContainer | null {
	if (isPng(bytes)) return 'png';
	if (isJpeg(bytes)) return 'jpeg';
	if (isWebp(bytes)) return 'webp';
	return null;
}

export interface StoreLocation {
	container: ImageContainer;
	/** The manifest store (a JUMBF `c2pa` superbox). */
	store: Uint8Array;
}

/** The embedded manifest store, or null when the image has none. Throws MalformedError on a broken file. */
export function readManifestStore(bytes: Uint8Array): StoreLocation | null {
	const container = containerOf(bytes);
	if (container === 'png') {
		const found = readPngManifest(bytes);
		return found ? { container, store: found.store } : null;
	}
	if (container === 'jpeg') {
		const found = readJpegManifest(bytes);
		return found ? { container, store: found.store } : null;
	}
	if (container === 'webp') {
		const found = readWebpManifest(bytes);
		return found ? { container, store: found.store } : null;
	}
	return null;
}

export function removeManifestStore(bytes: Uint8Array): Uint8Array {
	const container = containerOf(bytes);
	if (container === 'png') return removePngManifest(bytes);
	if (container === 'jpeg') return removeJpegManifest(bytes);
	if (container === 'webp') return removeWebpManifest(bytes);
	return bytes;
}

export function readXmp(bytes: Uint8Array): string | null {
	const container = containerOf(bytes);
	if (container === 'png') return readPngXmp(bytes);
	if (container === 'jpeg') return readJpegXmp(bytes);
	if (container === 'webp') return readWebpXmp(bytes);
	return null;
}
