// The gallery's JSON API as the pages see it (the contract in the README's gallery section): the shapes
// the server returns and one fetch helper that turns its `{ message }` refusals into errors a page can
// show. Runs in the browser and in server loads (with SvelteKit's `event.fetch`).

export const VISIBILITIES = ['public', 'unlisted', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const VISIBILITY_WORDS: Record<Visibility, string> = {
	public: 'Public: listed in the gallery',
	unlisted: 'Unlisted: anyone with the link',
	private: 'Private: only me'
};

export type CredentialsState = 'trusted' | 'untrusted' | 'tampered' | 'invalid' | 'none';

export interface SessionUser {
	id: string;
	username: string;
	isAdmin: boolean;
}

export interface GalleryImage {
	id: string;
	title: string;
	description: string;
	visibility: Visibility;
	hidden: boolean;
	createdAt: string;
	owner: { username: string };
	mimeType: 'image/png' | 'image/jpeg' | 'image/webp';
	byteSize: number;
	width: number;
	height: number;
	originalUrl: string;
	thumbnailUrl: string;
	credentials: {
		state: CredentialsState;
		summary: string;
		signer: string | null;
		claimGenerator: string | null;
		signedAt: string | null;
		ingredients: {
			title: string;
			relationship: string;
			attribution: string | null;
			license: string | null;
		}[];
		models: { id: string; name: string; license: string; commercialUse: boolean }[];
		styles: {
			id: string | null;
			title: string;
			artist: string | null;
			year: string | null;
			license: string | null;
		}[];
		recipe: Record<string, unknown> | null;
	};
	rights: { verdict: string | null; label: string | null; nonCommercial: boolean; confirmedByOwner: boolean };
	attribution: string;
	labels: string[];
	parentId: string | null;
}

export interface GalleryPage {
	items: GalleryImage[];
	nextCursor: string | null;
}

export interface ApiToken {
	id: string;
	name: string;
	createdAt: string;
	lastUsedAt: string | null;
}

export interface ImageReport {
	id: string;
	reason: string;
	createdAt: string;
	reporter: string | { username: string };
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

/** Who filed a report, whichever way the server spells it. */
export function reporterName(report: ImageReport): string {
	return typeof report.reporter === 'string' ? report.reporter : report.reporter.username;
}

/** A path inside this site to return to after signing in; anything else (another origin) goes home. */
export function safeNext(next: string | null): string {
	return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
		? next
		: '/gallery';
}
