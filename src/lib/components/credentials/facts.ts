// Reads the free-form parts of a manifest (Rakkan's recipe, the facts Rakkan keeps in an ingredient's
// metadata, the CAWG metadata JSON-LD) into small typed records the components can show. Manifests are
// written by anyone: every field is checked, anything unexpected is left out, nothing throws.
import { commercialUseLabel, type CommercialUse } from '../../assets/catalog';
import { readIngredientFacts } from '../../provenance/c2pa/rakkan-assertions';
import type { PeopleRights } from '../../provenance/rights/people';
import { percent } from './words';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() ? value : undefined;
}

function num(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function list(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

export interface LicenseFacts {
	name: string;
	url?: string;
	/** In words, e.g. "commercial use allowed"; absent when not stated. */
	commercialUse?: string;
	note?: string;
}

const COMMERCIAL_USES: readonly string[] = ['allowed', 'prohibited', 'research-only', 'unknown'];

function licenseOf(value: unknown): LicenseFacts | undefined {
	if (!isObject(value)) return undefined;
	const name = text(value.name);
	if (!name) return undefined;
	const use = text(value.commercialUse);
	return {
		name,
		url: text(value.url),
		commercialUse:
			use === undefined
				? undefined
				: COMMERCIAL_USES.includes(use)
					? commercialUseLabel(use as CommercialUse)
					: `commercial use: ${use}`,
		note: text(value.note)
	};
}

export interface RightsFacts {
	status: string;
	note?: string;
	creditLine?: string;
}

function rightsOf(value: unknown): RightsFacts | undefined {
	if (!isObject(value)) return undefined;
	const status = text(value.status);
	return status ? { status, note: text(value.note), creditLine: text(value.creditLine) } : undefined;
}

/** What Rakkan recorded about one of its ingredients (metadata key `org.rakkan.ingredient`). */
export interface IngredientFacts {
	/** content: the photo the image started from; import: an image placed as a layer. */
	role: 'content' | 'import' | 'style' | 'model';
	id?: string;
	/** A style's share of the blend, 0..1. */
	weight?: number;
	rights?: RightsFacts;
	license?: LicenseFacts;
	trainingDataRights?: string;
	authors: string[];
	sha256?: string;
	bytes?: number;
	source?: string;
	/** The layers of the image it is in. */
	layers: string[];
	/** A picture's people: the faces found, the model release, the maker's statement. */
	people?: PeopleRights;
}

/** Rakkan's facts about an ingredient, read with the schema the writer uses; undefined when there are none. */
export function ingredientFacts(metadata: unknown): IngredientFacts | undefined {
	const facts = readIngredientFacts(metadata);
	if (!facts) return undefined;
	const base = { role: facts.role, layers: facts.layers ?? [], authors: [] as string[] };
	switch (facts.role) {
		case 'content':
		case 'import':
			return { ...base, sha256: facts.sha256, bytes: facts.bytes, people: facts.declared?.people };
		case 'style':
			return {
				...base,
				id: facts.id,
				sha256: facts.sha256,
				weight: facts.weight,
				rights: rightsOf(facts.rights),
				license: licenseOf(facts.license)
			};
		case 'model':
			return {
				...base,
				id: facts.id,
				license: licenseOf(facts.license),
				trainingDataRights: text(facts.trainingDataRights),
				authors: (facts.authors ?? []).filter((a) => !!a.trim()),
				source: text(facts.source)
			};
	}
}

// ------------------------------------------------------------------------------------------------------
// The recipe (org.rakkan.recipe)

export interface RecipeModel {
	id?: string;
	title: string;
	family?: string;
	license?: LicenseFacts;
	files: { role: string; sha256?: string }[];
}

export interface RecipeStyle {
	id?: string;
	title: string;
	artist?: string;
	weight?: number;
	rights?: RightsFacts;
	license?: LicenseFacts;
}

export interface RecipeFacts {
	generator?: string;
	content?: { title: string; sha256?: string; bytes?: number };
	models: RecipeModel[];
	styles: RecipeStyle[];
	/** Labelled settings in display order, e.g. ["Strength", "80%"]. */
	settings: [string, string][];
	versions: [string, string][];
	/** The recipe as JSON, for everything the summary leaves out (tile plans, regions). */
	json: string;
}

function yesNo(value: unknown): string | undefined {
	return typeof value === 'boolean' ? (value ? 'yes' : 'no') : undefined;
}

function px(value: unknown): string | undefined {
	const n = num(value);
	return n === undefined ? undefined : n === 0 ? 'full size' : `${n} px`;
}

export function recipeFacts(recipe: unknown): RecipeFacts | undefined {
	if (!isObject(recipe)) return undefined;
	const generator = isObject(recipe.generator)
		? [text(recipe.generator.name), text(recipe.generator.version)].filter(Boolean).join(' ') || undefined
		: undefined;
	const content = isObject(recipe.content)
		? {
				title: text(recipe.content.title) ?? 'the photo',
				sha256: text(recipe.content.sha256),
				bytes: num(recipe.content.bytes)
			}
		: undefined;
	const models: RecipeModel[] = list(recipe.models)
		.filter(isObject)
		.map((m) => ({
			id: text(m.id),
			title: text(m.title) ?? text(m.id) ?? 'a model',
			family: text(m.family),
			license: licenseOf(m.license),
			files: list(m.files)
				.filter(isObject)
				.map((f) => ({ role: text(f.role) ?? 'file', sha256: text(f.sha256) }))
		}));
	const styles: RecipeStyle[] = list(recipe.styles)
		.filter(isObject)
		.map((s) => ({
			id: text(s.id),
			title: text(s.title) ?? text(s.id) ?? 'a style image',
			artist: text(s.artist),
			weight: num(s.weight),
			rights: rightsOf(s.rights),
			license: licenseOf(s.license)
		}));
	const settings: [string, string | undefined][] = [
		['Strength', num(recipe.strength) === undefined ? undefined : percent(num(recipe.strength)!)],
		['Kept the photo’s colours', yesNo(recipe.preserveColors)],
		['Working resolution (long side)', px(recipe.workingSide)],
		['Style read at', px(recipe.styleSide)],
		[
			'Output size',
			isObject(recipe.output) && num(recipe.output.width) && num(recipe.output.height)
				? `${num(recipe.output.width)}×${num(recipe.output.height)}`
				: undefined
		],
		['Compute backend', text(recipe.backend)],
		['Painted in tiles', recipe.tilePlan === undefined ? undefined : 'yes (see the JSON below)'],
		[
			'Regions painted differently',
			list(recipe.regions).length ? `${list(recipe.regions).length} (see the JSON below)` : undefined
		]
	];
	if (isObject(recipe.options)) {
		for (const [name, value] of Object.entries(recipe.options)) {
			if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
				settings.push([`Model control “${name}”`, String(value)]);
		}
	}
	const versions: [string, string][] = isObject(recipe.versions)
		? Object.entries(recipe.versions).flatMap(([k, v]) =>
				typeof v === 'string' ? [[k, v] as [string, string]] : []
			)
		: [];
	return {
		generator,
		content,
		models,
		styles,
		settings: settings.filter((s): s is [string, string] => s[1] !== undefined),
		versions,
		json: JSON.stringify(recipe, null, 2)
	};
}

// ------------------------------------------------------------------------------------------------------
// CAWG metadata (JSON-LD with dc:, xmpRights:, plus:, Iptc4xmpExt: keys)

/** The rights-related fields of a `cawg.metadata` assertion, as [label, value] pairs in display order. */
export function metadataFacts(metadata: unknown): [string, string][] {
	if (!isObject(metadata)) return [];
	const out: [string, string][] = [];
	const add = (label: string, value: string | undefined) => {
		if (value) out.push([label, value]);
	};
	const strings = (value: unknown): string | undefined => {
		if (typeof value === 'string') return text(value);
		if (typeof value === 'boolean') return value ? 'yes' : 'no';
		const items = list(value)
			.map((v) => (typeof v === 'string' ? v : isObject(v) ? (text(v['@value']) ?? text(v.name)) : undefined))
			.filter((v): v is string => !!v);
		return items.length ? items.join(', ') : isObject(value) ? text(value['@value']) : undefined;
	};
	add('Creator', strings(metadata['dc:creator']));
	add('Copyright', strings(metadata['dc:rights']));
	add('Usage terms', strings(metadata['xmpRights:UsageTerms']));
	add('Web statement of rights', strings(metadata['xmpRights:WebStatement']));
	add('Rights-managed (marked)', strings(metadata['xmpRights:Marked']));
	const licensors = list(metadata['plus:Licensor'])
		.filter(isObject)
		.map((l) => {
			const name = text(l['plus:LicensorName']);
			const url = text(l['plus:LicensorURL']);
			return name && url ? `${name} (${url})` : (name ?? url);
		})
		.filter((l): l is string => !!l);
	add('Licensor', licensors.join(', ') || undefined);
	add('AI system used', strings(metadata['Iptc4xmpExt:AISystemUsed']));
	add('AI system version', strings(metadata['Iptc4xmpExt:AISystemVersionUsed']));
	return out;
}

/** `plus:DataMining` and `Iptc4xmpExt:DigitalSourceType` of a `cawg.metadata` assertion, when present. */
export function metadataUris(metadata: unknown): { dataMining?: string; digitalSourceType?: string } {
	if (!isObject(metadata)) return {};
	return {
		dataMining: text(metadata['plus:DataMining']),
		digitalSourceType: text(metadata['Iptc4xmpExt:DigitalSourceType'])
	};
}
