import { json } from '@sveltejs/kit';
import { api, optionalText, parseBoolean, parseVisibility, readJson } from '$lib/server/gallery/http';
import { gallery } from '$lib/server/gallery/service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ params, locals }) =>
	json(await (await gallery()).repository.getImage(params.id, locals.user))
);

export const PATCH: RequestHandler = api(async ({ params, locals, request }) => {
	const body = await readJson(request);
	const image = await (
		await gallery()
	).repository.updateImage(params.id, locals.user, {
		title: optionalText(body.title, 'title'),
		description: optionalText(body.description, 'description'),
		visibility: body.visibility === undefined ? undefined : parseVisibility(body.visibility, 'public'),
		rightsConfirmed: parseBoolean(body.rightsConfirmed, 'rightsConfirmed')
	});
	return json(image);
});

export const DELETE: RequestHandler = api(async ({ params, locals }) => {
	await (await gallery()).repository.deleteImage(params.id, locals.user);
	return new Response(null, { status: 204 });
});
