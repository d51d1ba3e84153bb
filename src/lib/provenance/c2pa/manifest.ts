// Building, signing and embedding a C2PA 2.x manifest for a Rakkan painting. From a typed ProvenanceInput
// it writes the XMP packet first, then a manifest store whose data hash covers the final bytes: actions
// (created or opened, then the edit history), the ingredients (the photo, each style reference, each model),
// CAWG training-and-data-mining and metadata, Rakkan's own recipe, and the hard binding.
//
// Pure and browser-safe: WebCrypto and Uint8Arrays only. The key never reaches this module: a Signer does.
import { concat, sha256, toHex, utf8 } from './bytes';
import { encodeCbor } from './cbor';
import { containerOf, MIME_TYPES, readManifestStore, readXmp, type ImageContainer } from './container';
import { signatureSize, signClaim } from './cose';
import { SigningError } from './errors';
import { app11Segments, app11Size, manifestInsertOffset, removeJpegManifest, setJpegXmp } from './jpeg';
import { childByLabel, contentBox, parseJumbf, superBox, superChildren, type JumbfSuperBox } from './jumbf';
import { C2PA_CHUNK, pngChunk, removePngManifest, setPngXmp, splitAfterIhdr } from './png';
import {
	CAWG_ENTRY_KEYS,
	type CawgEntry,
	type CawgEntryKey,
	type ContentRights,
	type TrainingMining
} from '../rights/rights';
import type { Signer } from './signer';
import { softBindingData, SOFT_BINDING_LABEL, type SoftBinding } from './soft-binding';
import { imagePeople, modelReleaseUri } from '../rights/people';
import {
	buildXmpPacket,
	DIGITAL_SOURCE_TYPES,
	parseXmp,
	PLUS_DATA_MINING,
	XmpError,
	type XmpFields
} from '../xmp/xmp';
import { verifyImage, type StatusEntry } from './verify';
import {
	type IngredientFacts,
	ingredientFactsSchema,
	INGREDIENT_METADATA_KEY,
	RECIPE_LABEL,
	RECORD_LABEL,
	type RecordData,
	recipeSchema,
	recordSchema
} from './rakkan-assertions';
import type { z } from 'zod';
import { C2PA_FOURCC, removeWebpManifest, riffChunk, riffChunkSize, setWebpXmp, withRiffSize } from './webp';

// ------------------------------------------------------------------------------------------------------
// Vocabulary

export { DIGITAL_SOURCE_TYPES };

/** Actions an edit history may record after the first one. */
export const EDIT_ACTIONS = [
	'c2pa.edited',
	'c2pa.filtered',
	'c2pa.color_adjustments',
	'c2pa.resized',
	'c2pa.cropped',
	'c2pa.drawing'
] as const;
export type EditAction = (typeof EDIT_ACTIONS)[number];

// ------------------------------------------------------------------------------------------------------
// Input

export interface License {
	name: string;
	url?: string;
	/** allowed | prohibited | research-only | unknown (the catalog's vocabulary). */
	commercialUse?: string;
	note?: string;
}

/** A picture whose pixels are in the image: the photo it started from, or an image imported as a layer. */
export interface ContentSource {
	/** The file name shown to people. */
	title: string;
	/** photo (the default), webcam or import. */
	kind?: 'photo' | 'import' | 'webcam';
	/** The names of the layers in the export it is part of. */
	layers?: string[];
	/** The photo's bytes as the user gave them: hashed, and searched for their own manifest and XMP. */
	bytes: Uint8Array;
	/** MIME type; detected from the bytes when absent. */
	format?: string;
	/** What the maker declared about the photo (origin, license, a person and consent), signed with the rest. */
	declared?: ContentRights;
}

/** A style reference and its share of the blend. */
export interface StyleSource {
	/** Catalog id; absent for an image the user uploaded. */
	id?: string;
	title: string;
	artist?: string;
	date?: string;
	format: string;
	/** sha256 (hex) of the image file. */
	sha256: string;
	/** Share of the blend, 0..1 (the weights of all styles sum to 1). */
	weight: number;
	/** Rights status in the catalog's words (public-domain, licensed, unknown, ...) and a note. */
	rights: { status: string; note?: string; creditLine?: string };
	license?: License;
	/** Where the image came from (pinned upstream address), if known. */
	url?: string;
	/** The names of the layers in the export it steered. */
	layers?: string[];
}

export interface ModelFile {
	role: string;
	sha256: string;
	bytes?: number;
	url?: string;
}

