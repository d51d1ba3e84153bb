import { error } from '@sveltejs/kit';
import { api, ApiError, type GalleryImage, type ImageReport } from '$lib/gallery/api';
import type { ImageFingerprint } from '$lib/soft-binding-api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, params, locals }) => {
	const path = `/api/images/${encodeURIComponent(params.id)}`;
	let image: GalleryImage;
	try {
		image = await api<GalleryImage>(path, {}, fetch);
	} catch (failure) {
		if (failure instanceof ApiError && failure.status === 404) {
			error(404, 'There is no such image, or it is not shared with you.');
		}
		if (failure instanceof ApiError && failure.status >= 400 && failure.status < 500) {
			error(failure.status, failure.message);
		}
		throw failure;
	}
	const isOwner = locals.user?.username === image.owner.username;
	const canModerate = isOwner || locals.user?.isAdmin === true;
	const reports = canModerate
		? (await api<{ reports: ImageReport[] }>(`${path}/reports`, {}, fetch)).reports
		: null;
	// Images stored before fingerprints were computed have none (404).
	const fingerprint = await api<ImageFingerprint>(`${path}/fingerprint`, {}, fetch).catch(
		(failure: unknown) => {
			if (failure instanceof ApiError && failure.status === 404) return null;
			throw failure;
		}
	);
	return { image, reports, isOwner, canModerate, fingerprint };
};
