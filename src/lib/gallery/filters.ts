// The gallery's filters as they travel in the page's address and on to GET /api/images: style reference,
// model, rights verdict and creator, plus where a page starts (cursor) and how many it shows (limit).
// Pure: no DOM, no Svelte.

export const FILTER_KEYS = ['style', 'model', 'rights', 'creator'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type GalleryFilters = Partial<Record<FilterKey, string>>;

/** The filters set in `params` (blank ones dropped, surrounding spaces trimmed). */
export function readFilters(params: URLSearchParams): GalleryFilters {
	const filters: GalleryFilters = {};
	for (const key of FILTER_KEYS) {
		const value = params.get(key)?.trim();
		if (value) filters[key] = value;
	}
	return filters;
}

export interface PageSpec {
	cursor?: string | null;
	limit?: string | null;
}

/** A query string (without "?") for these filters and this page (the server checks the values). */
export function filterQuery(filters: GalleryFilters, page: PageSpec = {}): string {
	const params = new URLSearchParams();
	for (const key of FILTER_KEYS) {
		const value = filters[key];
		if (value) params.set(key, value);
	}
	if (page.limit) params.set('limit', page.limit);
	if (page.cursor) params.set('cursor', page.cursor);
	return params.toString();
}
