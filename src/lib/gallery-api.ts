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
	parentId: string | null;
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
