import { api } from '$lib/server/gallery/http';
import { fingerprintIndex } from '$lib/server/gallery/soft-binding';
import type { RequestHandler } from './$types';

/** The manifest store (JUMBF) of a matchable image, as stored in its original file. */
export const GET: RequestHandler = api(async ({ params, locals }) => {
	const { index } = await fingerprintIndex();
	const store = await index.manifestStore(params.manifestId, locals.user);
	return new Response(store as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': 'application/c2pa',
			'content-length': String(store.length),
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, no-cache'
		}
	});
});
