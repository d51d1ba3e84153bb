// What the gallery records about an upload's Content Credentials: the verifier's result (the same
// `verifyImage` as `rakkan verify`) turned into the Image JSON's credentials, a rights verdict from the
// rights model the studio uses (catalog cards for known styles and models), an attribution line and labels.
// Pure: the catalog and the remix parent's recorded verdict are passed in.
import type { Catalog } from '../../assets/catalog';
import { findStyle } from '../../assets/catalog';
import { type IngredientFacts, readIngredientFacts } from '../../provenance/c2pa/rakkan-assertions';
import {
	CONTENT_SUBJECT,
	ingredientFromContent,
	ingredientFromModel,
	ingredientFromParent,
	ingredientFromStyle,
	rightsVerdict,
	VERDICT_LEVELS,
	type RightsIngredient,
	type VerdictLevel
} from '../../provenance/rights/rights';
import { findingLine } from '../../provenance/rights/words';
import type { IngredientNode, VerifyResult } from '../../provenance/c2pa/verify';
import { UNDECLARED } from '../../provenance/rights/record-rights';
import type { PeopleRights } from '../../provenance/rights/people';
import type { ImageCredentials } from '../../gallery-api';
import type { StoredRights } from './schema';

/** Verdicts that keep an image out of the public listing until its owner confirms their right. */
export const GATED_LEVELS: readonly VerdictLevel[] = ['blocked', 'person-without-consent', 'rights-unclear'];

export const LABELS = {
	noCredentials: 'no Content Credentials',
	tampered: 'tampered',
	invalid: 'invalid Content Credentials',
	unchecked: 'Content Credentials not fully checked',
	nonCommercial: 'non-commercial',
	researchOnly: 'research only',
	personWithoutConsent: 'person without consent',
	rightsUnclear: 'rights unclear'
} as const;

export const CREDENTIALS_INVALID_REASON = "the image's Content Credentials did not validate";

/** Rakkan's own facts about an ingredient (written by the studio and the CLI), read with the shared schema. */
function rakkanFacts(node: IngredientNode): IngredientFacts | null {
	return readIngredientFacts(node.metadata);
}

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

/** What the remix parent lookup needs: the sha256 and instance id the parent ingredient names. */
export interface ParentReference {
	title: string;
	sha256: string | null;
	instanceId: string | null;
}

/** The ingredient this image was made from (the photo, or an earlier work), when it names one. */
export function parentReference(result: VerifyResult): ParentReference | null {
	const node =
		result.ingredients.find((i) => i.relationship === 'parentOf') ??
		result.ingredients.find((i) => rakkanFacts(i)?.role === 'content');
	if (!node) return null;
	const facts = rakkanFacts(node);
	const sha256 = facts?.role === 'content' ? facts.sha256 : null;
	const instanceId = node.manifest?.instanceId ?? null;
	if (!sha256 && !instanceId) return null;
	return { title: node.title ?? 'earlier work', sha256, instanceId };
}

interface RecipeStyle {
	id?: string;
	title?: string;
	artist?: string;
}

function recipeStyles(recipe: unknown): RecipeStyle[] {
	const styles = recipe && typeof recipe === 'object' ? (recipe as { styles?: unknown }).styles : undefined;
	return Array.isArray(styles) ? (styles.filter((s) => s && typeof s === 'object') as RecipeStyle[]) : [];
}

/** The recorded verdict of a gallery image the upload was made from. */
export interface KnownParent {
	level: VerdictLevel | null;
}

export interface RecordedCredentials {
	/** What the credentials say about the people in the photo (null when they say nothing or are invalid). */
	claimedPeople: PeopleRights | null;
	credentials: ImageCredentials;
	rights: StoredRights;
	attribution: string;
	labels: string[];
	styleIds: string[];
	modelIds: string[];
	instanceId: string | null;
}

function isLevel(value: string | null | undefined): value is VerdictLevel {
	return (VERDICT_LEVELS as readonly string[]).includes(value ?? '');
}

export function asVerdictLevel(value: string | null | undefined): VerdictLevel | null {
	return isLevel(value) ? value : null;
}

