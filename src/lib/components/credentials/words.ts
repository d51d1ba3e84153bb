// Plain words for what the verifier reports: validation states, actions, IPTC digital source types,
// ingredient relationships, CAWG permissions and C2PA status codes. Pure: no DOM, no Svelte.
import type { VerifyResult, VerifyState } from '../../provenance/c2pa/verify';
import { plusDataMiningValue, type CawgEntry, type CawgEntryKey } from '../../provenance/rights/rights';
import { CAWG_USE_LABELS, PLUS_PROHIBITION_LABELS } from '../../provenance/rights/words';

/** The headline for each validation state (what a person reads first). */
export const STATE_HEADLINES: Record<Exclude<VerifyState, 'invalid'>, string> = {
	trusted: 'Signed by a known signer',
	untrusted: 'Signed, but by a signer this browser does not know (self-signed or unknown certificate)',
	tampered: 'Tampered: the image changed after it was signed',
	unchecked: 'Content Credentials present, but not fully checked',
	none: 'No Content Credentials'
};

/** Codes that do not make credentials invalid on their own (the verifier's own list). */
const NOT_DECISIVE = new Set([
	'signingCredential.untrusted',
	'cawg.x509.credential.untrusted',
	'signingCredential.ocsp.unknown',
	'timeStamp.untrusted'
]);

export function stateHeadline(result: VerifyResult): string {
	if (result.state !== 'invalid') return STATE_HEADLINES[result.state];
	const first = result.failures.find((f) => !NOT_DECISIVE.has(f.code)) ?? result.failures[0];
	return `Invalid credentials: ${first?.explanation ?? 'the manifest cannot be read'}`;
}

/** One or two sentences under the headline: what the state means for the person looking at the image. */
export function stateExplanation(result: VerifyResult): string {
	const who = result.signer?.name ? `“${result.signer.name}”` : 'the signer';
	switch (result.state) {
		case 'trusted':
			return `The credentials are intact, the image matches them, and ${who} holds a certificate that chains to a root you trust.`;
		case 'untrusted':
			return `The credentials are intact and the image matches them, but nothing you trust vouches for ${who}: anyone can make a certificate with any name. If you know the signer, add their root certificate below.`;
		case 'tampered':
			return `The credentials themselves are intact, but the image's bytes are not the ones that were signed. What the credentials say below describes the original, not this file.`;
		case 'invalid':
			return 'The credentials are damaged or do not follow the C2PA rules, so nothing they say can be relied on.';
		case 'unchecked': {
			const limit = result.failures.find((f) => f.code.startsWith('rakkan.limit.'));
			return `The file carries credentials, but checking them would take more work than this verifier allows (${limit?.explanation ?? 'they are too complex to check'}), so nothing they say has been confirmed.`;
		}
		case 'none':
			return 'This image carries no C2PA manifest, so there is no signed record of who made it or how. Its XMP metadata, if any, is shown below; anyone can write it.';
	}
}

const IPTC_SOURCE_TYPE = 'http://cv.iptc.org/newscodes/digitalsourcetype/';

/** IPTC digital source types (the last segment of the URI) in plain words. */
export const DIGITAL_SOURCE_TYPE_WORDS: Record<string, string> = {
	trainedAlgorithmicMedia: 'made by an AI model',
	compositeWithTrainedAlgorithmicMedia: 'a capture changed with AI',
	algorithmicMedia: 'made by an algorithm (without a trained model)',
	compositeSynthetic: 'a composite that includes synthetic elements',
	algorithmicallyEnhanced: 'a capture enhanced by software',
	digitalCapture: 'captured by a camera or scanner',
	computationalCapture: 'a capture processed by the device (computational photography)',
	negativeFilm: 'a scan of a film negative',
	positiveFilm: 'a scan of a slide (positive film)',
	print: 'a scan of a print',
	humanEdits: 'edited by a person',
	minorHumanEdits: 'lightly edited by a person',
	compositeCapture: 'a composite of several captures',
	composite: 'a composite of several images',
	digitalArt: 'digital art made by a person',
	digitalCreation: 'made digitally by a person',
	virtualRecording: 'a recording of a virtual scene',
	screenCapture: 'a screenshot',
	dataDrivenMedia: 'made by software from data'
};

/** `http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia` → "made by an AI model". */
export function digitalSourceTypeWords(uri: string): string {
	const code = uri.startsWith(IPTC_SOURCE_TYPE) ? uri.slice(IPTC_SOURCE_TYPE.length) : uri;
	return DIGITAL_SOURCE_TYPE_WORDS[code.replace(/\/$/, '')] ?? `source type ${uri}`;
}

/** Whether the digital source type says AI was involved. */
export function isAiSourceType(uri: string | undefined): boolean {
	return !!uri && /trainedAlgorithmicMedia$/i.test(uri.trim());
}

/** C2PA actions in plain words. */
export const ACTION_WORDS: Record<string, string> = {
	'c2pa.created': 'Created',
	'c2pa.opened': 'Opened an existing file',
	'c2pa.placed': 'Placed an ingredient into it',
	'c2pa.edited': 'Edited',
	'c2pa.edited.metadata': 'Edited its metadata',
	'c2pa.filtered': 'Applied a filter',
	'c2pa.color_adjustments': 'Adjusted the colours',
	'c2pa.resized': 'Resized',
	'c2pa.cropped': 'Cropped',
	'c2pa.orientation': 'Rotated or flipped',
	'c2pa.drawing': 'Drew on it',
	'c2pa.converted': 'Converted to another format',
	'c2pa.transcoded': 'Re-encoded',
	'c2pa.repackaged': 'Repackaged',
	'c2pa.published': 'Published',
	'c2pa.removed': 'Removed something',
	'c2pa.redacted': 'Redacted something',
	'c2pa.watermarked': 'Watermarked',
	'c2pa.unknown': 'Something was done (not specified)'
};

