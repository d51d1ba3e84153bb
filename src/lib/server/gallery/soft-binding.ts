// The soft-binding resolution API's server side: the fingerprint index of this process's gallery, the
// request parameters, and byContent (an image as the body, checked like an upload, rate limited per
// client because every request decodes a picture).
import type { RequestEvent } from '@sveltejs/kit';
import { ISCC_ALG } from '../../kernels/iscc';
import { DEFAULT_MATCH_RESULTS, MAX_MATCH_RESULTS, type SoftBindingMatches } from '../../soft-binding-api';
import { FingerprintIndex, queryDigest } from './fingerprints';
import { readBody } from './http';
import { GalleryError } from './repository';
import { positive } from './config';
import { gallery, type Gallery } from './service';
import { sniffUpload, tooManyBytesMessage, UploadError } from './uploads';

const indexes = new WeakMap<Gallery, FingerprintIndex>();

export async function fingerprintIndex(): Promise<{ galleryOf: Gallery; index: FingerprintIndex }> {
	const galleryOf = await gallery();
	let index = indexes.get(galleryOf);
	if (!index) {
		index = new FingerprintIndex(galleryOf.database.db, galleryOf.repository.store);
		indexes.set(galleryOf, index);
	}
	return { galleryOf, index };
}

/** `maxResults`: 1..MAX_MATCH_RESULTS, DEFAULT_MATCH_RESULTS when absent. */
export function maxResultsOf(value: unknown): number {
	if (value === undefined || value === null || value === '') return DEFAULT_MATCH_RESULTS;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1 || n > MAX_MATCH_RESULTS) {
		throw new GalleryError(400, `maxResults must be a whole number from 1 to ${MAX_MATCH_RESULTS}.`);
	}
	return n;
}

/** Only io.iscc.v0 is served; a missing alg means it. */
export function checkAlg(alg: unknown): void {
	if (alg === undefined || alg === null || alg === '' || alg === ISCC_ALG) return;
	throw new GalleryError(
		400,
		`This service resolves only the ${ISCC_ALG} soft binding, not "${String(alg)}".`
	);
}

export async function matchesByBinding(
	event: RequestEvent,
	value: unknown,
	maxResults: unknown
): Promise<SoftBindingMatches> {
	if (typeof value !== 'string' || !value)
		throw new GalleryError(400, 'value (the ISCC image code) is missing.');
	const digest = queryDigest(value);
	const { index } = await fingerprintIndex();
	return {
		matches: await index.apiMatches(digest, event.locals.user, maxResultsOf(maxResults), event.url.origin)
	};
}

/** byContent requests per client address per minute. */
const LOOKUPS_PER_MINUTE = () => positive('RAKKAN_LOOKUPS_PER_MINUTE', 30);
const CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

export async function matchesByContent(event: RequestEvent): Promise<SoftBindingMatches> {
	const { galleryOf, index } = await fingerprintIndex();
	const { repository } = galleryOf;
	// The body is read (within the byte limit) before any refusal, so the answer is not cut off by a
	// connection closed under a client still sending.
	const limits = repository.limits;
	const bytes = await readBody(event.request, limits.maxBytes, () =>
		tooManyBytesMessage(Number(event.request.headers.get('content-length') ?? 0), limits)
	);
	checkAlg(event.url.searchParams.get('alg'));
	const maxResults = maxResultsOf(event.url.searchParams.get('maxResults'));
	const type = (event.request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	if (!CONTENT_TYPES.includes(type)) {
		throw new GalleryError(
			415,
			'Send the image bytes as the body with Content-Type image/png, image/jpeg or image/webp.'
		);
	}
	const client = event.getClientAddress();
	if (!(await repository.withinLimit(`soft-binding:client:${client}`, LOOKUPS_PER_MINUTE(), 60_000))) {
		throw new GalleryError(429, 'Too many lookups from this address; try again in a minute.');
	}
	if (bytes.length === 0) throw new GalleryError(422, 'The body is empty: send the image bytes.');
	try {
		sniffUpload(bytes, limits);
	} catch (error) {
		if (!(error instanceof UploadError)) throw error;
		// A body we cannot read as an image is unprocessable content here, not a malformed request.
		throw new GalleryError(error.status === 400 ? 422 : error.status, error.message);
	}
	let code: string;
	try {
		// Decoding and hashing a large picture takes seconds: on an upload worker, never on this thread.
		code = await galleryOf.fingerprintImage(bytes, limits);
	} catch (error) {
		if (error instanceof GalleryError && error.status !== 400) throw error;
		throw new GalleryError(422, 'The image data is truncated or corrupt: it cannot be decoded.');
	}
	return {
		matches: await index.apiMatches(queryDigest(code), event.locals.user, maxResults, event.url.origin)
	};
}
