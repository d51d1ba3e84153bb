import { json } from '@sveltejs/kit';
import { api, readJson, requireUser } from '$lib/server/gallery/http';
import { gallery } from '$lib/server/gallery/service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async (event) => {
	const user = requireUser(event);
	return json({ tokens: await (await gallery()).repository.listTokens(user.id) });
});

export const POST: RequestHandler = api(async (event) => {
	const user = requireUser(event);
	const { name } = await readJson(event.request);
	return json(await (await gallery()).repository.createToken(user.id, name), { status: 201 });
});
