// The fast path for the public listing: server.js answers `GET /api/images` from the listing cache before
// handing the request to SvelteKit, whose per-request work costs more than the cached page itself. It only
// ever serves a page the SvelteKit route has already put in the cache (the same cache, cleared by the same
// writes), to anonymous requests with nothing but the public paging and filter parameters; everything
// else, misses and bad input included, goes to SvelteKit unchanged.
import type { IncomingHttpHeaders } from 'node:http';
import { SECURITY_HEADERS, API_CSP } from '../security-headers';
import { imageQueryFrom, LISTING_HEADERS } from './http';
import type { GalleryRepository } from './repository';

/** Where server.js finds the fast path (the SvelteKit bundle and server.js share no module). */
export const PUBLIC_LISTING_HOOK = Symbol.for('rakkan.publicListing');

/** The parameters of a public listing page; any other one (`mine`, or unknown) goes to SvelteKit. */
const PUBLIC_PARAMS = new Set(['cursor', 'limit', 'style', 'model', 'rights', 'creator']);

/** The response headers, equal to what the route sends through the SvelteKit hook. */
const HEADERS: Readonly<Record<string, string>> = {
	...LISTING_HEADERS,
	...SECURITY_HEADERS,
	'content-security-policy': API_CSP
};

export interface CachedAnswer {
	headers: Readonly<Record<string, string>>;
	body: string;
}

export type PublicListingHook = (
	method: string | undefined,
	url: string | undefined,
	headers: IncomingHttpHeaders
) => CachedAnswer | undefined;

/** The cached public page this request asks for, or undefined when SvelteKit must answer it. */
export function cachedPublicListing(
	repository: GalleryRepository,
	method: string | undefined,
	url: string | undefined,
	headers: IncomingHttpHeaders
): CachedAnswer | undefined {
	// Anything that could make the answer depend on who asks (a session cookie, an API token, even one
	// that is not valid and must be refused) is SvelteKit's.
	if (method !== 'GET' || !url || headers.cookie !== undefined || headers.authorization !== undefined) {
		return undefined;
	}
	let parsed: URL;
	try {
		parsed = new URL(url, 'http://localhost');
	} catch {
		return undefined;
	}
	if (parsed.pathname !== '/api/images') return undefined;
	for (const name of parsed.searchParams.keys()) if (!PUBLIC_PARAMS.has(name)) return undefined;
	const body = repository.cachedPublicListing(imageQueryFrom(parsed.searchParams));
	return body === undefined ? undefined : { headers: HEADERS, body };
}

/** Offers the fast path to server.js for this process's gallery. */
export function registerPublicListing(repository: GalleryRepository): void {
	const hook: PublicListingHook = (method, url, headers) =>
		cachedPublicListing(repository, method, url, headers);
	(globalThis as Record<symbol, unknown>)[PUBLIC_LISTING_HOOK] = hook;
}
