// The gallery's JSON shapes, as /work/gallery-contract.md defines them: shared by the server routes, the
// pages and the CLI's `share`. Types only.
import type { VerifyState } from './provenance/c2pa/verify';

export const VISIBILITIES = ['public', 'unlisted', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export type ImageMimeType = 'image/png' | 'image/jpeg' | 'image/webp';

/** What the verifier found, as recorded at upload (within the gallery's bounds). */
export interface ImageCredentials {
	/** `unchecked`: credentials present, but a verifier limit was reached: not verified. */
	state: VerifyState;
	summary: string;
	signer: string | null;
	claimGenerator: string | null;
	signedAt: string | null;
	ingredients: { title: string; relationship: string; attribution: string | null; license: string | null }[];
	models: { id: string; name: string; license: string; commercialUse: boolean }[];
	styles: {
		id: string | null;
		title: string;
		artist: string | null;
		year: string | null;
		license: string | null;
	}[];
	recipe: Record<string, unknown> | null;
	/**
	 * The fields of the verifier's result that were cut to the gallery's bounds (e.g. `recipe`,
	 * `ingredients`); empty when everything was kept.
	 */
	truncated: string[];
}

export interface GalleryUser {
	id: string;
	username: string;
	isAdmin: boolean;
}

/** Who hid an image: its owner (who may show it again) or a moderator (whom only a moderator overrules). */
export type HiddenBy = 'owner' | 'moderator';

/** A listing item: what a gallery card shows, never the full credentials (GET /api/images/ID has those). */
export interface ImageSummary {
	id: string;
	title: string;
	visibility: Visibility;
	hidden: boolean;
	createdAt: string;
	owner: { username: string };
	width: number;
	height: number;
	thumbnailUrl: string;
	attribution: string;
	labels: string[];
	/** The credentials' state as checked at upload. */
	credentialState: VerifyState;
	rights: { verdict: string | null; nonCommercial: boolean };
	modelIds: string[];
	styleIds: string[];
}

export interface GalleryImage {
	id: string;
	title: string;
	description: string;
	visibility: Visibility;
	hidden: boolean;
	/** Who hid it (a moderator's hide wins over the owner's); null when shown. */
	hiddenBy: HiddenBy | null;
	createdAt: string;
	owner: { username: string };
	mimeType: ImageMimeType;
	byteSize: number;
	width: number;
	height: number;
	originalUrl: string;
	thumbnailUrl: string;
	credentials: ImageCredentials;
	rights: {
		verdict: string | null;
		label: string | null;
		nonCommercial: boolean;
		/** Every reason of the verdict, worst first, each naming its ingredient and layers. */
		reasons: string[];
		confirmedByOwner: boolean;
	};
	attribution: string;
	labels: string[];
	/** The gallery image it was made from, when that image is one the viewer may see. */
	parentId: string | null;
	/** The gallery's own face check and the model release the credentials record; null for older images. */
	people: ImagePeople | null;
}

export interface ImagePeople {
	/** What the gallery's detector found; `checked` false when it could not run (never "no faces"). */
	found: { checked: boolean; count: number; detector?: { id: string; weightsSha256: string } };
	/** IPTC model release status the credentials record (MR-NON, MR-NAP, MR-LMR, MR-UMR). */
	modelRelease: string | null;
	/** The creator stated that what looks like a person is not one (an artwork, a statue, a doll). */
	notARealPerson: boolean;
	/** A release covers the people shown (MR-LMR, MR-UMR, or MR-NAP with the statement). */
	releaseCovers: boolean;
	/** Set when the gallery found faces the credentials do not admit to. */
	mismatch: string | null;
}

export interface ImagePage {
	items: ImageSummary[];
	nextCursor: string | null;
}

export interface ApiToken {
	id: string;
	name: string;
	createdAt: string;
	lastUsedAt: string | null;
}
