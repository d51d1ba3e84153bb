// The rights model: what the user declared about their images, what the catalog cards say about models
// and styles, and what incoming files say about themselves (C2PA CAWG training-and-data-mining entries,
// XMP/IPTC/PLUS fields, whether the credential validated), turned into a list of ingredients and one
// verdict in plain words.
//
// Pure: no DOM, no Node, no I/O. Everything here is plain JSON-serializable data, so the studio, the worker,
// the CLI and the C2PA writer can share it and store it as it is.
//
// The words (reasons, notes, verdict sentences and labels) are in ./words.ts.
import type { CommercialUse, ModelCard, StyleCard, StyleRightsStatus } from '../../assets/catalog';
import {
	capitalize,
	CAWG_USE_LABELS,
	clip,
	NOTES,
	PLUS_PROHIBITION_LABELS,
	REASONS,
	useGateWarning,
	NOTHING_KNOWN_REASON,
	rightsUnclearSentence,
	joinClauses,
	verdictSentence
} from './words';
import { peopleFinding, type PeopleRights, releaseCovers } from './people';

// ---------------------------------------------------------------------------------------------------------
// What the user declares on import

export const CONTENT_ORIGINS = ['own-work', 'licensed', 'public-domain', 'unknown'] as const;
export type ContentOrigin = (typeof CONTENT_ORIGINS)[number];

/** The longest license name (or address) a user may declare: what the studio takes and the credentials hold. */
export const MAX_LICENSE_NAME = 200;

/** The license an image is used under, as the user declared it. */
export interface DeclaredLicense {
	name: string;
	url?: string;
	allowsCommercialUse: boolean;
	/** Whether the license allows adaptations (false for CC ...-ND licenses). */
	allowsDerivatives: boolean;
}

export interface DeclaredRights {
	origin: ContentOrigin;
	/** Read only when `origin` is `licensed`; a licensed image without terms is "rights unclear". */
	license?: DeclaredLicense;
}

/** Declared by the user for the photo they stylize. */
export interface ContentRights extends DeclaredRights {
	showsIdentifiablePerson: boolean;
	consentRecorded: boolean;
	/** What the face detector found and the maker's model release; when present it decides about people. */
	people?: PeopleRights;
}

