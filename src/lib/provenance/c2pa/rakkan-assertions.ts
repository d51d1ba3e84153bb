// One zod schema per Rakkan assertion (`org.rakkan.*`), shared by the manifest writer and every reader (our
// verifier, the gallery's record of an upload, /verify): the writer parses what it is about to sign, readers
// parse what they read back, so what is written is exactly what is read. Each carries a version; a reader
// that meets a version it does not know reports the assertion as unreadable instead of guessing.
//
// - `org.rakkan.ingredient`: Rakkan's facts inside an ingredient's `metadata` (role, sha256, what was
//   declared about a picture, a style's blend weight and rights, a model's files and license, the layers).
// - `org.rakkan.recipe`: the settings of the topmost painting, enough to make it again.
// - `org.rakkan.record`: what the exported pixels are made of: the sources with their layers, every
//   stylization (model, weights' hashes, styles and blend weights, strength, region and mask), the source
//   type, and the rights verdict with every reason.
import { z } from 'zod';
import { peopleRightsSchema } from '../rights/people';
import { CONTENT_ORIGINS, MAX_LICENSE_NAME, VERDICT_LEVELS } from '../rights/rights';

const MAX = { text: 2000, list: 100, layers: 500 } as const;
const text = z.string().max(MAX.text);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const unit = z.number().min(0).max(1);
const size = z.number().int().min(0).max(1_000_000);
/** A file's length in bytes. */
const byteCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const layers = z.array(text).max(MAX.layers);

export const RECIPE_LABEL = 'org.rakkan.recipe';
export const RECORD_LABEL = 'org.rakkan.record';
/** Key of Rakkan's facts inside an ingredient's assertion metadata (custom keys are allowed there). */
export const INGREDIENT_METADATA_KEY = 'org.rakkan.ingredient';

const license = z.object({
	name: text,
	url: text.optional(),
	/** allowed | prohibited | research-only | unknown (the catalog's vocabulary). */
	commercialUse: text.optional(),
	note: text.optional()
});
export type LicenseFacts = z.infer<typeof license>;

const styleRights = z.object({ status: text, note: text.optional(), creditLine: text.optional() });

const declaredRights = z.object({
	origin: z.enum(CONTENT_ORIGINS),
	license: z
		.object({
			name: z.string().max(MAX_LICENSE_NAME),
			url: text.optional(),
			allowsCommercialUse: z.boolean(),
			allowsDerivatives: z.boolean()
		})
		.optional(),
	showsIdentifiablePerson: z.boolean(),
	consentRecorded: z.boolean(),
	/** Faces found (count, detector id and weights hash, or not checked) and the model release. */
	people: peopleRightsSchema.optional()
});

// ---------------------------------------------------------------------------------------------------------
// org.rakkan.ingredient (version 1; files written before versions were recorded carry none)

const version1 = z.literal(1).optional();

export const ingredientFactsSchema = z.discriminatedUnion('role', [
	z.object({
		version: version1,
		/** content: the photo, webcam picture or remix parent the document started from; import: a layer. */
		role: z.enum(['content', 'import']),
		kind: z.enum(['photo', 'import', 'webcam']).optional(),
		sha256,
		bytes: byteCount,
		declared: declaredRights.optional(),
		layers: layers.optional()
	}),
	z.object({
		version: version1,
		role: z.literal('style'),
		id: text.optional(),
		sha256,
		weight: unit,
		rights: styleRights,
		license: license.optional(),
		url: text.optional(),
		layers: layers.optional()
	}),
	z.object({
		version: version1,
		role: z.literal('model'),
		id: text,
		family: text.optional(),
		files: z
			.array(z.object({ role: text, sha256, bytes: byteCount.optional(), url: text.optional() }))
			.max(MAX.list),
		license,
		source: text.optional(),
		authors: z.array(text).max(MAX.list).optional(),
		trainingDataRights: text.optional(),
		layers: layers.optional()
	})
]);
export type IngredientFacts = z.infer<typeof ingredientFactsSchema>;

/** Rakkan's facts in an ingredient's metadata, or null when there are none or they do not parse. */
export function readIngredientFacts(metadata: unknown): IngredientFacts | null {
	if (typeof metadata !== 'object' || metadata === null) return null;
	const parsed = ingredientFactsSchema.safeParse(
		(metadata as Record<string, unknown>)[INGREDIENT_METADATA_KEY]
	);
	return parsed.success ? parsed.data : null;
}

