import { api } from '$lib/server/gallery/http';
import { gallery } from '$lib/server/gallery/service';
import type { RequestHandler } from './$types';

/** The uploaded bytes exactly as they came (credentials intact), always as a download. */
export const GET: RequestHandler = api(async ({ params, locals }) => {
	const original = await (await gallery()).repository.getOriginal(params.id, locals.user);
	return new Response(original.bytes as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': original.mimeType,
			'content-length': String(original.bytes.length),
			'content-disposition': `attachment; filename="${original.filename}"`,
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, no-cache'
		}
	});
});
