import { json } from '@sveltejs/kit';
import { api } from '$lib/server/gallery/http';
import { matchesByContent } from '$lib/server/gallery/soft-binding';
import type { RequestHandler } from './$types';

/** The image bytes as the body: the manifests of images whose pixels look the same. */
export const POST: RequestHandler = api(async (event) => json(await matchesByContent(event)));
