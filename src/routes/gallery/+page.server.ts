import { error } from '@sveltejs/kit';
import { api, ApiError, type ImagePage } from '$lib/gallery/api';
import { filterQuery, readFilters } from '$lib/gallery/filters';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, url }) => {
	const filters = readFilters(url.searchParams);
	const limit = url.searchParams.get('limit');
	const query = filterQuery(filters, { cursor: url.searchParams.get('cursor'), limit });
	try {
		const page = await api<ImagePage>(`/api/images${query ? `?${query}` : ''}`, {}, fetch);
		return { ...page, filters, limit, paged: url.searchParams.has('cursor') };
	} catch (failure) {
		// A refused filter or a stale cursor: the server's words, with its status.
		if (failure instanceof ApiError && failure.status >= 400 && failure.status < 500) {
			error(failure.status, failure.message);
		}
		throw failure;
	}
};