export interface ModelSource {
	id: string;
	title: string;
	family?: string;
	/** C2PA asset type beside `c2pa.types.generator`, e.g. `c2pa.types.model.tensorflow`; none for procedural. */
	modelType?: string;
	files: ModelFile[];
	license: License;
	/** The project or paper a person can read about. */
	source?: string;
	authors?: string[];
	trainingDataRights?: string;
	/** The names of the layers in the export it painted. */
	layers?: string[];
}

export interface EditStep {
	action: EditAction;
	description: string;
	parameters?: Record<string, unknown>;
	when?: Date;
}

/** How the painting was made: everything needed to make it again. */
export interface RecipeSettings {
	strength: number;
	preserveColors: boolean;
	workingSide: number;
	styleSide: number;
	/** Model-specific controls by name. */
	options?: Readonly<Record<string, number>>;
	output: { width: number; height: number };
	/** The tile plan, when the painting was done in tiles (JSON data). */
	tilePlan?: unknown;
	/** Per-region recipes, when regions were painted differently (JSON data). */
	regions?: unknown[];
	/** The compute backend: webgpu, webgl, wasm, cpu. */
	backend: string;
	/** Versions of what ran, e.g. `{ tfjs: '4.22.0' }`. */
	versions?: Record<string, string>;
}

export interface Rights {
	/** dc:rights, e.g. "© 2026 Jane Doe". */
	copyright?: string;
	/** xmpRights:UsageTerms in plain words. */
	usageTerms?: string;
	/** xmpRights:WebStatement: an address with the terms. */
	webStatement?: string;
	/** plus:Licensor: who to ask for a license. */
	licensor?: { name: string; url?: string };
	/** xmpRights:Marked; defaults to true when a copyright notice is given. */
	marked?: boolean;
}

export interface ProvenanceInput {
	/** dc:title of the new image, usually its file name. */
	title: string;
	/** xmpMM:InstanceID and claim instanceID; a fresh `xmp:iid:<uuid>` when absent. */
	instanceId?: string;
	/** The claim generator: Rakkan and its version. */
	generator: { name: string; version: string };
	when?: Date;
	/** The person who made it (dc:creator, cawg.metadata). */
	creator?: string;
	rights?: Rights;
	/**
	 * CAWG training and data mining. Missing entries default to notAllowed for ai_training,
	 * ai_generative_training and data_mining, and allowed for ai_inference.
	 */
	trainingMining?: TrainingMining;
	/** The photo; absent when the image was made from nothing but models and styles. */
	content?: ContentSource;
	/** Images imported as layers (`componentOf` ingredients; one with credentials keeps its manifest). */
	components?: ContentSource[];
	styles: StyleSource[];
	models: ModelSource[];
	/** Later steps, in order, after the painting itself. */
	edits?: EditStep[];
	/** The settings of the (topmost) painting; absent when nothing was stylized. */
	recipe?: RecipeSettings;
	/** What the exported pixels are made of and the rights verdict (`org.rakkan.record`); sets the source type. */
	record?: RecordData;
	/** A fingerprint of the exported pixels, recorded as `c2pa.soft-binding`. */
	softBinding?: SoftBinding;
}

export const DEFAULT_TRAINING_MINING: Required<TrainingMining> = {
	'cawg.ai_training': { use: 'notAllowed' },
	'cawg.ai_generative_training': { use: 'notAllowed' },
	'cawg.data_mining': { use: 'notAllowed' },
	'cawg.ai_inference': { use: 'allowed' }
};

/** The CAWG entries for "training allowed" or not; ai_inference stays allowed either way. */
export function trainingMiningFor(allowTraining: boolean): Required<TrainingMining> {
	if (!allowTraining) return { ...DEFAULT_TRAINING_MINING };
	const allowed: CawgEntry = { use: 'allowed' };
	return {
		'cawg.ai_training': allowed,
		'cawg.ai_generative_training': allowed,
		'cawg.data_mining': allowed,
		'cawg.ai_inference': allowed
	};
}

function resolvedTraining(input: ProvenanceInput): Required<TrainingMining> {
	return { ...DEFAULT_TRAINING_MINING, ...input.trainingMining };
}

/** The PLUS data-mining value matching the CAWG entries. */
export function plusDataMining(training: TrainingMining): string {
	const use = (key: CawgEntryKey) => training[key]?.use ?? DEFAULT_TRAINING_MINING[key].use;
	if (use('cawg.ai_training') !== 'allowed') return PLUS_DATA_MINING.prohibitedAiMlTraining;
	if (use('cawg.ai_generative_training') !== 'allowed') return PLUS_DATA_MINING.prohibitedGenAiMlTraining;
	if (use('cawg.data_mining') !== 'allowed') return PLUS_DATA_MINING.prohibited;
	return PLUS_DATA_MINING.allowed;
}

