import { api, clearSessionCookie, SESSION_COOKIE } from '$lib/server/gallery/http';
import { gallery } from '$lib/server/gallery/service';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = api(async ({ cookies, url }) => {
	const token = cookies.get(SESSION_COOKIE);
	if (token) await (await gallery()).repository.deleteSession(token);
	clearSessionCookie(cookies, url.protocol === 'https:');
	return new Response(null, { status: 204 });
});
