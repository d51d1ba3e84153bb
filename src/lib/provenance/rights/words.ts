// The rights model's words: reasons (clauses: no capital, no final period, so they can follow "because" or
// "Rights unclear:"), notes (full sentences that never change the verdict), verdict labels and sentences,
// the do-not-use gate's warning, and one finding as a line. The UI and the tests assert on these, so they
// are built here only. Pure.
import type {
	CawgEntryKey,
	CredentialState,
	CatalogStyleRights,
	GateSubject,
	ModelRights,
	UseGate,
	VerdictFinding,
	VerdictLevel
} from './rights';

/** What each CAWG entry forbids, in plain words. */
export const CAWG_USE_LABELS: Record<CawgEntryKey, string> = {
	'cawg.ai_training': 'AI training',
	'cawg.ai_generative_training': 'generative AI training',
	'cawg.data_mining': 'data mining',
	'cawg.ai_inference': 'AI inference'
};

/** What each PLUS `DMI-PROHIBITED*` value forbids, in plain words (the value is the URI's last segment). */
export const PLUS_PROHIBITION_LABELS: Record<string, string> = {
	'DMI-PROHIBITED': 'data mining',
	'DMI-PROHIBITED-AIMLTRAINING': 'AI/ML training',
	'DMI-PROHIBITED-GENAIMLTRAINING': 'generative AI/ML training',
	'DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING': 'data mining other than search engine indexing',
	'DMI-PROHIBITED-SEECONSTRAINT': 'data mining (see its other constraints)',
	'DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR': 'data mining (see its embedded rights expression)',
	'DMI-PROHIBITED-SEELINKEDRIGHTSEXPR': 'data mining (see its linked rights expression)'
};

function subjectNoun(subject: GateSubject): string {
	return subject === 'style' ? 'Style image' : 'Photo';
}

/** The warning text of a gate, exported so the UI and tests can assert on it. */
export function useGateWarning(
	subject: GateSubject,
	sourceName: string,
	forbidden: readonly string[],
	constrained: readonly string[],
	credential: CredentialState | undefined
): string | null {
	if (forbidden.length === 0 && constrained.length === 0) return null;
	const parts: string[] = [];
	const name = `${subjectNoun(subject)} "${sourceName}"`;
	if (forbidden.length > 0) {
		parts.push(
			`${name} carries a do-not-use notice: its rights holder does not allow ${joinClauses(forbidden)}.`
		);
		parts.push('Use it only if you have the right to, and confirm that you do.');
	}
	if (constrained.length > 0) {
		parts.push(
			`${forbidden.length > 0 ? 'It' : name} allows ${joinClauses(constrained)} only under conditions: check them before using it.`
		);
	}
	if (credential === 'invalid') {
		parts.push('Its Content Credentials did not validate, so the notice may have been altered.');
	}
	return parts.join(' ');
}

/** Words shared by the reasons; exported so the UI and the tests can assert on them. */
export const REASONS = {
	originUnknown: (subject: string) => `${subject}'s origin is unknown`,
	licenseTermsMissing: (subject: string) => `${subject} is marked as licensed but its license was not given`,
	nonCommercialLicense: (subject: string, licenseName: string) =>
		/\bNC\b|non-?commercial/i.test(licenseName)
			? `${subject} is ${licenseName}`
			: `the license of ${subject} (${licenseName}) does not allow commercial use`,
	researchOnlyLicense: (subject: string) => `${subject} is licensed for research use only`,
	commercialUseUnknown: (subject: string) =>
		`the license of ${subject} does not say whether commercial use is allowed`,
	noDerivatives: (subject: string, licenseName: string) =>
		`the license of ${subject} (${licenseName}) does not allow derivative works`,
	styleNoDerivatives: (subject: string, licenseName: string) =>
		`the license of ${subject} (${licenseName}) does not allow derivative works, and whether a style transfer is one is unclear`,
	styleRightsUnknown: (subject: string) => `the rights status of ${subject} is unknown`,
	personWithoutConsent: (subject: string) =>
		`${subject} shows an identifiable person and no consent is recorded`,
	/** `who` names the file, e.g. `the style image "wave.jpg"`. */
	notConfirmed: (gate: UseGate, who: string) =>
		`the rights holder of ${who} does not allow ${joinClauses(gate.forbidden)}, and you have not confirmed your right to use it`,
	parentWithoutRecord: (subject: string) => `${subject} carries no rights record`,
	parentInvalid: (subject: string) => `the Content Credentials of ${subject} did not validate`,
	parentLevel: (
		subject: string,
		level: Exclude<VerdictLevel, 'person-without-consent' | 'publishable-commercial'>
	) =>
		({
			blocked: `${subject} is blocked`,
			'rights-unclear': `the rights of ${subject} are unclear`,
			'research-only': `${subject} is for research use only`,
			'non-commercial-only': `${subject} is for non-commercial use only`
		})[level]
} as const;

