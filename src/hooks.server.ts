import { json, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$lib/server/gallery/http';
import { gallery } from '$lib/server/gallery/service';
import { registerPublicListing } from '$lib/server/gallery/public-listing';
import { applySecurityHeaders } from '$lib/server/security-headers';

/** Opens the gallery when the server starts: migrations run, the cleanup pass starts. */
export const init: ServerInit = async () => {
	const { repository } = await gallery();
	// server.js answers cached public listing pages before SvelteKit does.
	registerPublicListing(repository);
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.authenticatedBy = null;
	const bearer = /^Bearer\s+(\S+)$/i.exec(event.request.headers.get('authorization') ?? '')?.[1];
	const cookie = event.cookies.get(SESSION_COOKIE);
	if (bearer || cookie) {
		const { repository } = await gallery();
		if (bearer) {
			event.locals.user = await repository.userByToken(bearer);
			if (!event.locals.user) return json({ message: 'The API token is not valid.' }, { status: 401 });
			event.locals.authenticatedBy = 'token';
		} else if (cookie) {
			event.locals.user = await repository.userBySession(cookie);
			if (event.locals.user) event.locals.authenticatedBy = 'cookie';
		}
	}
	// Cross-site request forgery: a state-changing request that carries the session cookie must come from
	// a page of this origin, and no browser page of another origin may post here at all (which also stops
	// signing someone in to another account). API-token requests (the CLI) carry no cookie and are exempt.
	if (!SAFE_METHODS.has(event.request.method) && !bearer) {
		const origin = event.request.headers.get('origin');
		if ((cookie || origin !== null) && origin !== event.url.origin) {
			return json(
				{ message: 'Cross-site request refused: this action must come from a page of this site.' },
				{ status: 403 }
			);
		}
	}

	const response = await resolve(event);
	applySecurityHeaders(response.headers);
	return response;
};

/** The one place unexpected errors are logged; users see a generic message, never the raw error. */
export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404) console.error(`[${event.request.method} ${event.url.pathname}]`, error);
	return { message: status === 404 ? 'Not found' : 'Something went wrong on the server.' };
};