export function actionWords(action: string): string {
	return ACTION_WORDS[action] ?? action;
}

export const RELATIONSHIP_WORDS: Record<string, string> = {
	parentOf: 'this image was made from it',
	componentOf: 'part of this image',
	inputTo: 'used to make this image, not part of it'
};

export function relationshipWords(relationship: string | undefined): string {
	if (!relationship) return 'relationship not stated';
	return RELATIONSHIP_WORDS[relationship] ?? relationship;
}

/** `c2pa.types.generator` → "generator (an AI model or program)". */
export function dataTypeWords(type: string): string {
	if (type === 'c2pa.types.generator') return 'generator (an AI model or program)';
	const model = /^c2pa\.types\.model(?:\.(.+))?$/.exec(type);
	if (model) return model[1] ? `model (${model[1]})` : 'model';
	if (type === 'c2pa.types.dataset') return 'data set';
	return type;
}

export const CAWG_USE_WORDS: Record<CawgEntry['use'], string> = {
	allowed: 'allowed',
	notAllowed: 'not allowed',
	constrained: 'allowed with conditions'
};

/** "AI training: not allowed", "data mining: allowed with conditions (…)". */
export function cawgEntryWords(key: CawgEntryKey, entry: CawgEntry): string {
	const info = entry.constraintInfo ? ` (${entry.constraintInfo})` : '';
	return `${capitalize(CAWG_USE_LABELS[key])}: ${CAWG_USE_WORDS[entry.use]}${info}`;
}

/** A PLUS `plus:DataMining` value in plain words. */
export function dataMiningWords(value: string): string {
	const code = plusDataMiningValue(value);
	if (code === 'DMI-ALLOWED') return 'data mining allowed';
	if (code === 'DMI-UNSPECIFIED') return 'data mining not specified';
	const prohibited = PLUS_PROHIBITION_LABELS[code];
	return prohibited ? `prohibited: ${prohibited}` : value;
}

/** What each C2PA status code means for a person, beside the verifier's own technical explanation. */
export const CODE_WORDS: Record<string, string> = {
	'signingCredential.untrusted':
		'The signing certificate does not lead to a root certificate you trust, so the signer’s name is only what the certificate claims.',
	'signingCredential.trusted': 'The signing certificate leads to a root certificate you trust.',
	'signingCredential.invalid': 'The signing certificate cannot be read or is not allowed to sign.',
	'signingCredential.revoked': 'The signing certificate was revoked by its issuer.',
	'signingCredential.expired': 'The signing certificate had expired when it signed.',
	'cawg.x509.credential.untrusted': 'The identity assertion’s certificate is not one you trust.',
	'claimSignature.missing': 'The credentials have no signature (or it points elsewhere).',
	'claimSignature.mismatch':
		'The signature does not match the claim: the credentials were changed after signing, or the signature is damaged.',
	'claimSignature.outsideValidity': 'It was signed outside the period its certificate was valid for.',
	'claim.missing': 'The credentials have no claim, the signed summary of everything else.',
	'claim.malformed': 'The claim cannot be read.',
	'claim.hardBindings.missing':
		'The credentials are not bound to the image’s bytes, so they could have been copied from any image.',
	'assertion.multipleHardBindings':
		'The credentials bind to the image in more than one way, which is not allowed.',
	'assertion.missing': 'The claim names a part of the credentials that is not there.',
	'assertion.hashedURI.mismatch': 'A part of the credentials was changed after signing.',
	'assertion.dataHash.mismatch':
		'The image’s bytes are not the ones that were signed: the image was changed after signing.',
	'assertion.dataHash.malformed': 'The record of the signed bytes cannot be read.',
	'algorithm.unsupported': 'The credentials use a method this verifier does not support.',
	'manifest.multipleParents': 'The credentials name more than one parent, which is not allowed.',
	'ingredient.manifest.mismatch': 'An ingredient’s own credentials do not match the record kept of them.',
	'timeStamp.untrusted': 'The time-stamp comes from an authority you do not trust.',
	'timeStamp.mismatch': 'The time-stamp does not match the signature.',
	'general.error': 'The file could not be read as Content Credentials.',
	'rakkan.manifest.cycle':
		'Two or more manifests name each other as ingredients, which no honestly signed file can do.'
};

export function codeWords(code: string): string | undefined {
	if (code.startsWith('rakkan.limit.'))
		return 'Checking these credentials would take more work than the verifier allows, so it stopped there: they are not confirmed.';
	return CODE_WORDS[code];
}

/** `2024-08-06T21:53:37.000Z` → "2024-08-06 21:53 UTC" (the same on every machine and locale). */
export function formatTime(iso: string | undefined): string | undefined {
	if (!iso) return undefined;
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return iso;
	return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} bytes`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A percentage of a 0..1 share, e.g. 0.7 → "70%". */
export function percent(share: number): string {
	return `${Math.round(share * 1000) / 10}%`;
}

/** Only http(s) addresses become links: manifests are written by anyone. */
export function safeHref(url: string | undefined): string | undefined {
	if (!url) return undefined;
	try {
		const parsed = new URL(url);
		return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
	} catch {
		return undefined;
	}
}

export function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