// ------------------------------------------------------------------------------------------------------
// Assertions

interface HashedUri {
	url: string;
	alg: 'sha256';
	hash: Uint8Array;
}

interface BuiltAssertion {
	label: string;
	box: Uint8Array;
	uri: HashedUri;
	gathered: boolean;
}

async function assertion(
	label: string,
	kind: 'cbor' | 'json',
	data: unknown,
	gathered = false
): Promise<BuiltAssertion> {
	const payload = kind === 'cbor' ? encodeCbor(data) : utf8(JSON.stringify(data));
	const box = superBox(kind, label, [contentBox(kind, payload)]);
	const hash = await sha256(box.subarray(8));
	return { label, box, uri: { url: `self#jumbf=c2pa.assertions/${label}`, alg: 'sha256', hash }, gathered };
}

function ingredientLabel(index: number): string {
	return index === 0 ? 'c2pa.ingredient.v3' : `c2pa.ingredient.v3__${index}`;
}

/** The photo's own manifest store, parsed: the parent chain to keep. */
interface ParentManifest {
	store: JumbfSuperBox;
	active: JumbfSuperBox;
	label: string;
	results: { success: StatusEntry[]; informational: StatusEntry[]; failure: StatusEntry[] };
}

async function parentOf(content: ContentSource): Promise<ParentManifest | null> {
	let found;
	try {
		found = readManifestStore(content.bytes);
	} catch {
		return null; // an unreadable container has no manifest we could keep
	}
	if (!found) return null;
	let store: JumbfSuperBox;
	try {
		store = parseJumbf(found.store);
	} catch {
		return null;
	}
	const manifests = superChildren(store).filter((m) => m.typeCode === 'c2ma' || m.typeCode === 'c2um');
	const active = manifests[manifests.length - 1];
	if (!active?.label || !childByLabel(active, 'c2pa.signature')) return null;
	const verdict = await verifyImage(content.bytes);
	return { store, active, label: active.label, results: verdict.results };
}

function describeLicense(license: License | undefined): string {
	if (!license) return 'license not stated';
	const use = license.commercialUse ? ` (commercial use: ${license.commercialUse})` : '';
	return `${license.name}${use}${license.url ? `, ${license.url}` : ''}`;
}

function percent(weight: number): string {
	return `${Math.round(weight * 1000) / 10}%`;
}

function styleName(style: StyleSource): string {
	return `"${style.title}"${style.artist ? ` (${style.artist}${style.date ? `, ${style.date}` : ''})` : ''}`;
}

function detectFormat(bytes: Uint8Array): string {
	const container = containerOf(bytes);
	return container ? MIME_TYPES[container] : 'application/octet-stream';
}

interface Ingredients {
	assertions: BuiltAssertion[];
	content?: BuiltAssertion;
	/** Images imported as layers. */
	components: BuiltAssertion[];
	styles: BuiltAssertion[];
	models: BuiltAssertion[];
	/** The content's own manifest, when it carries one (it is then the parent). */
	parent?: ParentManifest;
	/** Every manifest an ingredient carries (the parent's and the components'), kept in the store. */
	kept: ParentManifest[];
	contentSha256?: string;
}

/** Rakkan's facts for an ingredient's metadata, checked against the shared schema before they are signed. */
function ingredientFacts(facts: z.input<typeof ingredientFactsSchema>): IngredientFacts {
	const parsed = ingredientFactsSchema.safeParse({ version: 1, ...facts });
	if (!parsed.success) {
		throw new SigningError(
			'manifest.ingredient',
			`The facts about an ingredient do not match their schema: ${parsed.error.issues[0]?.message ?? ''}`
		);
	}
	return parsed.data;
}

const PICTURE_WORDS: Record<NonNullable<ContentSource['kind']>, string> = {
	photo: 'The photo',
	webcam: 'The webcam picture',
	import: 'The image'
};

