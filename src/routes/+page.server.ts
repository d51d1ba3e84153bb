import { api, type ImagePage } from '$lib/gallery/api';
import type { PageServerLoad } from './$types';

/** How many of the gallery's newest pictures the home page shows. */
const FROM_GALLERY = 3;

// The gallery's newest pictures through its public listing, which holds only public images nobody hid
// (never private or unlisted ones, whoever is signed in). The home page is whole without them, so a
// gallery that cannot answer just leaves them out.
export const load: PageServerLoad = async ({ fetch }) => {
	try {
		const page = await api<ImagePage>(`/api/images?limit=${FROM_GALLERY}`, {}, fetch);
		return { fromGallery: page.items };
	} catch {
		return { fromGallery: [] };
	}
};
