// People in a picture: what the face detector found, what the maker says (a model release in the IPTC/PLUS
// vocabulary, or "not a real person"), and the one reason the verdict gives when a person is shown without
// a release, or when nobody checked. Pure and JSON-serializable: signed as it is into the credentials.
import { z } from 'zod';
import { PLUS_VOCAB } from './rights';

/** IPTC/PLUS Model Release Status: none, not applicable, limited or incomplete, unlimited. */
export const MODEL_RELEASE_STATUSES = ['MR-NON', 'MR-NAP', 'MR-LMR', 'MR-UMR'] as const;
export type ModelReleaseStatus = (typeof MODEL_RELEASE_STATUSES)[number];

export const MODEL_RELEASE_LABELS: Record<ModelReleaseStatus, string> = {
	'MR-NON': 'None: no model release',
	'MR-NAP': 'Not applicable',
	'MR-LMR': 'Limited or incomplete model releases',
	'MR-UMR': 'Unlimited model releases'
};

/** The PLUS vocabulary URI XMP's `plus:ModelReleaseStatus` takes. */
export function modelReleaseUri(status: ModelReleaseStatus): string {
	return `${PLUS_VOCAB}${status}`;
}

/** A status from a URI or a bare code (any case); undefined for anything else. */
export function modelReleaseFrom(value: unknown): ModelReleaseStatus | undefined {
	if (typeof value !== 'string') return undefined;
	const code = value.trim().replace(PLUS_VOCAB, '').toUpperCase();
	return (MODEL_RELEASE_STATUSES as readonly string[]).includes(code)
		? (code as ModelReleaseStatus)
		: undefined;
}

export const facesFactSchema = z.object({
	/** False when the detector could not run: then `count` says nothing (never "no faces"). */
	checked: z.boolean(),
	count: z.number().int().min(0).max(10_000),
	detector: z.object({ id: z.string().max(200), weightsSha256: z.string().max(64) }).optional()
});
export type FacesFact = z.infer<typeof facesFactSchema>;

export const peopleRightsSchema = z.object({
	faces: facesFactSchema,
	modelRelease: z.enum(MODEL_RELEASE_STATUSES).optional(),
	/** The maker's own statement that what looks like a person is not one (an artwork, a statue, a doll). */
	notARealPerson: z.boolean()
});
/** Per picture (the photo, an imported image): recorded with it, signed into its credentials. */
export type PeopleRights = z.infer<typeof peopleRightsSchema>;

export const NOT_A_REAL_PERSON = 'not a real person (an artwork, a statue, a doll)';

const people = (n: number) => (n === 1 ? '1 person' : `${n} people`);

/** A release that covers the people shown: a real release, or "not applicable" with the maker's statement. */
export function releaseCovers(rights: Pick<PeopleRights, 'modelRelease' | 'notARealPerson'>): boolean {
	if (rights.modelRelease === 'MR-LMR' || rights.modelRelease === 'MR-UMR') return true;
	return rights.modelRelease === 'MR-NAP' && rights.notARealPerson;
}

export type PeopleFinding =
	{ level: 'person-without-consent'; reason: string } | { level: 'rights-unclear'; reason: string };

/**
 * The reason the verdict gives about the people in `subject` (e.g. "the photo"), or null when there is
 * nothing to say: "the photo shows 2 people; no model release recorded", or, when the detector did not run
 * and the maker gave no release, "faces in the photo were not checked".
 */
export function peopleFinding(subject: string, rights: PeopleRights): PeopleFinding | null {
	if (releaseCovers(rights)) return null;
	if (!rights.faces.checked) {
		return { level: 'rights-unclear', reason: `faces in ${subject} were not checked` };
	}
	if (rights.faces.count === 0) return null;
	const shows = `${subject} shows ${people(rights.faces.count)}`;
	if (rights.modelRelease === 'MR-NAP') {
		return {
			level: 'person-without-consent',
			reason: `${shows}; a model release is marked not applicable, but nobody stated they are ${NOT_A_REAL_PERSON}`
		};
	}
	return { level: 'person-without-consent', reason: `${shows}; no model release recorded` };
}