/** A picture ingredient: the photo (`parentOf` when it carries credentials) or an imported image. */
async function pictureIngredient(
	picture: ContentSource,
	role: 'content' | 'import',
	label: string,
	when: Date
): Promise<{ built: BuiltAssertion; manifest: ParentManifest | null; sha256: string }> {
	const pictureSha256 = toHex(await sha256(picture.bytes));
	const manifest = await parentOf(picture);
	const xmp = (() => {
		try {
			return readXmp(picture.bytes);
		} catch {
			return null;
		}
	})();
	const instanceId = xmp ? parseXmp(xmp).instanceId : undefined;
	const kind = picture.kind ?? (role === 'import' ? 'import' : 'photo');
	const what = `${PICTURE_WORDS[kind]} "${picture.title}"`;
	const where = picture.layers?.length ? ` (layers: ${picture.layers.join(', ')})` : '';
	const data: Record<string, unknown> = {
		relationship: manifest && role === 'content' ? 'parentOf' : 'componentOf',
		'dc:title': picture.title,
		'dc:format': picture.format ?? detectFormat(picture.bytes),
		instanceID: instanceId,
		description:
			role === 'import'
				? `${what}, placed as a layer${where}${manifest ? ', with its own Content Credentials' : ''}.`
				: manifest
					? `${what}, with its own Content Credentials, worked on in Rakkan${where}.`
					: `${what}, worked on in Rakkan${where}.`,
		metadata: {
			dateTime: when.toISOString(),
			[INGREDIENT_METADATA_KEY]: ingredientFacts({
				role,
				kind,
				sha256: pictureSha256,
				bytes: picture.bytes.length,
				...(picture.declared ? { declared: picture.declared } : {}),
				...(picture.layers ? { layers: picture.layers } : {})
			})
		}
	};
	if (manifest) {
		const signature = childByLabel(manifest.active, 'c2pa.signature')!;
		data.activeManifest = {
			url: `self#jumbf=/c2pa/${manifest.label}`,
			alg: 'sha256',
			hash: await sha256(manifest.active.contents)
		};
		data.claimSignature = {
			url: `self#jumbf=/c2pa/${manifest.label}/c2pa.signature`,
			alg: 'sha256',
			hash: await sha256(signature.contents)
		};
		data.validationResults = { activeManifest: manifest.results };
	}
	return { built: await assertion(label, 'cbor', data), manifest, sha256: pictureSha256 };
}

async function buildIngredients(input: ProvenanceInput): Promise<Ingredients> {
	const out: Ingredients = { assertions: [], components: [], styles: [], models: [], kept: [] };
	const when = input.when ?? new Date();
	let index = 0;
	if (input.content) {
		const picture = await pictureIngredient(input.content, 'content', ingredientLabel(index++), when);
		out.contentSha256 = picture.sha256;
		out.content = picture.built;
		out.assertions.push(picture.built);
		if (picture.manifest) {
			out.parent = picture.manifest;
			out.kept.push(picture.manifest);
		}
	}
	for (const component of input.components ?? []) {
		const picture = await pictureIngredient(component, 'import', ingredientLabel(index++), when);
		out.components.push(picture.built);
		out.assertions.push(picture.built);
		if (picture.manifest) out.kept.push(picture.manifest);
	}
	for (const style of input.styles) {
		// inputTo: the reference is analysed by the style network and steers the painting, but none of its
		// pixels end up in the result (componentOf would say it is part of the image).
		const data = {
			relationship: 'inputTo',
			'dc:title': style.title,
			'dc:format': style.format,
			description:
				`Style reference ${styleName(style)}, ${percent(style.weight)} of the style blend. ` +
				`Rights: ${style.rights.status}${style.rights.note ? ` (${style.rights.note})` : ''}. ` +
				`License: ${describeLicense(style.license)}. sha256 ${style.sha256}.`,
			informationalURI: style.license?.url ?? style.url,
			metadata: {
				[INGREDIENT_METADATA_KEY]: ingredientFacts({
					role: 'style',
					id: style.id,
					sha256: style.sha256,
					weight: style.weight,
					rights: style.rights,
					license: style.license,
					url: style.url,
					layers: style.layers
				})
			}
		};
		const built = await assertion(ingredientLabel(index++), 'cbor', data);
		out.styles.push(built);
		out.assertions.push(built);
	}
	for (const model of input.models) {
		const dataTypes = [
			{ type: 'c2pa.types.generator' },
			...(model.modelType ? [{ type: model.modelType }] : [])
		];
		const files = model.files.map((f) => `${f.role} sha256 ${f.sha256}`).join('; ');
		const data = {
			relationship: 'inputTo',
			'dc:title': model.title,
			'dc:format': 'application/octet-stream',
			dataTypes,
			description:
				`Model ${model.id}${model.family ? ` (${model.family})` : ''}. License: ${describeLicense(model.license)}.` +
				(model.license.note ? ` ${model.license.note}` : '') +
				(files ? ` Weights: ${files}.` : ' Procedural: no weights.'),
			informationalURI: model.license.url ?? model.source,
			metadata: {
				[INGREDIENT_METADATA_KEY]: ingredientFacts({
					role: 'model',
					id: model.id,
					family: model.family,
					files: model.files,
					license: model.license,
					source: model.source,
					authors: model.authors,
					trainingDataRights: model.trainingDataRights,
					layers: model.layers
				})
			}
		};
		const built = await assertion(ingredientLabel(index++), 'cbor', data);
		out.models.push(built);
		out.assertions.push(built);
	}
	return out;
}