/** Notes (full sentences); exported for the UI and the tests. */
export const NOTES = {
	jurisdiction: (style: CatalogStyleRights) =>
		`Jurisdiction note: style ${style.id} (${style.artist}, ${style.title}) is public domain in most countries, not everywhere. ${sentence(style.rightsNote)}`,
	trainingData: (model: ModelRights) =>
		`Training data of model ${model.id}: ${sentence(model.trainingDataRights)}`,
	confirmed: (warning: string) => `${warning} You confirmed that you have the right to use it.`,
	consentRecorded: (subject: string) =>
		`${capitalize(subject)} shows an identifiable person; their consent is recorded.`,
	credentialInvalid: (subject: string) => `The Content Credentials of ${subject} did not validate.`,
	fileSays: (subject: string, field: string, text: string) =>
		`${capitalize(subject)} says (${field}): "${clip(text, 300)}"`,
	madeWithAi: (subject: string, type: string) =>
		`${capitalize(subject)} says it was made with AI (${type.split('/').pop() ?? type}).`
} as const;

/** One finding as a line, e.g. `Non-commercial only: model cartoon-whitebox is CC BY-NC-SA 4.0 (layer 'Cartoon')`. */
export function findingLine(finding: VerdictFinding): string {
	const where = finding.layers.length
		? ` (${finding.layers.length > 1 ? 'layers' : 'layer'} ${finding.layers.map((l) => `'${l}'`).join(', ')})`
		: '';
	return `${VERDICT_LABELS[finding.level]}: ${finding.reason}${where}`;
}

/** Short labels for badges. */
export const VERDICT_LABELS: Record<VerdictLevel, string> = {
	blocked: 'Blocked',
	'person-without-consent': 'Person without consent',
	'rights-unclear': 'Rights unclear',
	'research-only': 'Research only',
	'non-commercial-only': 'Non-commercial only',
	'publishable-commercial': 'Commercial use allowed'
};

export const PUBLISHABLE_COMMERCIAL_SENTENCE = 'May be published; commercial use allowed.';
export const PERSON_WITHOUT_CONSENT_SENTENCE = 'Shows an identifiable person without recorded consent.';
export const NOTHING_KNOWN_REASON = 'nothing is known about what this image is made of';

export const nonCommercialSentence = (causes: readonly string[]): string =>
	`Non-commercial use only, because ${joinClauses(causes)}.`;
export const researchOnlySentence = (causes: readonly string[]): string =>
	`Research use only, because ${joinClauses(causes)}.`;
export const rightsUnclearSentence = (causes: readonly string[]): string =>
	`Rights unclear: ${joinClauses(causes)}.`;
export const blockedSentence = (causes: readonly string[]): string => `Blocked: ${joinClauses(causes)}.`;

/** The sentence of a level; `causes` are the first reasons of the ingredients that set it. */
export function verdictSentence(level: VerdictLevel, causes: readonly string[]): string {
	switch (level) {
		case 'blocked':
			return blockedSentence(causes);
		case 'person-without-consent':
			return PERSON_WITHOUT_CONSENT_SENTENCE;
		case 'rights-unclear':
			return rightsUnclearSentence(causes);
		case 'research-only':
			return researchOnlySentence(causes);
		case 'non-commercial-only':
			return nonCommercialSentence(causes);
		case 'publishable-commercial':
			return PUBLISHABLE_COMMERCIAL_SENTENCE;
	}
}

/** "a", "a and b", "a, b and c". */
export function joinClauses(clauses: readonly string[]): string {
	if (clauses.length <= 1) return clauses[0] ?? '';
	return `${clauses.slice(0, -1).join(', ')} and ${clauses[clauses.length - 1] ?? ''}`;
}

export function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Ends free text with a period unless it already ends with punctuation. */
export function sentence(text: string): string {
	const t = text.trim();
	return /[.!?)"]$/.test(t) ? t : `${t}.`;
}

export function clip(text: string, max: number): string {
	const t = text.trim();
	if (t.length <= max) return t;
	let cut = t.slice(0, max - 1);
	if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
	return `${cut}…`;
}
