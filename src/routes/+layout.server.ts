import type { SessionUser } from '$lib/gallery/api';
import type { LayoutServerLoad } from './$types';

// Who is signed in, for the header and every page below (the hook resolved the cookie or token).
export const load: LayoutServerLoad = ({ locals }) => {
	const user: SessionUser | null = locals.user
		? { id: locals.user.id, username: locals.user.username, isAdmin: locals.user.isAdmin }
		: null;
	return { user };
};
