import { api, requireUser } from '$lib/server/gallery/http';
import { gallery } from '$lib/server/gallery/service';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = api(async (event) => {
	const user = requireUser(event);
	await (await gallery()).repository.revokeToken(user.id, event.params.id);
	return new Response(null, { status: 204 });
});
