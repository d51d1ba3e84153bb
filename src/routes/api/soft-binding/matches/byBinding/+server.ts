import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/gallery/http';
import { checkAlg, matchesByBinding } from '$lib/server/gallery/soft-binding';
import type { RequestHandler } from './$types';

/** `?alg=io.iscc.v0&value=ISCC:EE...&maxResults=N`: the manifests of images with that fingerprint. */
export const GET: RequestHandler = api(async (event) => {
	const q = event.url.searchParams;
	checkAlg(q.get('alg'));
	return json(await matchesByBinding(event, q.get('value'), q.get('maxResults')));
});

/** The same with a JSON body `{alg, value}` (maxResults in the query or the body). */
export const POST: RequestHandler = api(async (event) => {
	const body = await readJson(event.request);
	checkAlg(body.alg);
	return json(
		await matchesByBinding(event, body.value, body.maxResults ?? event.url.searchParams.get('maxResults'))
	);
});
