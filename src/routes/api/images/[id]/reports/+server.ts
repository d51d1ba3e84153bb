import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/gallery/http';
import { gallery } from '$lib/server/gallery/service';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = api(async ({ params, locals, request }) => {
	const { reason } = await readJson(request);
	return json(await (await gallery()).repository.addReport(params.id, locals.user, reason), { status: 201 });
});

export const GET: RequestHandler = api(async ({ params, locals }) =>
	json({ reports: await (await gallery()).repository.listReports(params.id, locals.user) })
);
