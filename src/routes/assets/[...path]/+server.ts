import { serveAsset } from '$lib/server/assets-route';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params }) => serveAsset(params.path);
