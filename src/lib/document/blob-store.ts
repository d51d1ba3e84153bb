// Content-addressed image blobs: an image's id is the lowercase hex sha256 of its bytes, so the same pixels
// are stored once, a snapshot can refer to them by id, and a file's blobs can be checked on open. Its
// type and size come from the bytes' own header (magic bytes), never from a name or the caller.
import { readImageHeader } from '../kernels/image-header';
import type { ImageRef } from './types';

export const BLOB_ERRORS = {
	missing: 'An image of this document is missing from storage.'
} as const;

export class MissingBlobError extends Error {
	constructor(readonly id: string) {
		super(BLOB_ERRORS.missing);
		this.name = 'MissingBlobError';
	}
}

export const IMAGE_MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

/** Lowercase hex sha256 of the bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
	let out = '';
	for (const byte of new Uint8Array(digest)) out += byte.toString(16).padStart(2, '0');
	return out;
}

export async function bytesOf(data: Uint8Array | Blob): Promise<Uint8Array> {
	return data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());
}

/**
 * The reference for a PNG, JPEG or WebP file's bytes: sha256 id, type from the magic bytes, and the size
 * as displayed (EXIF orientation applied). Throws ImageInputError for anything else.
 */
export async function imageRefFor(bytes: Uint8Array): Promise<ImageRef> {
	const header = readImageHeader(bytes);
	return {
		id: await sha256Hex(bytes),
		width: header.orientedWidth,
		height: header.orientedHeight,
		mime: IMAGE_MIME[header.format]
	};
}

/** Reads blobs by id (what saving a project or flattening a document needs). */
export interface BlobSource {
	get(id: string): Promise<Blob>;
}

export interface BlobStore extends BlobSource {
	/** Stores an image file's bytes and returns its reference (the same bytes give the same reference). */
	put(data: Uint8Array | Blob): Promise<ImageRef>;
	has(id: string): boolean;
	delete(id: string): void;
	ids(): string[];
}

/** Blobs held in memory for the open document (in a browser, Blobs from IndexedDB stay on disk). */
export class MemoryBlobStore implements BlobStore {
	readonly #blobs = new Map<string, Blob>();

	async put(data: Uint8Array | Blob): Promise<ImageRef> {
		const bytes = await bytesOf(data);
		const ref = await imageRefFor(bytes);
		if (!this.#blobs.has(ref.id)) {
			this.#blobs.set(ref.id, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: ref.mime }));
		}
		return ref;
	}

	/** Adds a blob already known to have this id (read from a checked project file or from storage). */
	adopt(id: string, blob: Blob): void {
		this.#blobs.set(id, blob);
	}

	async get(id: string): Promise<Blob> {
		const blob = this.#blobs.get(id);
		if (!blob) throw new MissingBlobError(id);
		return blob;
	}

	has(id: string): boolean {
		return this.#blobs.has(id);
	}

	delete(id: string): void {
		this.#blobs.delete(id);
	}

	ids(): string[] {
		return [...this.#blobs.keys()];
	}
}