/** Longest attribution line kept (it is shown on every listing card). */
export const MAX_ATTRIBUTION = 500;
/** Model and style ids kept for the listing filters, and their longest length. */
export const MAX_FILTER_IDS = 16;
const MAX_FILTER_ID = 100;

/**
 * Turns the verifier's result (bounded by bounds.ts; `truncated` names the fields that were cut) into
 * what the gallery stores and shows.
 */
export function recordCredentials(
	result: VerifyResult,
	catalog: Catalog,
	parent: KnownParent | null = null,
	truncated: string[] = []
): RecordedCredentials {
	const state = result.state;
	const styles: ImageCredentials['styles'] = [];
	const models: ImageCredentials['models'] = [];
	const ingredients: ImageCredentials['ingredients'] = [];
	const rightsIngredients: RightsIngredient[] = [];
	const fromRecipe = recipeStyles(result.recipe);
	let claimedPeople: PeopleRights | null = null;

	for (const node of result.ingredients) {
		const facts = rakkanFacts(node);
		const title = node.title ?? node.label;
		const layers = facts?.layers ?? [];
		const inLayers = (ing: RightsIngredient): RightsIngredient => (layers.length ? { ...ing, layers } : ing);
		if (facts?.role === 'model' || (!facts && (node.dataTypes ?? []).includes('c2pa.types.generator'))) {
			const id = facts?.role === 'model' ? facts.id : title;
			const card = catalog.models.find((m) => m.id === id);
			const stated = facts?.role === 'model' ? facts.license : undefined;
			const license = card?.license.name ?? text(stated?.name) ?? 'license not stated';
			const commercialUse = card?.license.commercialUse ?? text(stated?.commercialUse) ?? 'unknown';
			models.push({ id, name: card?.title ?? title, license, commercialUse: commercialUse === 'allowed' });
			ingredients.push({ title, relationship: node.relationship ?? 'inputTo', attribution: null, license });
			rightsIngredients.push(
				inLayers(
					ingredientFromModel(
						card ?? {
							id,
							title,
							license: { name: license, url: '', commercialUse: commercialUseOf(commercialUse) },
							trainingDataRights: ''
						}
					)
				)
			);
			continue;
		}
		if (facts?.role === 'style') {
			const id = text(facts.id);
			const card = id ? findStyle(catalog, id) : undefined;
			const recipe = fromRecipe.find((s) => (id ? s.id === id : s.title === title));
			const artist = card?.artist ?? text(recipe?.artist);
			const license = card?.license.name ?? text(facts.license?.name);
			styles.push({ id, title: card?.title ?? title, artist, year: card?.date ?? null, license });
			ingredients.push({
				title: card?.title ?? title,
				relationship: node.relationship ?? 'inputTo',
				attribution: artist,
				license
			});
			rightsIngredients.push(
				inLayers(
					ingredientFromStyle(
						card ?? { source: 'upload', id: id ?? node.label, name: title, origin: 'unknown' }
					)
				)
			);
			continue;
		}
		ingredients.push({
			title,
			relationship: node.relationship ?? 'componentOf',
			attribution: node.manifest?.signer?.name ?? null,
			license: null
		});
		if (node.relationship === 'parentOf') {
			rightsIngredients.push(
				ingredientFromParent({
					id: node.label,
					title,
					level: parent?.level ?? undefined,
					incoming: { credential: node.manifest?.state === 'invalid' ? 'invalid' : 'valid' }
				})
			);
		} else if (facts?.role === 'content' || facts?.role === 'import') {
			// What the signer declared about the picture; without a declaration its origin is unknown, which
			// the owner's confirmation answers. An imported image's own credentials are judged like a photo's.
			// The photo's people facts are what the credentials claim about people (trusted or not, but valid).
			if (
				facts.role === 'content' &&
				facts.declared?.people &&
				(state === 'untrusted' || state === 'trusted')
			)
				claimedPeople ??= facts.declared.people;
			rightsIngredients.push(
				inLayers(
					ingredientFromContent(
						{
							name: title,
							...(facts.declared ?? UNDECLARED),
							...(node.manifest
								? { incoming: { credential: node.manifest.state === 'invalid' ? 'invalid' : 'valid' } }
								: {})
						},
						{ role: facts.role, id: node.label }
					)
				)
			);
		} else if (node.manifest) {
			rightsIngredients.push(
				ingredientFromParent({
					id: node.label,
					title,
					level: parent?.level ?? undefined,
					incoming: { credential: node.manifest.state === 'invalid' ? 'invalid' : 'valid' }
				})
			);
		}
	}

	const credentials: ImageCredentials = {
		state,
		summary: result.summary,
		signer: result.signer?.name ?? result.signer?.subject ?? null,
		claimGenerator: result.claimGenerator ?? null,
		signedAt: result.signedAt ?? null,
		ingredients,
		models,
		styles,
		recipe:
			result.recipe && typeof result.recipe === 'object' && !Array.isArray(result.recipe)
				? (result.recipe as Record<string, unknown>)
				: null,
		truncated
	};

	const labels: string[] = [];
	let rights: StoredRights;
	if (state === 'none') {
		labels.push(LABELS.noCredentials);
		rights = { verdict: null, label: null, nonCommercial: false, needsConfirmation: true, reasons: [] };
	} else {
		if (state === 'tampered') labels.push(LABELS.tampered);
		if (state === 'invalid') labels.push(LABELS.invalid);
		if (state === 'unchecked') labels.push(LABELS.unchecked);
		if (state === 'tampered' || state === 'invalid' || state === 'unchecked') {
			rightsIngredients.push({
				role: 'content',
				id: 'credentials',
				title: CONTENT_SUBJECT,
				status: 'unclear',
				reasons: [CREDENTIALS_INVALID_REASON],
				notes: []
			});
		}
		const verdict = rightsVerdict(rightsIngredients);
		const nonCommercial = rightsIngredients.some((i) => i.status === 'non-commercial');
		if (nonCommercial) labels.push(LABELS.nonCommercial);
		if (rightsIngredients.some((i) => i.status === 'research-only')) labels.push(LABELS.researchOnly);
		if (verdict.level === 'person-without-consent') labels.push(LABELS.personWithoutConsent);
		if (verdict.level === 'rights-unclear') labels.push(LABELS.rightsUnclear);
		rights = {
			verdict: verdict.level,
			label: verdict.sentence,
			nonCommercial,
			needsConfirmation: GATED_LEVELS.includes(verdict.level),
			reasons: verdict.findings.map(findingLine)
		};
	}

	const filterIds = (ids: (string | null)[]) =>
		[...new Set(ids.filter((id): id is string => !!id && id.length <= MAX_FILTER_ID))].slice(
			0,
			MAX_FILTER_IDS
		);
	const attribution = attributionOf(styles, models);
	return {
		claimedPeople,
		credentials,
		rights,
		attribution:
			attribution.length > MAX_ATTRIBUTION ? `${attribution.slice(0, MAX_ATTRIBUTION - 1)}…` : attribution,
		labels,
		styleIds: filterIds(styles.map((s) => s.id)),
		modelIds: filterIds(models.map((m) => m.id)),
		instanceId: result.instanceId ?? null
	};
}

function commercialUseOf(value: string): 'allowed' | 'prohibited' | 'research-only' | 'unknown' {
	return value === 'allowed' || value === 'prohibited' || value === 'research-only' ? value : 'unknown';
}

/** e.g. `after Rembrandt van Rijn, The Night Watch (1642), Public domain; model arbitrary-wyf, MIT`. */
export function attributionOf(
	styles: ImageCredentials['styles'],
	models: ImageCredentials['models']
): string {
	const parts = styles.map((s) => {
		const who = s.artist ? `${s.artist}, ` : '';
		const year = s.year ? ` (${s.year})` : '';
		return `after ${who}${s.title}${year}${s.license ? `, ${s.license}` : ''}`;
	});
	for (const m of models) parts.push(`model ${m.id}, ${m.license}`);
	return parts.join('; ');
}
