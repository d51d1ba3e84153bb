import { json } from '@sveltejs/kit';
import { ISCC_ALG } from '$lib/kernels/iscc';
import type { RequestHandler } from './$types';

/** The soft bindings this gallery resolves: the ISCC image code, a fingerprint; no watermarks. */
export const GET: RequestHandler = () => json({ watermarks: [], fingerprints: [{ alg: ISCC_ALG }] });