function softwareAgent(input: ProvenanceInput): { name: string; version: string } {
	return { name: input.generator.name, version: input.generator.version };
}

function paintingDescription(input: ProvenanceInput): string {
	const from = input.content ? `the photo "${input.content.title}"` : 'nothing but the model';
	if (input.models.length === 0) return `Made from ${from}, without AI.`;
	const models = input.models.map((m) => m.title).join(' + ');
	const styles = input.styles.length
		? ` after ${input.styles.map((s) => `${styleName(s)}${input.styles.length > 1 ? ` ${percent(s.weight)}` : ''}`).join(' + ')}`
		: '';
	const strength = input.recipe ? ` at strength ${input.recipe.strength}` : '';
	return `Painted ${from}${styles} with ${models}${strength}.`;
}

/**
 * The IPTC digital source type: the record's when there is one (it knows which layers show); else a
 * stylized photo, or a painting from nothing but models.
 */
function sourceTypeOf(input: ProvenanceInput): string {
	if (input.record) return input.record.sourceType;
	return input.content
		? DIGITAL_SOURCE_TYPES.compositeWithTrainedAlgorithmicMedia
		: DIGITAL_SOURCE_TYPES.trainedAlgorithmicMedia;
}

function actionsData(input: ProvenanceInput, ingredients: Ingredients, sourceType: string): unknown {
	const agent = softwareAgent(input);
	const when = (input.when ?? new Date()).toISOString();
	const inputs = [...ingredients.styles, ...ingredients.models].map((a) => a.uri);
	const painting = {
		digitalSourceType: sourceType,
		softwareAgent: agent,
		description: paintingDescription(input),
		when,
		parameters: {
			ingredients: [
				...(ingredients.content && !ingredients.parent ? [ingredients.content.uri] : []),
				...inputs
			],
			...(input.recipe ? { strength: input.recipe.strength } : {})
		}
	};
	const actions: Record<string, unknown>[] = [];
	if (ingredients.parent && ingredients.content) {
		// A parent with its own manifest is opened, then edited: c2pa.opened must be first and point at it.
		actions.push({
			action: 'c2pa.opened',
			softwareAgent: agent,
			description: `Opened "${input.content!.title}", which carries its own Content Credentials.`,
			when,
			parameters: { ingredients: [ingredients.content.uri] }
		});
		actions.push({ action: 'c2pa.edited', ...painting });
	} else {
		actions.push({ action: 'c2pa.created', ...painting });
	}
	// Each imported image is placed into the picture (c2pa.placed names its componentOf ingredient).
	(input.components ?? []).forEach((component, i) => {
		actions.push({
			action: 'c2pa.placed',
			softwareAgent: agent,
			description: `Placed the image "${component.title}" as a layer.`,
			when,
			parameters: { ingredients: [ingredients.components[i]!.uri] }
		});
	});
	for (const edit of input.edits ?? []) {
		actions.push({
			action: edit.action,
			softwareAgent: agent,
			description: edit.description,
			when: (edit.when ?? input.when ?? new Date()).toISOString(),
			parameters: edit.parameters
		});
	}
	return { actions, allActionsIncluded: true };
}

const METADATA_CONTEXT = {
	dc: 'http://purl.org/dc/elements/1.1/',
	xmpRights: 'http://ns.adobe.com/xap/1.0/rights/',
	plus: 'http://ns.useplus.org/ldf/xmp/1.0/',
	Iptc4xmpExt: 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/'
};

function marked(rights: Rights | undefined): boolean | undefined {
	return rights?.marked ?? (rights?.copyright ? true : undefined);
}

