import { redirect } from '@sveltejs/kit';
import { api, type ApiToken } from '$lib/gallery/api';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch, url }) => {
	if (!locals.user) redirect(303, `/signin?next=${encodeURIComponent(url.pathname)}`);
	const { tokens } = await api<{ tokens: ApiToken[] }>('/api/tokens', {}, fetch);
	return { tokens };
};
