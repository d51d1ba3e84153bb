import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** Any other address under /api: a JSON 404 like every other API error, not the HTML error page. */
export const fallback: RequestHandler = () => json({ message: 'No such API endpoint.' }, { status: 404 });
