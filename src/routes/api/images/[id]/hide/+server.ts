import { json } from '@sveltejs/kit';
import { api, parseBoolean, readJson } from '$lib/server/gallery/http';
import { GalleryError } from '$lib/server/gallery/repository';
import { gallery } from '$lib/server/gallery/service';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = api(async ({ params, locals, request }) => {
	const hidden = parseBoolean((await readJson(request)).hidden, 'hidden');
	if (hidden === undefined) throw new GalleryError(422, 'Say whether to hide the image: {"hidden": true}.');
	return json(await (await gallery()).repository.setHidden(params.id, locals.user, hidden));
});
