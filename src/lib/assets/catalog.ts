// The asset catalog: one JSON card per model and per built-in style reference (see models/).
// This module is pure (no fs, no DOM) so the studio, the worker, the server and the CLI share it.
import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');

/** An upstream address pinned to a commit, so its bytes never change under the sha256. */
const pinnedUrl = z
	.url({ protocol: /^https$/ })
	.refine((url) => /\/[0-9a-f]{40}\//.test(url), 'must be pinned to a 40-hex commit');

export const assetFileSchema = z.object({
	url: pinnedUrl,
	sha256,
	bytes: z.number().int().positive(),
	/** What this file is to the adapter that loads it, e.g. `style/model.json`. */
	role: z.string().min(1)
});

export const commercialUse = z.enum(['allowed', 'prohibited', 'research-only', 'unknown']);

export const licenseSchema = z.object({
	name: z.string().min(1),
	url: z.url(),
	commercialUse,
	/** Why the terms are what they are, shown to the user next to the license. */
	note: z.string().optional()
});

const common = {
	id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case'),
	title: z.string().min(1),
	/** Empty only for procedural models, which have no weights. */
	files: z.array(assetFileSchema),
	license: licenseSchema,
	/** Where it comes from: a web page, or for Rakkan's own models the path of their code here. */
	source: z.union([z.url(), z.string().regex(/^src\/[\w./-]+$/, 'must be a URL or a path under src/')])
};

export const modelFamilies = [
	'arbitrary-wyf',
	'fast-style',
	'whitebox-cartoon',
	'magenta-tflite',
	'animegan-tflite',
	'manga-ink'
] as const;
export type ModelFamily = (typeof modelFamilies)[number];

/** Families that paint after any style reference the user picks; the others have a fixed look. */
const ARBITRARY_STYLE_FAMILIES: ReadonlySet<ModelFamily> = new Set(['arbitrary-wyf', 'magenta-tflite']);
const PROCEDURAL_FAMILIES: ReadonlySet<ModelFamily> = new Set(['manga-ink']);

export function takesStyleImage(card: ModelCard): boolean {
	return ARBITRARY_STYLE_FAMILIES.has(card.family);
}

/** What every network card says about the network: who made it, from what data, and its inputs and outputs. */
const network = {
	description: z.string().min(1),
	authors: z.array(z.string().min(1)).min(1),
	trainingData: z.object({
		description: z.string().min(1),
		rightsStatus: z.string().min(1)
	}),
	citation: z.string().min(1),
	io: z.object({
		inputs: z.array(z.string().min(1)).min(1),
		outputs: z.array(z.string().min(1)).min(1)
	})
};

export const modelCardSchema = z.object({
	...common,
	kind: z.literal('model'),
	family: z.enum(modelFamilies),
	...network
});

export const styleRightsStatus = z.enum([
	'public-domain',
	'public-domain-in-most-countries',
	'licensed',
	'unknown'
]);

export const styleCardSchema = z.object({
	...common,
	kind: z.literal('style'),
	artist: z.string().min(1),
	date: z.string().min(1),
	artistDeathYear: z.number().int(),
	collection: z.string().min(1),
	rightsStatus: styleRightsStatus,
	rightsNote: z.string().min(1),
	creditLine: z.string().min(1)
});

export const detectorFamilies = ['face-blazeface'] as const;
export type DetectorFamily = (typeof detectorFamilies)[number];

/** A network that finds things in the photo (faces) rather than painting it; never offered as a style model. */
export const detectorCardSchema = z.object({
	...common,
	kind: z.literal('detector'),
	family: z.enum(detectorFamilies),
	...network,
	/** Why this detector was chosen over the alternatives, and what about it is unconfirmed. */
	choice: z.string().min(1),
	/** The score a detection needs to count, chosen by the benchmark on the labelled set (bench/faces.ts). */
	threshold: z.number().gt(0).lt(1)
});

export const cardSchema = z
	.discriminatedUnion('kind', [modelCardSchema, styleCardSchema, detectorCardSchema])
	.refine(
		(card) => card.files.length > 0 || (card.kind === 'model' && PROCEDURAL_FAMILIES.has(card.family)),
		{
			message: 'must list at least one file (only procedural models have none)',
			path: ['files']
		}
	);

export type AssetFile = z.infer<typeof assetFileSchema>;
export type License = z.infer<typeof licenseSchema>;
export type CommercialUse = z.infer<typeof commercialUse>;
export type ModelCard = z.infer<typeof modelCardSchema>;
export type StyleCard = z.infer<typeof styleCardSchema>;
export type DetectorCard = z.infer<typeof detectorCardSchema>;
export type Card = z.infer<typeof cardSchema>;
export type StyleRightsStatus = z.infer<typeof styleRightsStatus>;

export interface Catalog {
	models: ModelCard[];
	styles: StyleCard[];
	detectors: DetectorCard[];
}

/** Every file every card names (what the fetcher verifies and the studio serves). */
export function catalogFiles(catalog: Catalog): AssetFile[] {
	return [...catalog.models, ...catalog.styles, ...catalog.detectors].flatMap((card) => card.files);
}

export class CatalogError extends Error {
	override name = 'CatalogError';
}

/** Validates raw cards (keyed by where they came from, for the message) into a catalog. */
export function parseCatalog(raw: Record<string, unknown>): Catalog {
	const models: ModelCard[] = [];
	const styles: StyleCard[] = [];
	const detectors: DetectorCard[] = [];
	const seen = new Set<string>();
	for (const [where, value] of Object.entries(raw)) {
		const result = cardSchema.safeParse(value);
		if (!result.success) {
			const issue = result.error.issues[0];
			const path = issue?.path.join('.') || '(card)';
			throw new CatalogError(`${where}: ${path}: ${issue?.message ?? 'invalid card'}`);
		}
		const card = result.data;
		if (seen.has(card.id)) throw new CatalogError(`${where}: duplicate id "${card.id}"`);
		seen.add(card.id);
		if (card.kind === 'model') models.push(card);
		else if (card.kind === 'style') styles.push(card);
		else detectors.push(card);
	}
	const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
	return { models: models.sort(byId), styles: styles.sort(byId), detectors: detectors.sort(byId) };
}

/** The face detector the studio, the CLI and the gallery all use (one, so their counts agree). */
export const FACE_DETECTOR_ID = 'face-blazeface';

export function findDetector(catalog: Catalog, id: string = FACE_DETECTOR_ID): DetectorCard {
	const card = catalog.detectors.find((d) => d.id === id);
	if (!card) throw new CatalogError(`"${id}" is not a known detector`);
	return card;
}

export function findModel(catalog: Catalog, id: string): ModelCard {
	const card = catalog.models.find((m) => m.id === id);
	if (!card) {
		const known = catalog.models.map((m) => m.id).join(', ');
		throw new CatalogError(`"${id}" is not a known model (known: ${known})`);
	}
	return card;
}

export function findStyle(catalog: Catalog, id: string): StyleCard | undefined {
	return catalog.styles.find((s) => s.id === id);
}

export function fileByRole(card: Card, role: string): AssetFile {
	const file = card.files.find((f) => f.role === role);
	if (!file) throw new CatalogError(`${card.id}: no file with role "${role}"`);
	return file;
}

/** Words a person reads next to a license, honest about non-commercial and research-only terms. */
export function commercialUseLabel(use: CommercialUse): string {
	switch (use) {
		case 'allowed':
			return 'commercial use allowed';
		case 'prohibited':
			return 'non-commercial only';
		case 'research-only':
			return 'research use only';
		case 'unknown':
			return 'commercial use unclear';
	}
}

export function rightsStatusLabel(status: StyleRightsStatus): string {
	switch (status) {
		case 'public-domain':
			return 'public domain';
		case 'public-domain-in-most-countries':
			return 'public domain in most countries';
		case 'licensed':
			return 'licensed';
		case 'unknown':
			return 'rights unknown';
	}
}