function metadataData(input: ProvenanceInput, sourceType: string, dataMining: string): unknown {
	const rights = input.rights;
	const out: Record<string, unknown> = { '@context': METADATA_CONTEXT };
	if (input.creator) out['dc:creator'] = [input.creator];
	if (rights?.copyright) out['dc:rights'] = rights.copyright;
	if (rights?.usageTerms) out['xmpRights:UsageTerms'] = rights.usageTerms;
	if (rights?.webStatement) out['xmpRights:WebStatement'] = rights.webStatement;
	const isMarked = marked(rights);
	if (isMarked !== undefined) out['xmpRights:Marked'] = isMarked;
	if (rights?.licensor) {
		out['plus:Licensor'] = [
			{
				'plus:LicensorName': rights.licensor.name,
				...(rights.licensor.url ? { 'plus:LicensorURL': rights.licensor.url } : {})
			}
		];
	}
	out['plus:DataMining'] = dataMining;
	const people = peopleXmp(input);
	if (people.modelReleaseStatus) out['plus:ModelReleaseStatus'] = people.modelReleaseStatus;
	out['Iptc4xmpExt:DigitalSourceType'] = sourceType;
	out['Iptc4xmpExt:AISystemUsed'] = input.models.map((m) => m.title).join(', ') || input.generator.name;
	out['Iptc4xmpExt:AISystemVersionUsed'] = `${input.generator.name} ${input.generator.version}`;
	return out;
}

/** The `c2pa.soft-binding` assertion, when the export's fingerprint is known. */
async function softBindingAssertions(input: ProvenanceInput): Promise<BuiltAssertion[]> {
	return input.softBinding
		? [await assertion(SOFT_BINDING_LABEL, 'cbor', softBindingData(input.softBinding))]
		: [];
}

function trainingData(training: Required<TrainingMining>): unknown {
	const entries: Record<string, unknown> = {};
	for (const key of CAWG_ENTRY_KEYS) {
		const entry = training[key];
		entries[key] =
			entry.use === 'constrained' && entry.constraintInfo
				? { use: 'constrained', constraint_info: entry.constraintInfo }
				: { use: entry.use };
	}
	return { entries };
}

/** Data for a Rakkan assertion, checked against its schema: a mismatch is our bug, never signed. */
function checked<T>(schema: z.ZodType<T>, label: string, data: unknown): T {
	const parsed = schema.safeParse(data);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new SigningError(
			'manifest.schema',
			`${label} does not match its schema (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`
		);
	}
	return parsed.data;
}

function recipeData(r: RecipeSettings, input: ProvenanceInput, contentSha256: string | undefined): unknown {
	return checked(recipeSchema, RECIPE_LABEL, {
		version: 1,
		generator: input.generator,
		content: input.content
			? { title: input.content.title, sha256: contentSha256, bytes: input.content.bytes.length }
			: undefined,
		models: input.models.map((m) => ({
			id: m.id,
			title: m.title,
			family: m.family,
			files: m.files,
			license: m.license
		})),
		styles: input.styles.map((s) => ({
			id: s.id,
			title: s.title,
			artist: s.artist,
			sha256: s.sha256,
			weight: s.weight,
			rights: s.rights,
			license: s.license
		})),
		strength: r.strength,
		preserveColors: r.preserveColors,
		workingSide: r.workingSide,
		styleSide: r.styleSide,
		options: r.options,
		output: r.output,
		tilePlan: r.tilePlan,
		regions: r.regions,
		backend: r.backend,
		versions: r.versions
	});
}

// ------------------------------------------------------------------------------------------------------
// Store assembly

interface Prepared {
	label: string;
	instanceId: string;
	/** Every assertion except the hard binding, in store order. */
	assertions: BuiltAssertion[];
	/** Manifests of ingredients, kept in the store before this one. */
	kept: ParentManifest[];
	sourceType: string;
	dataMining: string;
}

async function prepare(input: ProvenanceInput, instanceId: string): Promise<Prepared> {
	if (!input.title.trim()) throw new SigningError('manifest.title', 'The manifest needs a title');
	for (const style of input.styles) {
		if (!(style.weight > 0 && style.weight <= 1)) {
			throw new SigningError(
				'manifest.weight',
				`Style "${style.title}" has weight ${style.weight}; weights are in (0, 1]`
			);
		}
	}
	const ingredients = await buildIngredients(input);
	const training = resolvedTraining(input);
	const sourceType = sourceTypeOf(input);
	const dataMining = plusDataMining(training);
	const assertions = [
		...ingredients.assertions,
		await assertion('c2pa.actions.v2', 'cbor', actionsData(input, ingredients, sourceType)),
		...(input.recipe
			? [await assertion(RECIPE_LABEL, 'cbor', recipeData(input.recipe, input, ingredients.contentSha256))]
			: []),
		...(input.record
			? [await assertion(RECORD_LABEL, 'cbor', checked(recordSchema, RECORD_LABEL, input.record))]
			: []),
		await assertion('cawg.training-mining', 'cbor', trainingData(training), true),
		await assertion('cawg.metadata', 'json', metadataData(input, sourceType, dataMining), true),
		...(await softBindingAssertions(input))
	];
	return {
		label: `urn:c2pa:${crypto.randomUUID()}`,
		instanceId,
		assertions,
		kept: ingredients.kept,
		sourceType,
		dataMining
	};
}

