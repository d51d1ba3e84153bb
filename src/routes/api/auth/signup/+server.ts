import { json } from '@sveltejs/kit';
import { api, readJson, setSessionCookie } from '$lib/server/gallery/http';
import { gallery } from '$lib/server/gallery/service';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = api(async (event) => {
	const { repository } = await gallery();
	const { username, password } = await readJson(event.request);
	const user = await repository.createUser(username, password, { client: event.getClientAddress() });
	const session = await repository.createSession(user.id);
	setSessionCookie(event, session.token, session.expiresAt);
	return json({ user: { id: user.id, username: user.username } }, { status: 201 });
});
