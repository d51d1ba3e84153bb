// Decoded images the editor keeps or borrows: a cache of display pictures (bitmaps and mask overlays) that
// frees what the document no longer shows, and a scope that closes every bitmap decoded inside it.
import type { BlobSource } from '../document/blob-store';
import { type BitmapSource, decodeBlob } from './compose';

type Picture = ImageBitmap | OffscreenCanvas;

function close(picture: Picture): void {
	if ('close' in picture) picture.close();
}

/**
 * Display pictures by image id and variant (kind and size), made once and kept while in use; each `get`
 * says which one a scene uses, and `keepOnly` frees the rest (a picture of a zoom level no longer shown).
 */
export class PictureCache {
	readonly #entries = new Map<string, Promise<Picture>>();

	/** The picture of `imageId` in `variant`; its key goes into `used`. */
	get<T extends Picture>(
		imageId: string,
		variant: string,
		make: () => Promise<T>,
		used: string[]
	): Promise<T> {
		const key = `${imageId} ${variant}`;
		used.push(key);
		let picture = this.#entries.get(key);
		if (!picture) {
			picture = make();
			this.#entries.set(key, picture);
			picture.catch(() => this.#entries.delete(key));
		}
		return picture as Promise<T>;
	}

	/** Frees every picture whose key is not in `used`. */
	keepOnly(used: readonly string[]): void {
		const kept = new Set(used);
		for (const [key, picture] of this.#entries) {
			if (kept.has(key)) continue;
			this.#entries.delete(key);
			picture.then(close, () => {});
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