async function hashAssertion(start: number, length: number, hash: Uint8Array): Promise<BuiltAssertion> {
	return assertion('c2pa.hash.data', 'cbor', {
		exclusions: [{ start, length }],
		name: 'jumbf manifest',
		alg: 'sha256',
		hash,
		pad: new Uint8Array(0)
	});
}

function claimBytes(input: ProvenanceInput, prepared: Prepared, all: BuiltAssertion[]): Uint8Array {
	return encodeCbor({
		instanceID: prepared.instanceId,
		claim_generator_info: { name: input.generator.name, version: input.generator.version },
		signature: `self#jumbf=/c2pa/${prepared.label}/c2pa.signature`,
		created_assertions: all.filter((a) => !a.gathered).map((a) => a.uri),
		gathered_assertions: all.filter((a) => a.gathered).map((a) => a.uri),
		'dc:title': input.title,
		alg: 'sha256'
	});
}

function storeBytes(
	prepared: Prepared,
	all: BuiltAssertion[],
	claim: Uint8Array,
	cose: Uint8Array
): Uint8Array {
	const manifest = superBox('c2ma', prepared.label, [
		superBox(
			'c2as',
			'c2pa.assertions',
			all.map((a) => a.box)
		),
		superBox('c2cl', 'c2pa.claim.v2', [contentBox('cbor', claim)]),
		superBox('c2cs', 'c2pa.signature', [contentBox('cbor', cose)])
	]);
	// Every manifest the ingredients carry, each once (two imports may share a history).
	const earlier = new Map<string, Uint8Array>();
	for (const kept of prepared.kept)
		for (const m of superChildren(kept.store))
			if (m.label && !earlier.has(m.label)) earlier.set(m.label, m.raw);
	return superBox('c2pa', 'c2pa', [...earlier.values(), manifest]);
}

/** What {@link embed} needs to know about a container. */
interface Layout {
	/** The bytes before the manifest block (a RIFF header counts the whole file, block included). */
	head(blockLength: number): Uint8Array;
	tail: Uint8Array;
	/** Bytes the container adds around a store of this length. */
	blockSize(storeLength: number): number;
	/**
	 * Bytes of the block the data hash excludes, from its start; the rest (a RIFF chunk's pad byte, which
	 * c2pa-rs hashes) is hashed with the image. Defaults to the whole block.
	 */
	excludedSize?(storeLength: number): number;
	block(store: Uint8Array): Uint8Array;
}

async function embed(
	input: ProvenanceInput,
	prepared: Prepared,
	layout: Layout,
	signer: Signer
): Promise<Uint8Array> {
	const start = layout.head(0).length;
	const placeholderCose = new Uint8Array(signatureSize(signer));
	const zeroHash = new Uint8Array(32);
	const excludedSize = layout.excludedSize ?? layout.blockSize;
	// The exclusion length depends on the store size, which depends on how the length encodes: iterate
	// to the fixed point (monotone, so two or three rounds).
	let excluded = 0;
	let storeLength: number;
	for (let round = 0; ; round++) {
		const binding = await hashAssertion(start, excluded, zeroHash);
		const all = [...prepared.assertions, binding];
		storeLength = storeBytes(prepared, all, claimBytes(input, prepared, all), placeholderCose).length;
		if (excludedSize(storeLength) === excluded) break;
		if (round > 8) throw new SigningError('manifest.size', 'The manifest size did not settle');
		excluded = excludedSize(storeLength);
	}
	const length = layout.blockSize(storeLength);
	const head = layout.head(length);
	// Bytes of the block after the exclusion are zero padding.
	const hash = await sha256(concat([head, new Uint8Array(length - excluded), layout.tail]));
	const binding = await hashAssertion(start, excluded, hash);
	const all = [...prepared.assertions, binding];
	const claim = claimBytes(input, prepared, all);
	const cose = await signClaim(claim, signer);
	const store = storeBytes(prepared, all, claim, cose);
	const block = layout.block(store);
	if (block.length !== length) {
		throw new SigningError(
			'manifest.size',
			`The signed manifest is ${block.length} bytes, ${length} were reserved`
		);
	}
	return concat([head, block, layout.tail]);
}

