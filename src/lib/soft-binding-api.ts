// The C2PA soft-binding resolution API as the gallery serves it under /api/soft-binding (the shapes of
// AdobeDocs/cai-soft-binding-api): shared by the server routes, /verify and `rakkan verify --lookup`.
import { z } from 'zod';

export const SOFT_BINDING_API = '/api/soft-binding';

export const softBindingMatchSchema = z.object({
	/** The active manifest's label (urn:c2pa:...): GET /manifests/{manifestId} gives its store. */
	manifestId: z.string(),
	/** 0-100: the share of the 64 fingerprint bits that agree. */
	similarityScore: z.number().min(0).max(100),
	/** The gallery image the manifest belongs to. */
	imageId: z.string(),
	/** The gallery page of the original. */
	endpoint: z.string()
});
export type SoftBindingMatch = z.infer<typeof softBindingMatchSchema>;

export const softBindingMatchesSchema = z.object({ matches: z.array(softBindingMatchSchema).max(100) });
export type SoftBindingMatches = z.infer<typeof softBindingMatchesSchema>;

/** The largest `maxResults` a caller may ask for, and the default. */
export const MAX_MATCH_RESULTS = 20;
export const DEFAULT_MATCH_RESULTS = 10;

/** GET /api/images/{id}/fingerprint: what the gallery computed from the pixels, and the credentials' claim. */
export interface ImageFingerprint {
	alg: string;
	code: string;
	claimedCode: string | null;
	claimedDistance: number | null;
	/** null when the credentials record no fingerprint. */
	claimAgrees: boolean | null;
}