// ---------------------------------------------------------------------------------------------------------
// org.rakkan.recipe (version 1)

export const recipeSchema = z.object({
	version: z.literal(1),
	generator: z.object({ name: text, version: text }),
	content: z.object({ title: text, sha256, bytes: byteCount }).optional(),
	models: z
		.array(
			z.object({
				id: text,
				title: text,
				family: text.optional(),
				files: z
					.array(z.object({ role: text, sha256, bytes: byteCount.optional(), url: text.optional() }))
					.max(MAX.list),
				license
			})
		)
		.max(MAX.list),
	styles: z
		.array(
			z.object({
				id: text.optional(),
				title: text,
				artist: text.optional(),
				sha256,
				weight: unit,
				rights: styleRights,
				license: license.optional()
			})
		)
		.max(MAX.list),
	strength: unit,
	preserveColors: z.boolean(),
	workingSide: size,
	styleSide: size,
	options: z.record(z.string().max(100), z.number()).optional(),
	output: z.object({ width: size, height: size }),
	tilePlan: z.unknown().optional(),
	regions: z.array(z.unknown()).max(MAX.layers).optional(),
	backend: text,
	versions: z.record(z.string().max(100), text).optional()
});
export type RecipeData = z.infer<typeof recipeSchema>;

// ---------------------------------------------------------------------------------------------------------
// org.rakkan.record (version 1)

const imageFacts = z.object({ sha256, width: size, height: size });

export const recordSchema = z.object({
	version: z.literal(1),
	output: z.object({ width: size, height: size }),
	/** The IPTC digital source type (full URI). */
	sourceType: text,
	/** The layers whose pixels reach the export, bottom to top. */
	layers: z
		.array(z.object({ name: text, kind: z.enum(['photo', 'import', 'webcam', 'stylized']) }))
		.max(MAX.layers),
	sources: z
		.array(
			z.object({
				kind: z.enum(['photo', 'import', 'webcam']),
				title: text,
				sha256,
				layers
			})
		)
		.max(MAX.layers),
	stylizations: z
		.array(
			z.object({
				layer: text,
				model: z.object({ id: text, sha256: z.array(sha256).max(MAX.list), license: text.optional() }),
				styles: z.array(z.object({ id: text.optional(), title: text, sha256, weight: unit })).max(MAX.list),
				strength: unit,
				preserveColors: z.boolean(),
				options: z.record(z.string().max(100), z.number()),
				backend: text,
				/** sha256 of the sources it was painted from. */
				from: z.array(sha256).max(MAX.list),
				region: imageFacts.nullable(),
				/** The region was made from the detected faces: everything but them, or only them. */
				regionFaces: z
					.object({ mode: z.enum(['protect', 'faces']), count: z.number().int().min(0).max(10_000) })
					.nullable()
					.optional(),
				mask: imageFacts.nullable()
			})
		)
		.max(MAX.layers),
	verdict: z.object({
		level: z.enum(VERDICT_LEVELS),
		sentence: text,
		reasons: z
			.array(
				z.object({
					level: z.enum(VERDICT_LEVELS),
					reason: text,
					ingredient: text,
					role: z.enum(['content', 'import', 'style', 'model', 'parent']),
					layers
				})
			)
			.max(MAX.list * 10)
	})
});
export type RecordData = z.infer<typeof recordSchema>;

/** A recipe or record as read back: the parsed data, or why it could not be read. */
export type Read<T> = { ok: true; data: T } | { ok: false; problem: string };

function read<T>(schema: z.ZodType<T>, data: unknown, label: string): Read<T> {
	const parsed = schema.safeParse(data);
	if (parsed.success) return { ok: true, data: parsed.data };
	const issue = parsed.error.issues[0];
	return {
		ok: false,
		problem: `${label} does not match its schema${issue ? ` (${issue.path.join('.') || 'top'}: ${issue.message})` : ''}`
	};
}

export const readRecipe = (data: unknown): Read<RecipeData> => read(recipeSchema, data, RECIPE_LABEL);
export const readRecord = (data: unknown): Read<RecordData> => read(recordSchema, data, RECORD_LABEL);
