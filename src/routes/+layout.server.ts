import type { LayoutServerLoad } from './$types';

// Who is signed in, for the header and every page below (the hook resolved the cookie or token).
export const load: LayoutServerLoad = ({ locals }) => ({ user: locals.user });