/** The model release and the people shown of the pictures whose pixels are in the image (imagePeople). */
function peopleXmp(input: ProvenanceInput): Pick<XmpFields, 'modelReleaseStatus' | 'peopleShown'> {
	const pictures = [input.content, ...(input.components ?? [])].flatMap((p) =>
		p?.declared?.people ? [p.declared.people] : []
	);
	const { modelRelease, peopleShown } = imagePeople(pictures);
	return {
		...(modelRelease ? { modelReleaseStatus: modelReleaseUri(modelRelease) } : {}),
		...(peopleShown !== undefined ? { peopleShown } : {})
	};
}

function xmpFor(input: ProvenanceInput, prepared: Prepared, format: string): string {
	try {
		return buildXmpPacket({
			instanceId: prepared.instanceId,
			title: input.title,
			format,
			creatorTool: `${input.generator.name} ${input.generator.version}`,
			createDate: (input.when ?? new Date()).toISOString(),
			digitalSourceType: prepared.sourceType,
			aiSystemUsed: input.models.map((m) => m.title).join(', ') || input.generator.name,
			aiSystemVersionUsed: `${input.generator.name} ${input.generator.version}`,
			creators: input.creator ? [input.creator] : undefined,
			rights: input.rights?.copyright,
			usageTerms: input.rights?.usageTerms,
			webStatement: input.rights?.webStatement,
			marked: marked(input.rights),
			licensors: input.rights?.licensor ? [input.rights.licensor] : undefined,
			dataMining: prepared.dataMining,
			...peopleXmp(input)
		});
	} catch (error) {
		if (error instanceof XmpError) throw new SigningError('xmp.invalid', error.message);
		throw error;
	}
}

function newInstanceId(input: ProvenanceInput): string {
	return input.instanceId ?? `xmp:iid:${crypto.randomUUID()}`;
}

/** Where each container keeps XMP, and where the manifest block goes in the file with that XMP. */
const CONTAINERS: Record<
	ImageContainer,
	{ withXmp(bytes: Uint8Array, packet: string): Uint8Array; layout(withXmp: Uint8Array): Layout }
> = {
	// A `caBX` chunk right after IHDR.
	png: {
		withXmp: (bytes, packet) => setPngXmp(removePngManifest(bytes), packet),
		layout(withXmp) {
			const { head, tail } = splitAfterIhdr(withXmp);
			return {
				head: () => head,
				tail,
				blockSize: (n) => n + 12,
				block: (store) => pngChunk(C2PA_CHUNK, store)
			};
		}
	},
	// APP11 segments after SOI / the JFIF APP0.
	jpeg: {
		withXmp: (bytes, packet) => setJpegXmp(removeJpegManifest(bytes), packet),
		layout(withXmp) {
			const at = manifestInsertOffset(withXmp);
			return {
				head: () => withXmp.subarray(0, at),
				tail: withXmp.subarray(at),
				blockSize: app11Size,
				block: app11Segments
			};
		}
	},
	// A `C2PA` chunk at the end, as c2pa-rs does; the RIFF header counts it.
	webp: {
		withXmp: (bytes, packet) => setWebpXmp(removeWebpManifest(bytes), packet),
		layout: (withXmp) => ({
			head: (blockLength) => withRiffSize(withXmp, withXmp.length + blockLength),
			tail: new Uint8Array(0),
			blockSize: riffChunkSize,
			excludedSize: (storeLength) => 8 + storeLength,
			block: (store) => riffChunk(C2PA_FOURCC, store)
		})
	}
};

/** Writes XMP, then embeds a signed manifest store where the container keeps it. */
async function signAs(
	container: ImageContainer,
	bytes: Uint8Array,
	input: ProvenanceInput,
	signer: Signer
): Promise<Uint8Array> {
	const prepared = await prepare(input, newInstanceId(input));
	const writer = CONTAINERS[container];
	const withXmp = writer.withXmp(bytes, xmpFor(input, prepared, MIME_TYPES[container]));
	return embed(input, prepared, writer.layout(withXmp), signer);
}

export const signPng = (bytes: Uint8Array, input: ProvenanceInput, signer: Signer) =>
	signAs('png', bytes, input, signer);
export const signJpeg = (bytes: Uint8Array, input: ProvenanceInput, signer: Signer) =>
	signAs('jpeg', bytes, input, signer);
export const signWebp = (bytes: Uint8Array, input: ProvenanceInput, signer: Signer) =>
	signAs('webp', bytes, input, signer);

/** Signs a PNG, JPEG or WebP, chosen from the bytes. */
export async function signImage(
	bytes: Uint8Array,
	input: ProvenanceInput,
	signer: Signer
): Promise<Uint8Array> {
	const container = containerOf(bytes);
	if (!container) throw new SigningError('manifest.format', 'Only PNG, JPEG and WebP images can be signed');
	return signAs(container, bytes, input, signer);
}
