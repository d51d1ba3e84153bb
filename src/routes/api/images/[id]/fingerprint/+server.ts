import { json } from '@sveltejs/kit';
import { api } from '$lib/server/gallery/http';
import { claimAgrees } from '$lib/server/gallery/fingerprints';
import { GalleryError } from '$lib/server/gallery/repository';
import { fingerprintIndex } from '$lib/server/gallery/soft-binding';
import type { ImageFingerprint } from '$lib/soft-binding-api';
import type { RequestHandler } from './$types';

/** The fingerprint the server computed from the image's pixels, and whether its credentials agree. */
export const GET: RequestHandler = api(async ({ params, locals }) => {
	const { galleryOf, index } = await fingerprintIndex();
	await galleryOf.repository.getImage(params.id, locals.user); // 404 unless the viewer may see it
	const row = await index.fingerprintOf(params.id);
	if (!row) throw new GalleryError(404, 'This image was stored before fingerprints were computed.');
	const answer: ImageFingerprint = {
		alg: row.alg,
		code: row.code,
		claimedCode: row.claimedCode,
		claimedDistance: row.claimedDistance,
		claimAgrees: claimAgrees(row)
	};
	return json(answer);
});
