// The gallery's JSON API as the pages see it: the shapes the server returns (src/lib/gallery-api.ts),
// words for visibilities, and one fetch helper that turns its `{ message }` refusals into errors a page can
// show. Runs in the browser and in server loads (with SvelteKit's `event.fetch`).

import type { Visibility } from '../gallery-api';

export { VISIBILITIES } from '../gallery-api';
export type {
	ApiToken,
	GalleryImage,
	GalleryUser,
	ImageCredentials,
	ImagePage,
	ImageSummary,
	Visibility
} from '../gallery-api';

export const VISIBILITY_WORDS: Record<Visibility, string> = {
	public: 'Public: listed in the gallery',
	unlisted: 'Unlisted: anyone with the link',
	private: 'Private: only me'
};

export interface ImageReport {
	id: string;
	reason: string;
	createdAt: string;
	/** When a moderator acted on it (hid the image); null while open. */
	closedAt: string | null;
	/** Shown to moderators only. */
	reporter: { username: string } | null;
}

/** A refusal from the API (its `message` is written for people) or a failure to reach it. */
export class ApiError extends Error {
	override name = 'ApiError';
	constructor(
		readonly status: number,
		message: string
	) {
		super(message);
	}
}

async function messageOf(response: Response): Promise<string> {
	try {
		const body = (await response.json()) as { message?: unknown };
		if (typeof body.message === 'string' && body.message) return body.message;
	} catch {
		// Not JSON (a proxy's page, say): the status says enough.
	}
	return `The server answered ${response.status} ${response.statusText}`.trim() + '.';
}

/**
 * Calls the API and returns its JSON (undefined for 204). A JSON body is sent as such; FormData as
 * multipart. Throws ApiError with the server's message, or status 0 when the server cannot be reached.
 */
export async function api<T>(
	path: string,
	init: { method?: string; json?: unknown; form?: FormData } = {},
	fetcher: typeof fetch = fetch
): Promise<T> {
	let response: Response;
	try {
		response = await fetcher(path, {
			method: init.method ?? (init.json !== undefined || init.form ? 'POST' : 'GET'),
			headers: init.json !== undefined ? { 'content-type': 'application/json' } : undefined,
			body: init.form ?? (init.json !== undefined ? JSON.stringify(init.json) : undefined)
		});
	} catch {
		throw new ApiError(0, 'The server cannot be reached; check your connection and try again.');
	}
	if (!response.ok) throw new ApiError(response.status, await messageOf(response));
	if (response.status === 204) return undefined as T;
	return (await response.json()) as T;
}

/** Words for a failed call: the server's own message, or what went wrong in this page. */
export function errorMessage(error: unknown): string {
	return error instanceof ApiError ? error.message : `Something went wrong: ${(error as Error).message}`;
}

/** A path inside this site to return to after signing in; anything else (another origin) goes home. */
export function safeNext(next: string | null): string {
	return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
		? next
		: '/gallery';
}