/** What came with an imported file besides the user's declaration. */
export interface ImportedFile {
	/** The file name shown to the user. */
	name?: string;
	/** Facts read from the file itself (its C2PA manifest, its XMP). */
	incoming?: IncomingRights;
	/** The user confirmed they have the right to use the file despite a do-not-use notice in it. */
	confirmed?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Styles and models

/** A built-in style reference, from its catalog card. */
export interface CatalogStyleRights {
	source: 'catalog';
	id: string;
	title: string;
	artist: string;
	rightsStatus: StyleRightsStatus;
	license: { name: string; url: string; commercialUse: CommercialUse };
	rightsNote: string;
}

/** A style image the user uploaded: declared like content, plus what the file says about itself. */
export interface UploadedStyleRights extends DeclaredRights, ImportedFile {
	source: 'upload';
	/** Stable within one recipe, e.g. `upload-1`. */
	id: string;
	name: string;
}

export type StyleRights = CatalogStyleRights | UploadedStyleRights;

export interface ModelRights {
	id: string;
	title: string;
	license: { name: string; url: string; commercialUse: CommercialUse; note?: string };
	/** The card's `trainingData.rightsStatus`, free text. */
	trainingDataRights: string;
}

export function styleRightsFromCard(card: StyleCard): CatalogStyleRights {
	return {
		source: 'catalog',
		id: card.id,
		title: card.title,
		artist: card.artist,
		rightsStatus: card.rightsStatus,
		license: { name: card.license.name, url: card.license.url, commercialUse: card.license.commercialUse },
		rightsNote: card.rightsNote
	};
}

export function modelRightsFromCard(card: ModelCard): ModelRights {
	const { name, url, commercialUse, note } = card.license;
	return {
		id: card.id,
		title: card.title,
		license: note === undefined ? { name, url, commercialUse } : { name, url, commercialUse, note },
		trainingDataRights: card.trainingData.rightsStatus
	};
}

// ---------------------------------------------------------------------------------------------------------
// Facts read from incoming files

/** The CAWG training-and-data-mining entries (assertion `cawg.training-mining`). */
export const CAWG_ENTRY_KEYS = [
	'cawg.ai_training',
	'cawg.ai_generative_training',
	'cawg.data_mining',
	'cawg.ai_inference'
] as const;
export type CawgEntryKey = (typeof CAWG_ENTRY_KEYS)[number];
export type CawgUse = 'allowed' | 'notAllowed' | 'constrained';
export interface CawgEntry {
	use: CawgUse;
	/** `constraint_info` of a constrained entry. */
	constraintInfo?: string;
}
export type TrainingMining = Partial<Record<CawgEntryKey, CawgEntry>>;

/**
 * The state of the file's Content Credentials: `none` (no manifest), `invalid` (a manifest that failed
 * validation: tampered or damaged), `valid` (well-formed and signed, signer not on a trust list), `trusted`.
 */
export type CredentialState = 'none' | 'invalid' | 'valid' | 'trusted';

export interface IncomingRights {
	/** Absent when this part of the facts did not look at C2PA (e.g. facts read from XMP only). */
	credential?: CredentialState;
	trainingMining?: TrainingMining;
	/** `plus:DataMining`, a PLUS vocabulary URI such as `http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED`. */
	dataMining?: string;
	/** `xmpRights:UsageTerms` (x-default). */
	usageTerms?: string;
	/** `dc:rights` (x-default). */
	rights?: string;
	/** `Iptc4xmpExt:DigitalSourceType`, a full IPTC URI. */
	digitalSourceType?: string;
}

const CAWG_USE_RANK: Record<CawgUse, number> = { allowed: 0, constrained: 1, notAllowed: 2 };

function cawgUseOf(value: unknown): CawgUse | undefined {
	if (typeof value !== 'string') return undefined;
	const v = value
		.trim()
		.toLowerCase()
		.replace(/[_\s-]/g, '');
	if (v === 'allowed') return 'allowed';
	if (v === 'notallowed') return 'notAllowed';
	if (v === 'constrained') return 'constrained';
	return undefined;
}

/**
 * Reads the data of a `cawg.training-mining` assertion (or the older `c2pa.training-mining`, whose keys
 * start with `c2pa.`) as a reader such as c2pa-rs reports it: `{entries: {"cawg.ai_training": {use,
 * constraint_info}}}`. Tolerant: unknown keys and malformed entries are skipped, never thrown on.
 */
export function trainingMiningFromAssertion(data: unknown): TrainingMining {
	const out: TrainingMining = {};
	if (typeof data !== 'object' || data === null) return out;
	const entries = (data as { entries?: unknown }).entries;
	if (typeof entries !== 'object' || entries === null) return out;
	for (const [rawKey, entry] of Object.entries(entries as Record<string, unknown>)) {
		const key = `cawg.${rawKey.replace(/^(cawg|c2pa)\./, '')}` as CawgEntryKey;
		if (!CAWG_ENTRY_KEYS.includes(key) || typeof entry !== 'object' || entry === null) continue;
		const use = cawgUseOf((entry as { use?: unknown }).use);
		if (!use) continue;
		const info = (entry as { constraint_info?: unknown }).constraint_info;
		const next: CawgEntry = typeof info === 'string' && info ? { use, constraintInfo: info } : { use };
		const prev = out[key];
		if (!prev || CAWG_USE_RANK[use] > CAWG_USE_RANK[prev.use]) out[key] = next;
	}
	return out;
}

/** Maps a reader's validation state (c2pa-rs: `Invalid`, `Valid`, `Trusted`; none without a manifest). */
export function credentialStateFrom(validationState: string | null | undefined): CredentialState {
	switch (validationState?.trim().toLowerCase()) {
		case 'trusted':
			return 'trusted';
		case 'valid':
			return 'valid';
		case 'invalid':
			return 'invalid';
		default:
			return 'none';
	}
}

/**
 * Combines facts from several readers (the C2PA manifest, the XMP packet): the most restrictive CAWG entry
 * per key wins, the first credential state given wins, and for XMP fields the first value given wins.
 */
export function mergeIncomingRights(...parts: readonly IncomingRights[]): IncomingRights {
	const out: IncomingRights = {};
	const mining: TrainingMining = {};
	for (const part of parts) {
		out.credential ??= part.credential;
		out.dataMining ??= part.dataMining;
		out.usageTerms ??= part.usageTerms;
		out.rights ??= part.rights;
		out.digitalSourceType ??= part.digitalSourceType;
		for (const key of CAWG_ENTRY_KEYS) {
			const entry = part.trainingMining?.[key];
			const prev = mining[key];
			if (entry && (!prev || CAWG_USE_RANK[entry.use] > CAWG_USE_RANK[prev.use])) mining[key] = entry;
		}
	}
	if (Object.keys(mining).length > 0) out.trainingMining = mining;
	for (const key of Object.keys(out) as (keyof IncomingRights)[]) if (out[key] === undefined) delete out[key];
	return out;
}

// ---------------------------------------------------------------------------------------------------------
// The do-not-use gate for imported images

export const PLUS_VOCAB = 'http://ns.useplus.org/ldf/vocab/';

/** The PLUS data-mining value (`DMI-...`) of a `plus:DataMining` URI or bare value, upper-cased. */
export function plusDataMiningValue(value: string): string {
	const trimmed = value.trim();
	return (trimmed.startsWith(PLUS_VOCAB) ? trimmed.slice(PLUS_VOCAB.length) : trimmed).toUpperCase();
}

export interface UseGate {
	/** True while the file forbids AI use and the user has not confirmed their right to use it anyway. */
	blocked: boolean;
	/** Names the source and what it forbids; stays set after the user confirms, for the record. */
	warning: string | null;
	confirmed: boolean;
	/** Each forbidden use with where it was stated, e.g. `AI inference (cawg.ai_inference: notAllowed)`. */
	forbidden: string[];
	/** Uses allowed only under conditions, e.g. `AI training (cawg.ai_training: constrained: ...)`. */
	constrained: string[];
}

export type GateSubject = 'style' | 'content';

/**
 * The gate for any imported image whose own metadata forbids AI use: CAWG `notAllowed` for AI training,
 * generative training, inference or data mining, or a PLUS `DMI-PROHIBITED*` value. Such an image is
 * blocked until the user confirms they have the right to use it; the warning stays after they confirm.
 * CAWG `constrained` entries only warn. A notice in a credential that failed validation still counts (it
 * may be the rights holder's real wish), and the warning says the credential did not validate.
 */
export function aiUseGate(
	incoming: IncomingRights | undefined,
	sourceName: string,
	options: { subject?: GateSubject; confirmed?: boolean } = {}
): UseGate {
	const confirmed = options.confirmed ?? false;
	const forbidden: string[] = [];
	const constrained: string[] = [];
	for (const key of CAWG_ENTRY_KEYS) {
		const entry = incoming?.trainingMining?.[key];
		if (entry?.use === 'notAllowed') forbidden.push(`${CAWG_USE_LABELS[key]} (${key}: notAllowed)`);
		else if (entry?.use === 'constrained') {
			const info = entry.constraintInfo ? `: ${clip(entry.constraintInfo, 200)}` : '';
			constrained.push(`${CAWG_USE_LABELS[key]} (${key}: constrained${info})`);
		}
	}
	if (incoming?.dataMining) {
		const value = plusDataMiningValue(incoming.dataMining);
		if (value.startsWith('DMI-PROHIBITED')) {
			const label = PLUS_PROHIBITION_LABELS[value] ?? 'data mining';
			forbidden.push(`${label} (PLUS ${value})`);
		}
	}
	const warning = useGateWarning(
		options.subject ?? 'style',
		sourceName,
		forbidden,
		constrained,
		incoming?.credential
	);
	return { blocked: forbidden.length > 0 && !confirmed, warning, confirmed, forbidden, constrained };
}

/** {@link aiUseGate} for a style image. */
export function styleUseGate(
	incoming: IncomingRights | undefined,
	sourceName: string,
	options: { confirmed?: boolean } = {}
): UseGate {
	return aiUseGate(incoming, sourceName, { ...options, subject: 'style' });
}

// ---------------------------------------------------------------------------------------------------------
// Ingredients

export const INGREDIENT_STATUSES = [
	'blocked',
	'unclear',
	'research-only',
	'non-commercial',
	'clear'
] as const;
/** Most restrictive first (the order of {@link INGREDIENT_STATUSES}). */
export type IngredientStatus = (typeof INGREDIENT_STATUSES)[number];

export interface RightsIngredient {
	/** content: the photo or webcam picture; import: an image added as a layer. */
	role: 'content' | 'import' | 'style' | 'model' | 'parent';
	id: string;
	title: string;
	/** How reasons name it, e.g. `the imported image "scan.jpg"` (content: "the photo"). */
	subject?: string;
	/** The names of the layers in the export it is part of, when known. */
	layers?: string[];
	status: IngredientStatus;
	/** Why the status is not `clear`, most restrictive first; the first one explains the status. */
	reasons: string[];
	/** Sentences that inform and never change the verdict. */
	notes: string[];
	license?: { name: string; url?: string };
	/** Set when the image shows an identifiable person. */
	person?: { consentRecorded: boolean; reason?: string };
}

/** Collects findings for one ingredient, then orders them (most restrictive first). */
class Findings {
	private readonly found: { status: IngredientStatus; reason: string }[] = [];
	readonly notes: string[] = [];

