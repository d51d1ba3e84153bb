// The Verify view's state: the file a person dropped, its Content Credentials (verifyImage), its XMP
// fields, the thumbnails its manifests carry, and the root certificates the person chose to trust.
// Components read these fields and call these methods; the class owns the bytes and the object URLs.
// Everything runs in the browser: the file leaves it only when the person asks to find its original
// (OriginalLookup).
import { createContext } from 'svelte';
import {
	checkImageBytes,
	ingredientKey,
	mapValues,
	MAX_TRUST_BYTES,
	MAX_VERIFY_BYTES,
	megabytes,
	readThumbnails,
	readTrustFile,
	type RawThumbnail,
	type TrustAnchor
} from '../provenance/c2pa/inspect';
import { DEFAULT_PIXEL_LIMIT } from '../kernels/image-header';
import type { ImageContainer } from '../provenance/c2pa/container';
import { MIME_TYPES, readXmp } from '../provenance/c2pa/container';
import { describe } from '../provenance/c2pa/errors';
import { verifyImage, type VerifyResult } from '../provenance/c2pa/verify';
import { parseXmp, type XmpFields } from '../provenance/xmp/xmp';

export type { TrustAnchor };

export type VerifyStatus = 'idle' | 'reading' | 'done';

export interface OpenedFile {
	name: string;
	size: number;
	container: ImageContainer;
	width?: number;
	height?: number;
}

export interface Thumbnail {
	/** An object URL of the thumbnail bytes. */
	url: string;
	type: string;
}

interface Thumbnails {
	claims: ReadonlyMap<string, Thumbnail>;
	ingredients: ReadonlyMap<string, Thumbnail>;
}

const NO_THUMBNAILS: Thumbnails = { claims: new Map(), ingredients: new Map() };

function readXmpFields(bytes: Uint8Array): XmpFields | null {
	try {
		const packet = readXmp(bytes);
		return packet ? parseXmp(packet) : null;
	} catch {
		return null;
	}
}

export class VerifyState {
	status = $state<VerifyStatus>('idle');
	file = $state<OpenedFile | null>(null);
	result = $state<VerifyResult | null>(null);
	/** The XMP fields of the file (anyone can write them: they are claims, not credentials). */
	xmp = $state<XmpFields | null>(null);
	/** An object URL of the file itself, when the browser can show it. */
	preview = $state<string | null>(null);
	/** A problem with the file the person gave; the page keeps working. */
	alert = $state<string | null>(null);
	/** A problem with a trust anchor file. */
	trustAlert = $state<string | null>(null);
	/** Root certificates the person chose to trust, in this page only. */
	anchors = $state<TrustAnchor[]>([]);
	#thumbnails = $state.raw<Thumbnails>(NO_THUMBNAILS);

	#bytes: Uint8Array | null = null;
	#generation = 0;
	#urls: string[] = [];

	/** Reads and verifies a file the person picked or dropped; the newest file wins. */
	async open(file: File): Promise<void> {
		const generation = ++this.#generation;
		this.#reset();
		this.alert = null;
		if (file.size > MAX_VERIFY_BYTES) {
			this.alert = `“${file.name}” is ${megabytes(file.size)}; the verifier reads files up to ${megabytes(MAX_VERIFY_BYTES)}.`;
			return;
		}
		this.status = 'reading';
		let bytes: Uint8Array;
		try {
			bytes = new Uint8Array(await file.arrayBuffer());
		} catch (error) {
			if (generation !== this.#generation) return;
			this.status = 'idle';
			this.alert = `“${file.name}” cannot be read: ${describe(error)}`;
			return;
		}
		if (generation !== this.#generation) return;
		const check = checkImageBytes(file.name, bytes);
		if (!check.ok) {
			this.status = 'idle';
			this.alert = check.message;
			return;
		}
		this.#bytes = bytes;
		this.file = {
			name: file.name,
			size: bytes.length,
			container: check.container,
			width: check.width,
			height: check.height
		};
		if (check.damage) this.alert = check.damage;
		const pixels = (check.width ?? 0) * (check.height ?? 0);
		if (!check.damage && pixels > 0 && pixels <= DEFAULT_PIXEL_LIMIT) {
			this.preview = this.#objectUrl({
				bytes,
				type: check.container === 'png' ? 'image/png' : 'image/jpeg'
			}).url;
		}
		this.xmp = readXmpFields(bytes);
		const index = readThumbnails(bytes);
		this.#thumbnails = {
			claims: mapValues(index.claims, (t) => this.#objectUrl(t)),
			ingredients: mapValues(index.ingredients, (t) => this.#objectUrl(t))
		};
		await this.#verify(generation);
	}

	/** Adds a root certificate to trust and verifies the current file again. */
	async addTrustFile(file: File): Promise<void> {
		this.trustAlert = null;
		let added: TrustAnchor[];
		try {
			if (file.size > MAX_TRUST_BYTES) {
				throw new Error(`“${file.name}” is ${megabytes(file.size)}; a root certificate is a few kilobytes.`);
			}
			added = readTrustFile(file.name, new Uint8Array(await file.arrayBuffer()));
		} catch (error) {
			this.trustAlert = describe(error);
			return;
		}
		const fresh = added.filter((a) => !this.anchors.some((b) => b.pem === a.pem));
		this.anchors = [...this.anchors, ...fresh];
		await this.reverify();
	}

	async removeTrustAnchor(pem: string): Promise<void> {
		this.anchors = this.anchors.filter((a) => a.pem !== pem);
		await this.reverify();
	}

	/** The current file's bytes and type, for a lookup of its original the person asks for. */
	currentImage(): { bytes: Uint8Array; type: string } | null {
		if (!this.#bytes || !this.file) return null;
		return { bytes: this.#bytes, type: MIME_TYPES[this.file.container] };
	}

	/** Verifies the current file again (after the trust anchors changed). */
	async reverify(): Promise<void> {
		if (!this.#bytes) return;
		await this.#verify(++this.#generation);
	}

	thumbnailOfClaim(manifest: string | undefined): Thumbnail | undefined {
		return manifest === undefined ? undefined : this.#thumbnails.claims.get(manifest);
	}

	thumbnailOfIngredient(manifest: string, label: string): Thumbnail | undefined {
		return this.#thumbnails.ingredients.get(ingredientKey(manifest, label));
	}

	/** The browser could not show the file (a damaged or unusual encoding): drop the preview. */
	previewFailed(): void {
		this.preview = null;
	}

	dispose(): void {
		this.#generation++;
		this.#reset();
	}

	async #verify(generation: number): Promise<void> {
		const bytes = this.#bytes;
		if (!bytes) return;
		this.status = 'reading';
		const result = await verifyImage(bytes, { trustAnchors: this.anchors.map((a) => a.pem) });
		if (generation !== this.#generation) return;
		this.result = result;
		this.status = 'done';
	}

	#reset(): void {
		for (const url of this.#urls) URL.revokeObjectURL(url);
		this.#urls = [];
		this.#bytes = null;
		this.file = null;
		this.result = null;
		this.xmp = null;
		this.preview = null;
		this.#thumbnails = NO_THUMBNAILS;
		this.status = 'idle';
	}

	#objectUrl(raw: RawThumbnail): Thumbnail {
		const url = URL.createObjectURL(new Blob([raw.bytes as Uint8Array<ArrayBuffer>], { type: raw.type }));
		this.#urls.push(url);
		return { url, type: raw.type };
	}
}

export const [getVerify, setVerify] = createContext<VerifyState>();
