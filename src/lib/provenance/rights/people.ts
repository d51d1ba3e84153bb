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

/** "1 face", "2 faces". */
export const facesCount = (n: number) => (n === 1 ? '1 face' : `${n} faces`);

/** A model release in words, as every page shows it: its label and code, or that none is recorded. */
export function releaseWords(status: ModelReleaseStatus | undefined): string {
	return status ? `${MODEL_RELEASE_LABELS[status]} (${status})` : 'none recorded';
}

/** The maker's "not a real person" statement, as pages show it. */
export const NOT_A_REAL_PERSON_STATEMENT = `the creator states it is ${NOT_A_REAL_PERSON}`;

/**
 * What the credentials say about the people in one picture, in words: the faces found (and by which
 * detector), or that they were not checked (never "no faces").
 */
export function recordedFacesWords(faces: FacesFact): string {
	if (!faces.checked) return 'Faces were not checked (the detector could not run).';
	const found = faces.count === 0 ? 'No faces found' : `${facesCount(faces.count)} found`;
	const by = faces.detector
		? ` by ${faces.detector.id} (weights sha256 ${faces.detector.weightsSha256.slice(0, 16)}…)`
		: '';
	return `${found}${by}.`;
}

/** A release that covers the people shown: a real release, or "not applicable" with the maker's statement. */
export function releaseCovers(rights: Pick<PeopleRights, 'modelRelease' | 'notARealPerson'>): boolean {
	if (rights.modelRelease === 'MR-LMR' || rights.modelRelease === 'MR-UMR') return true;
	return rights.modelRelease === 'MR-NAP' && rights.notARealPerson;
}

/** What XMP says about the people of an image made of several pictures. */
export interface ImagePeople {
	modelRelease?: ModelReleaseStatus;
	/** Faces found in the pictures, but those the maker states are no real person. */
	peopleShown?: number;
}

const showsFaces = (p: PeopleRights) => p.faces.checked && p.faces.count > 0;

/**
 * The people of an image from its pictures' facts, as one XMP release status and count. Said only when a
 * picture shows faces or records a release of its own (limited, unlimited, not applicable; "none" on a
 * picture without faces says nothing). Then the weakest release among the pictures that show people, or may
 * (faces found, or not checked), decides: none < limited < unlimited, a picture with no release counting as
 * none, so one picture's release never speaks for another's people. "Not applicable" is said only when no
 * picture needs a release, and counts as none for faces nobody stated are not a real person.
 */
export function imagePeople(pictures: readonly PeopleRights[]): ImagePeople {
	const says = (p: PeopleRights): ModelReleaseStatus | null => {
		if (p.modelRelease === 'MR-LMR' || p.modelRelease === 'MR-UMR') return p.modelRelease;
		if (p.modelRelease === 'MR-NAP') return showsFaces(p) && !p.notARealPerson ? 'MR-NON' : 'MR-NAP';
		return showsFaces(p) || !p.faces.checked ? 'MR-NON' : null;
	};
	const speaks = pictures.some(
		(p) => showsFaces(p) || (p.modelRelease !== undefined && p.modelRelease !== 'MR-NON')
	);
	if (!speaks) return {};
	const statuses = pictures.map(says).filter((s): s is ModelReleaseStatus => s !== null);
	const needed: ModelReleaseStatus[] = statuses.filter((s) => s !== 'MR-NAP');
	const out: ImagePeople = {};
	// MODEL_RELEASE_STATUSES runs none, not applicable, limited, unlimited: the first needed one is the weakest.
	if (needed.length > 0) out.modelRelease = MODEL_RELEASE_STATUSES.find((s) => needed.includes(s));
	else if (statuses.length > 0) out.modelRelease = 'MR-NAP';
	const people = pictures.filter((p) => showsFaces(p) && !p.notARealPerson);
	if (people.length > 0) out.peopleShown = people.reduce((sum, p) => sum + p.faces.count, 0);
	return out;
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
