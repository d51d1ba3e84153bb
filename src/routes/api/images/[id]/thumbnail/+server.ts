import { api } from '$lib/server/gallery/http';
import { gallery } from '$lib/server/gallery/service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = api(async ({ params, locals }) => {
	const bytes = await (await gallery()).repository.getThumbnail(params.id, locals.user);
	return new Response(bytes as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': 'image/webp',
			'content-length': String(bytes.length),
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, no-cache'
		}
	});
});
