// The gallery's JSON shapes, as /work/gallery-contract.md defines them: shared by the server routes, the
// pages and the CLI's `share`. Types only.
export const VISIBILITIES = ['public', 'unlisted', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export type ImageMimeType = 'image/png' | 'image/jpeg' | 'image/webp';

/** What the verifier found, as recorded at upload. */
export interface ImageCredentials {
	state: 'trusted' | 'untrusted' | 'tampered' | 'invalid' | 'none';
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
}

export interface GalleryUser {
	id: string;
	username: string;
	isAdmin: boolean;
}

export interface GalleryImage {
	id: string;
	title: string;
	description: string;
	visibility: Visibility;
	hidden: boolean;
	createdAt: string;
	owner: { username: string };
	mimeType: ImageMimeType;
	byteSize: number;
	width: number;
	height: number;
	originalUrl: string;
	thumbnailUrl: string;
	credentials: ImageCredentials;
	rights: { verdict: string | null; label: string | null; nonCommercial: boolean; confirmedByOwner: boolean };
	attribution: string;
	labels: string[];
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
	items: GalleryImage[];
	nextCursor: string | null;
}

export interface ApiToken {
	id: string;
	name: string;
	createdAt: string;
	lastUsedAt: string | null;
}
