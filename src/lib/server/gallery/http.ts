// HTTP glue for the gallery routes: JSON errors, bounded body reading, the session cookie.
import { json, type Cookies, type RequestEvent } from '@sveltejs/kit';
import { VISIBILITIES, type Visibility } from '../../gallery-api';
import { GalleryError } from './errors';
import type { ImageQuery } from './repository';

export const SESSION_COOKIE = 'rakkan_session';

/** Answers expected failures as `{message}` with their status; anything else goes to handleError. */
export function api<E extends RequestEvent>(
	handler: (event: E) => Promise<Response>
): (event: E) => Promise<Response> {
	return async (event) => {
		try {
			return await handler(event);
		} catch (error) {
			if (error instanceof GalleryError) {
				const headers: Record<string, string> = {};
				if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
				return json({ message: error.message }, { status: error.status, headers });
			}
			throw error;
		}
	};
}

/** Reads at most `max` bytes of the body; 413 beyond that, before the rest is read. */
export async function readBody(request: Request, max: number, tooLarge: () => string): Promise<Uint8Array> {
	const declared = Number(request.headers.get('content-length') ?? NaN);
	if (declared > max) throw new GalleryError(413, tooLarge());
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.length;
		if (total > max) {
			await reader.cancel();
			throw new GalleryError(413, tooLarge());
		}
		chunks.push(value);
	}
	const out = new Uint8Array(total);
	let at = 0;
	for (const chunk of chunks) {
		out.set(chunk, at);
		at += chunk.length;
	}
	return out;
}

/**
 * Reads the body to its end without keeping it (at most `max` bytes; past that it is cancelled), so that
 * a refusal sent before the body was read reaches the client instead of a reset connection.
 */
export async function discardBody(request: Request, max: number): Promise<void> {
	if (!request.body || Number(request.headers.get('content-length') ?? NaN) > max) return;
	const reader = request.body.getReader();
	let total = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			total += value.length;
			if (total > max) {
				await reader.cancel();
				return;
			}
		}
	} catch {
		// The client went away: nothing to answer.
	}
}

const MAX_JSON = 64 * 1024;

/** The JSON object body of a request; 400 when it is not one. */
export async function readJson(request: Request): Promise<Record<string, unknown>> {
	const bytes = await readBody(request, MAX_JSON, () => 'The request body is too large.');
	let value: unknown;
	try {
		value = JSON.parse(new TextDecoder().decode(bytes));
	} catch {
		throw new GalleryError(400, 'The request body must be JSON.');
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new GalleryError(400, 'The request body must be a JSON object.');
	}
	return value as Record<string, unknown>;
}

export function setSessionCookie(event: RequestEvent, token: string, expires: Date): void {
	event.cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		expires
	});
}

export function clearSessionCookie(cookies: Cookies, secure: boolean): void {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

export function requireUser(event: RequestEvent): App.Locals['user'] & object {
	const user = event.locals.user;
	if (!user)
		throw new GalleryError(401, 'Sign in first (or send an API token as "Authorization: Bearer ...").');
	return user;
}

export function parseVisibility(value: unknown, fallback: Visibility): Visibility {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'string' && (VISIBILITIES as readonly string[]).includes(value))
		return value as Visibility;
	throw new GalleryError(422, 'visibility must be public, unlisted or private.');
}

/** `true`/`false` as JSON booleans or as the strings a form sends. */
export function parseBoolean(value: unknown, name: string): boolean | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (value === true || value === 'true') return true;
	if (value === false || value === 'false') return false;
	throw new GalleryError(422, `${name} must be true or false.`);
}

export function optionalText(value: unknown, name: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw new GalleryError(422, `${name} must be text.`);
	return value;
}

/** The headers of a listing page (the same for the SvelteKit route and the fast path in server.js). */
export const LISTING_HEADERS: Readonly<Record<string, string>> = {
	'content-type': 'application/json',
	'cache-control': 'private, no-cache'
};

/** A listing query from the URL's parameters (`cursor`, `limit`, `style`, `model`, `rights`, `creator`, `mine`). */
export function imageQueryFrom(params: URLSearchParams): ImageQuery {
	const limit = params.get('limit');
	return {
		cursor: params.get('cursor'),
		limit: limit === null ? undefined : Number(limit),
		style: params.get('style') || undefined,
		model: params.get('model') || undefined,
		rights: params.get('rights') || undefined,
		creator: params.get('creator') || undefined,
		mine: params.get('mine') === '1' || params.get('mine') === 'true'
	};
}
