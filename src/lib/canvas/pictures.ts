// Decoded images the editor keeps or borrows: a cache of display pictures (bitmaps and mask overlays) that
// frees what the document no longer shows, and a scope that closes every bitmap decoded inside it.
import type { BlobSource } from '../document/blob-store';
import { type BitmapSource, decodeBlob } from './compose';

type Picture = ImageBitmap | OffscreenCanvas;

function close(picture: Picture): void {
	if ('close' in picture) picture.close();
}

/** Display pictures by image id and variant (kind and size), made once and kept while in use. */
export class PictureCache {
	readonly #entries = new Map<string, { imageId: string; picture: Promise<Picture> }>();

	get<T extends Picture>(imageId: string, variant: string, make: () => Promise<T>): Promise<T> {
		const key = `${imageId} ${variant}`;
		let entry = this.#entries.get(key);
		if (!entry) {
			entry = { imageId, picture: make() };
			this.#entries.set(key, entry);
			entry.picture.catch(() => this.#entries.delete(key));
		}
		return entry.picture as Promise<T>;
	}

	/** Frees the pictures of every image not in `imageIds`. */
	keepOnly(imageIds: readonly string[]): void {
		for (const [key, entry] of this.#entries) {
			if (imageIds.includes(entry.imageId)) continue;
			this.#entries.delete(key);
			entry.picture.then(close, () => {});
		}
	}

	dispose(): void {
		this.keepOnly([]);
	}
}

/** Runs `use` with a decoder of stored images, and closes every bitmap it decoded once it is done. */
export async function withBitmaps<T>(
	blobs: BlobSource,
	use: (getBitmap: BitmapSource) => Promise<T>
): Promise<T> {
	const decoded = new Map<string, Promise<ImageBitmap>>();
	const getBitmap: BitmapSource = (ref) => {
		let bitmap = decoded.get(ref.id);
		if (!bitmap) {
			bitmap = blobs.get(ref.id).then(decodeBlob);
			decoded.set(ref.id, bitmap);
		}
		return bitmap;
	};
	try {
		return await use(getBitmap);
	} finally {
		for (const bitmap of decoded.values())
			bitmap.then(
				(b) => b.close(),
				() => {}
			);
	}
}