	add(status: IngredientStatus, reason: string): void {
		this.found.push({ status, reason });
	}

	get status(): IngredientStatus {
		return this.found.reduce<IngredientStatus>((worst, f) => moreRestrictiveStatus(worst, f.status), 'clear');
	}

	get reasons(): string[] {
		const rank = (s: IngredientStatus) => INGREDIENT_STATUSES.indexOf(s);
		return [...this.found].sort((a, b) => rank(a.status) - rank(b.status)).map((f) => f.reason);
	}
}

function moreRestrictiveStatus(a: IngredientStatus, b: IngredientStatus): IngredientStatus {
	return INGREDIENT_STATUSES.indexOf(a) <= INGREDIENT_STATUSES.indexOf(b) ? a : b;
}

function ingredient(
	base: Pick<RightsIngredient, 'role' | 'id' | 'title'> &
		Partial<Pick<RightsIngredient, 'license' | 'person' | 'subject'>>,
	findings: Findings
): RightsIngredient {
	const out: RightsIngredient = {
		role: base.role,
		id: base.id,
		title: base.title,
		status: findings.status,
		reasons: findings.reasons,
		notes: findings.notes
	};
	if (base.subject) out.subject = base.subject;
	if (base.license) out.license = base.license;
	if (base.person) out.person = base.person;
	return out;
}

/** Declared origin and license of an imported image (content or uploaded style). */
function declaredFindings(
	declared: DeclaredRights,
	subject: string,
	role: 'content' | 'style',
	f: Findings
): void {
	switch (declared.origin) {
		case 'own-work':
		case 'public-domain':
			return;
		case 'unknown':
			f.add('unclear', REASONS.originUnknown(subject));
			return;
		case 'licensed': {
			const license = declared.license;
			if (!license || !license.name.trim()) {
				f.add('unclear', REASONS.licenseTermsMissing(subject));
				return;
			}
			if (!license.allowsDerivatives) {
				if (role === 'content') f.add('blocked', REASONS.noDerivatives(subject, license.name));
				else f.add('unclear', REASONS.styleNoDerivatives(subject, license.name));
			}
			if (!license.allowsCommercialUse)
				f.add('non-commercial', REASONS.nonCommercialLicense(subject, license.name));
			return;
		}
	}
}

const AI_SOURCE_TYPES =
	/\/(trainedAlgorithmicMedia|compositeWithTrainedAlgorithmicMedia|algorithmicMedia|compositeSynthetic)$/;

/** What an imported file says about itself: the do-not-use gate, credential state, its own terms. */
function incomingFindings(
	file: ImportedFile,
	subject: string,
	gateSubject: GateSubject,
	fallbackName: string,
	f: Findings,
	noteInvalidCredential = true
): void {
	const incoming = file.incoming;
	if (!incoming) return;
	const gate = aiUseGate(incoming, file.name ?? fallbackName, {
		subject: gateSubject,
		confirmed: file.confirmed ?? false
	});
	const who = file.name === undefined ? subject : `${subject} "${file.name}"`;
	if (gate.blocked) f.add('blocked', REASONS.notConfirmed(gate, who));
	else if (gate.warning)
		f.notes.push(gate.forbidden.length > 0 ? NOTES.confirmed(gate.warning) : gate.warning);
	if (noteInvalidCredential && incoming.credential === 'invalid' && gate.forbidden.length === 0)
		f.notes.push(NOTES.credentialInvalid(subject));
	if (incoming.rights) f.notes.push(NOTES.fileSays(subject, 'dc:rights', incoming.rights));
	if (incoming.usageTerms) f.notes.push(NOTES.fileSays(subject, 'xmpRights:UsageTerms', incoming.usageTerms));
	if (incoming.digitalSourceType && AI_SOURCE_TYPES.test(incoming.digitalSourceType.trim())) {
		f.notes.push(NOTES.madeWithAi(subject, incoming.digitalSourceType.trim()));
	}
}

function declaredLicense(declared: DeclaredRights): RightsIngredient['license'] {
	if (declared.origin !== 'licensed' || !declared.license) return undefined;
	const { name, url } = declared.license;
	return url ? { name, url } : { name };
}

export const CONTENT_SUBJECT = 'the photo';
export const UPLOADED_STYLE_SUBJECT = 'the style image';

/** How reasons name an imported image. */
export const importSubject = (name: string): string => `the imported image "${name}"`;

/**
 * A picture whose pixels are in the image: the photo (or webcam picture) the document started from, or an
 * image imported as a layer. Each goes through the same declarations and the same do-not-use gate.
 */
export function ingredientFromContent(
	content: ContentRights & ImportedFile,
	{ role = 'content', id = 'content' }: { role?: 'content' | 'import'; id?: string } = {}
): RightsIngredient {
	const title = content.name ?? 'Photo';
	const subject = role === 'import' ? importSubject(title) : CONTENT_SUBJECT;
	const f = new Findings();
	declaredFindings(content, subject, 'content', f);
	incomingFindings(content, subject, 'content', 'photo', f);
	let person: RightsIngredient['person'];
	const people = content.people && peopleFinding(subject, content.people);
	if (content.people) {
		const detected = content.people.faces.count > 0 && !content.people.notARealPerson;
		if (people?.level === 'rights-unclear') f.add('unclear', people.reason);
		else if (people) person = { consentRecorded: false, reason: people.reason };
		else if (detected || content.showsIdentifiablePerson) {
			// A person the maker says is there, though the detector found no face, needs a release too.
			person = { consentRecorded: releaseCovers(content.people) };
			if (person.consentRecorded) f.notes.push(NOTES.consentRecorded(subject));
		}
	} else if (content.showsIdentifiablePerson) {
		person = { consentRecorded: content.consentRecorded };
		if (content.consentRecorded) f.notes.push(NOTES.consentRecorded(subject));
	}
	return ingredient({ role, id, title, subject, license: declaredLicense(content), person }, f);
}

function catalogStyleStatus(style: CatalogStyleRights, subject: string, f: Findings): void {
	const use = style.license.commercialUse;
	switch (style.rightsStatus) {
		case 'unknown':
			f.add('unclear', REASONS.styleRightsUnknown(subject));
			return;
		case 'public-domain-in-most-countries':
			f.notes.push(NOTES.jurisdiction(style));
			break;
		case 'public-domain':
		case 'licensed':
			break;
	}
	// A public-domain work whose card leaves commercial use "unknown" is still free to use: the rights
	// status decides. Only a licensed style with unknown terms is unclear.
	if (use === 'prohibited')
		f.add('non-commercial', REASONS.nonCommercialLicense(subject, style.license.name));
	else if (use === 'research-only') f.add('research-only', REASONS.researchOnlyLicense(subject));
	else if (use === 'unknown' && style.rightsStatus === 'licensed') {
		f.add('unclear', REASONS.commercialUseUnknown(subject));
	}
}

export function ingredientFromStyle(style: StyleRights | StyleCard): RightsIngredient {
	const rights = 'kind' in style ? styleRightsFromCard(style) : style;
	const f = new Findings();
	if (rights.source === 'catalog') {
		catalogStyleStatus(rights, `style ${rights.id}`, f);
		const { name, url } = rights.license;
		return ingredient({ role: 'style', id: rights.id, title: rights.title, license: { name, url } }, f);
	}
	declaredFindings(rights, UPLOADED_STYLE_SUBJECT, 'style', f);
	incomingFindings(rights, UPLOADED_STYLE_SUBJECT, 'style', rights.name, f);
	return ingredient(
		{ role: 'style', id: rights.id, title: rights.name, license: declaredLicense(rights) },
		f
	);
}

export function ingredientFromModel(model: ModelRights | ModelCard): RightsIngredient {
	const rights = 'kind' in model ? modelRightsFromCard(model) : model;
	const subject = `model ${rights.id}`;
	const f = new Findings();
	switch (rights.license.commercialUse) {
		case 'allowed':
			break;
		case 'prohibited':
			f.add('non-commercial', REASONS.nonCommercialLicense(subject, rights.license.name));
			break;
		case 'research-only':
			f.add('research-only', REASONS.researchOnlyLicense(subject));
			break;
		case 'unknown':
			f.add('unclear', REASONS.commercialUseUnknown(subject));
			break;
	}
	if (rights.trainingDataRights.trim()) f.notes.push(NOTES.trainingData(rights));
	const { name, url } = rights.license;
	return ingredient({ role: 'model', id: rights.id, title: rights.title, license: { name, url } }, f);
}

/** An earlier work this one is made from that carries its own rights record (the remix chain). */
export interface ParentRights {
	id: string;
	title: string;
	/** The verdict recorded with the earlier work, when it has one. */
	level?: VerdictLevel;
	incoming?: IncomingRights;
}

const STATUS_OF_LEVEL: Record<Exclude<VerdictLevel, 'person-without-consent'>, IngredientStatus> = {
	blocked: 'blocked',
	'rights-unclear': 'unclear',
	'research-only': 'research-only',
	'non-commercial-only': 'non-commercial',
	'publishable-commercial': 'clear'
};

const parentSubject = (title: string): string => `the earlier work "${title}"`;

export function ingredientFromParent(parent: ParentRights): RightsIngredient {
	const subject = parentSubject(parent.title);
	const f = new Findings();
	let person: RightsIngredient['person'];
	if (parent.level === undefined) f.add('unclear', REASONS.parentWithoutRecord(subject));
	else if (parent.level === 'person-without-consent') person = { consentRecorded: false };
	else if (parent.level !== 'publishable-commercial') {
		f.add(STATUS_OF_LEVEL[parent.level], REASONS.parentLevel(subject, parent.level));
	}
	if (parent.incoming?.credential === 'invalid') f.add('unclear', REASONS.parentInvalid(subject));
	incomingFindings({ incoming: parent.incoming }, subject, 'content', parent.title, f, false);
	return ingredient({ role: 'parent', id: parent.id, title: parent.title, person }, f);
}

/** Everything a stylized image is made of. */
export interface RightsRecipe {
	content?: ContentRights & ImportedFile;
	/** Catalog cards, catalog style rights or uploads, in blend order. */
	styles?: readonly (StyleCard | StyleRights)[];
	model?: ModelCard | ModelRights;
	parents?: readonly ParentRights[];
}

/** The ingredients of a recipe, in the order content, styles, model, parents. */
export function ingredientsOf(recipe: RightsRecipe): RightsIngredient[] {
	const out: RightsIngredient[] = [];
	if (recipe.content) out.push(ingredientFromContent(recipe.content));
	for (const style of recipe.styles ?? []) out.push(ingredientFromStyle(style));
	if (recipe.model) out.push(ingredientFromModel(recipe.model));
	for (const parent of recipe.parents ?? []) out.push(ingredientFromParent(parent));
	return out;
}

// ---------------------------------------------------------------------------------------------------------
// The verdict

/**
 * Verdict levels, most restrictive first; the most restrictive level any ingredient reaches wins:
 * 1. `blocked`: something may not be used at all yet (a do-not-use notice not confirmed; a photo whose
 *    license forbids derivative works).
 * 2. `person-without-consent`: an identifiable person without recorded consent: whatever the licenses say,
 *    do not publish until consent is recorded.
 * 3. `rights-unclear`: an origin or license nobody knows, so no use can be promised, not even research.
 * 4. `research-only`: a known restriction that still allows research use.
 * 5. `non-commercial-only`: a known restriction that allows any non-commercial use.
 * 6. `publishable-commercial`: every ingredient is clear.
 * Notes (jurisdiction, training data, confirmed notices) never change the level.
 */
export const VERDICT_LEVELS = [
	'blocked',
	'person-without-consent',
	'rights-unclear',
	'research-only',
	'non-commercial-only',
	'publishable-commercial'
] as const;
export type VerdictLevel = (typeof VERDICT_LEVELS)[number];

export interface Verdict {
	level: VerdictLevel;
	/** One sentence in plain words, e.g. "Non-commercial use only, because model x is CC BY-NC-SA 4.0." */
	sentence: string;
	/** Every reason of every ingredient, most restrictive first. */
	reasons: string[];
	/** Every note of every ingredient (never changes the level). */
	notes: string[];
	/** Ids of the ingredients that set the level. */
	causes: string[];
	/** Every reason with its level, the ingredient it is about and the layers it is in, worst first. */
	findings: VerdictFinding[];
}

export interface VerdictFinding {
	level: VerdictLevel;
	reason: string;
	/** The ingredient's title. */
	ingredient: string;
	role: RightsIngredient['role'];
	/** The layers the ingredient is in (empty when not known, e.g. for an image read back from a file). */
	layers: string[];
}

const LEVEL_OF_STATUS: Record<IngredientStatus, VerdictLevel> = {
	blocked: 'blocked',
	unclear: 'rights-unclear',
	'research-only': 'research-only',
	'non-commercial': 'non-commercial-only',
	clear: 'publishable-commercial'
};

const levelRank = (level: VerdictLevel): number => VERDICT_LEVELS.indexOf(level);

/** Who shows a person: only pictures and parents carry `person`. */
function personSubject(ing: RightsIngredient): string {
	return ing.role === 'parent' ? parentSubject(ing.title) : (ing.subject ?? CONTENT_SUBJECT);
}

export function rightsVerdict(ingredients: readonly RightsIngredient[]): Verdict {
	if (ingredients.length === 0) {
		return {
			level: 'rights-unclear',
			sentence: rightsUnclearSentence([NOTHING_KNOWN_REASON]),
			reasons: [NOTHING_KNOWN_REASON],
			notes: [],
			causes: [],
			findings: [
				{ level: 'rights-unclear', reason: NOTHING_KNOWN_REASON, ingredient: '', role: 'content', layers: [] }
			]
		};
	}
	// Every finding with the level it stands for: the ingredient's reasons at its status's level, and the
	// person without consent at its own level.
	const ranked: { level: VerdictLevel; reason: string; id: string; first: boolean; ing: RightsIngredient }[] =
		[];
	for (const ing of ingredients) {
		ing.reasons.forEach((reason, i) =>
			ranked.push({ level: LEVEL_OF_STATUS[ing.status], reason, id: ing.id, first: i === 0, ing })
		);
		if (ing.person && !ing.person.consentRecorded) {
			ranked.push({
				level: 'person-without-consent',
				reason: ing.person.reason ?? REASONS.personWithoutConsent(personSubject(ing)),
				id: ing.id,
				first: true,
				ing
			});
		}
	}
	ranked.sort((a, b) => levelRank(a.level) - levelRank(b.level)); // stable: ingredient order within a level
	const level = ranked[0]?.level ?? 'publishable-commercial';
	const deciding = ranked.filter((r) => r.level === level && r.first);
	const decidingReasons = unique(deciding.map((r) => r.reason));
	// What the face detector counted is said as it is ("The photo shows 2 people; no model release recorded.").
	const counted = level === 'person-without-consent' && ingredients.some((ing) => ing.person?.reason);
	return {
		level,
		sentence: counted
			? `${capitalize(joinClauses(decidingReasons))}.`
			: verdictSentence(level, decidingReasons),
		reasons: unique(ranked.map((r) => r.reason)),
		notes: unique(ingredients.flatMap((ing) => ing.notes)),
		causes: unique(deciding.map((r) => r.id)),
		findings: ranked.map((r) => ({
			level: r.level,
			reason: r.reason,
			ingredient: r.ing.title,
			role: r.ing.role,
			layers: r.ing.layers ?? []
		}))
	};
}

// ---------------------------------------------------------------------------------------------------------
// Small text helpers

function unique(items: readonly string[]): string[] {
	return [...new Set(items)];
}
