// Rakkan's own Content Credentials verifier: reads the manifest store of a PNG, JPEG or WebP (its own or anyone
// else's), checks the active manifest's claim signature, every assertion hash, the data hash against the
// bytes and the certificate chain against the given trust anchors, and says what it found in a few words.
// It never throws: whatever the bytes are, the answer is a state and a list of failures.
//
// The work is bounded by the file: each manifest is read and summarised once (however many ingredients name
// it, cycles included), each box is hashed at most once per algorithm (however often a claim names it), and
// everything counted stays within VERIFY_LIMITS. Reaching a limit gives the state `unchecked`.
import { readSoftBinding, SOFT_BINDING_LABEL, type SoftBinding } from './soft-binding';
import * as x509 from './x509';
import { digest, equalBytes, fromUtf8, isHashAlg, own, toHex, type HashAlg } from './bytes';
import {
	cborBudget,
	decodeCbor,
	decodeCborObject,
	isCborObject,
	spendItem,
	Tagged,
	type CborBudget,
	type CborObject
} from './cbor';
import { readManifestStore, type ImageContainer, containerOf } from './container';
import { parseCoseSign1, signingTime, verifyClaimSignature, type CoseSign1 } from './cose';
import { describe, ProvenanceError } from './errors';
import { contentChildren, parseJumbf, superChildren, type JumbfSuperBox } from './jumbf';
import { trainingMiningFromAssertion, type TrainingMining } from '../rights/rights';
import { type Read, RECIPE_LABEL, RECORD_LABEL, type RecordData, readRecord } from './rakkan-assertions';
import { pemToDer } from './certificates';
import { isLimitCode, LimitError, VERIFY_LIMITS, within, type LimitName, type VerifyLimits } from './limits';

/**
 * `unchecked`: the file carries credentials, but checking them would have cost more than {@link VERIFY_LIMITS}
 * allow; the failure with a `rakkan.limit.*` code says which limit. Nothing they say has been confirmed.
 */
export type VerifyState = 'trusted' | 'untrusted' | 'tampered' | 'invalid' | 'unchecked' | 'none';

export const VERIFY_STATES: readonly VerifyState[] = [
	'trusted',
	'untrusted',
	'tampered',
	'invalid',
	'unchecked',
	'none'
];

export interface StatusEntry {
	/** A C2PA validation status code (e.g. `assertion.dataHash.mismatch`) or `general.error`. */
	code: string;
	url?: string;
	explanation: string;
}

export interface StatusLists {
	success: StatusEntry[];
	informational: StatusEntry[];
	failure: StatusEntry[];
}

export interface SignerInfo {
	/** The signing certificate's common name (or organization). */
	name?: string;
	organization?: string;
	issuer: string;
	subject: string;
	alg?: string;
	notBefore: string;
	notAfter: string;
}

export interface ActionSummary {
	action: string;
	description?: string;
	digitalSourceType?: string;
	softwareAgent?: string;
	when?: string;
	parameters?: unknown;
}

export interface IngredientNode {
	/** The assertion label, e.g. `c2pa.ingredient.v3__1`. */
	label: string;
	title?: string;
	format?: string;
	relationship?: string;
	description?: string;
	informationalURI?: string;
	dataTypes?: string[];
	metadata?: unknown;
	/** Failures the signer recorded when it validated this ingredient (its validationResults). */
	recordedFailures?: StatusEntry[];
	/**
	 * The ingredient's own manifest, when it carries one in this store. Described in full where the tree first
	 * reaches it; where it is reached again, `repeated` is set and its ingredients are not listed again.
	 */
	manifest?: ManifestSummary;
}

export interface ManifestSummary {
	label: string;
	title?: string;
	claimGenerator?: string;
	instanceId?: string;
	signer?: SignerInfo;
	signedAt?: string;
	/** For a nested manifest: did its own signature and assertion hashes check out? */
	state?: 'trusted' | 'untrusted' | 'invalid';
	/** Described in full at its first place in the ingredient tree; here without its actions and ingredients. */
	repeated?: true;
	actions: ActionSummary[];
	ingredients: IngredientNode[];
	failures: StatusEntry[];
}

export interface VerifyResult {
	state: VerifyState;
	/** One sentence a person can read. */
	summary: string;
	container?: ImageContainer;
	activeManifest?: string;
	signer?: SignerInfo;
	/** When a time-stamp authority says the claim was signed (ISO 8601). */
	signedAt?: string;
	claimGenerator?: string;
	title?: string;
	instanceId?: string;
	actions: ActionSummary[];
	ingredients: IngredientNode[];
	recipe?: unknown;
	/** `org.rakkan.record` read with its schema: what the image is made of and its rights verdict. */
	record?: Read<RecordData>;
	trainingMining?: TrainingMining;
	/** The `cawg.metadata` JSON-LD, when present. */
	metadata?: unknown;
	/** Fingerprints of the pixels the signer recorded (`c2pa.soft-binding`), for the whole asset. */
	softBindings?: SoftBinding[];
	failures: StatusEntry[];
	results: StatusLists;
}

export interface VerifyOptions {
	/** PEM texts of root certificates to trust (the CLI's --trust, the studio's own root). */
	trustAnchors?: string[];
	/** Checks certificate validity at this time when the signature has no time-stamp (default now). */
	now?: Date;
	/** Stricter limits than {@link VERIFY_LIMITS} (a larger value is ignored). */
	limits?: Partial<VerifyLimits>;
}

/** Codes that make a manifest invalid (a data hash mismatch alone is "tampered" instead). */
const TAMPERED = 'assertion.dataHash.mismatch';
/** Failure codes that leave a manifest well-formed and intact (c2pa-rs reports it as Valid). */
const NOT_INVALIDATING = new Set([
	'signingCredential.untrusted',
	'cawg.x509.credential.untrusted',
	'signingCredential.ocsp.unknown',
	'timeStamp.untrusted'
]);

class Collector {
	readonly results: StatusLists = { success: [], informational: [], failure: [] };
	success(code: string, url: string | undefined, explanation: string): void {
		this.results.success.push({ code, url, explanation });
	}
	fail(code: string, url: string | undefined, explanation: string): void {
		this.results.failure.push({ code, url, explanation });
	}
	info(code: string, url: string | undefined, explanation: string): void {
		this.results.informational.push({ code, url, explanation });
	}
}

// ------------------------------------------------------------------------------------------------------
// JSON-safe copies of CBOR data (for reports, the CLI's --json and the studio)

const MAX_JSON_DEPTH = 64;

export function jsonSafe(value: unknown, depth = 0): unknown {
	if (depth > MAX_JSON_DEPTH) return '[nested too deeply]';
	if (value instanceof Uint8Array) return value.length <= 64 ? toHex(value) : { bytes: value.length };
	if (value instanceof Tagged) return jsonSafe(value.value, depth + 1);
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
	if (Array.isArray(value)) return value.map((v) => jsonSafe(v, depth + 1));
	if (value instanceof Map) {
		const out: Record<string, unknown> = {};
		for (const [k, v] of value) out[String(k)] = jsonSafe(v, depth + 1);
		return out;
	}
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v, depth + 1);
		return out;
	}
	return value;
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

// ------------------------------------------------------------------------------------------------------
// The work budget of one verification

/** What one verification has spent so far, against its limits; and what it need not compute twice. */
class Work {
	readonly limits: VerifyLimits;
	readonly cbor: CborBudget;
	hashedBytes = 0;
	signatureChecks = 0;
	ingredients = 0;
	actions = 0;
	readonly #hashes = new Map<Uint8Array, Map<HashAlg, Promise<Uint8Array>>>();
	/** Certificate issuer checks done, by the two certificates' bytes. */
	readonly issuers = new Map<string, Promise<boolean>>();

	constructor(stricter: Partial<VerifyLimits> = {}) {
		const limits: VerifyLimits = { ...VERIFY_LIMITS };
		for (const name of Object.keys(limits) as LimitName[]) {
			const value = stricter[name];
			if (typeof value === 'number' && value >= 0 && value < limits[name]) limits[name] = value;
		}
		this.limits = limits;
		this.cbor = cborBudget(limits.cborItems);
	}

	/** Counts `amount` more of `name` against its limit (throws a LimitError past it). */
	spend(name: 'hashedBytes' | 'ingredients' | 'actions' | 'signatureChecks', amount: number): void {
		this[name] += amount;
		within(name, this[name], this.limits[name]);
	}

	/** The hash of these bytes (a box's contents): computed once per algorithm, however often it is asked for. */
	hash(alg: HashAlg, bytes: Uint8Array): Promise<Uint8Array> {
		let byAlg = this.#hashes.get(bytes);
		if (!byAlg) this.#hashes.set(bytes, (byAlg = new Map()));
		let hash = byAlg.get(alg);
		if (!hash) {
			this.spend('hashedBytes', bytes.length);
			hash = digest(alg, bytes);
			byAlg.set(alg, hash);
		}
		return hash;
	}
}

/** Parsed JSON (a JSON claim or assertion) held to the same depth, text and item limits as CBOR. */
function checkJson(value: unknown, work: Work, depth = 0): void {
	spendItem(work.cbor);
	if (typeof value === 'string') within('stringBytes', value.length);
	else if (value && typeof value === 'object') {
		within('cborDepth', depth + 1);
		for (const v of Object.values(value)) checkJson(v, work, depth + 1);
	}
}

function parseJson(bytes: Uint8Array, work: Work, what: string): unknown {
	const value: unknown = JSON.parse(fromUtf8(bytes, 'manifest', what));
	checkJson(value, work);
	return value;
}

// ------------------------------------------------------------------------------------------------------
// The manifest store

interface Manifest {
	box: JumbfSuperBox;
	label: string;
	assertions: Map<string, JumbfSuperBox>;
	claimBox?: JumbfSuperBox;
	claimBytes?: Uint8Array;
	claim?: CborObject;
	signatureBox?: JumbfSuperBox;
	cose?: CoseSign1;
	problems: StatusEntry[];
}

function readManifest(box: JumbfSuperBox, work: Work): Manifest {
	const label = box.label ?? '';
	const manifest: Manifest = { box, label, assertions: new Map(), problems: [] };
	const base = `self#jumbf=/c2pa/${label}`;
	const store = superChildren(box).find((c) => c.typeCode === 'c2as');
	for (const a of store ? superChildren(store) : []) if (a.label) manifest.assertions.set(a.label, a);
	manifest.claimBox = superChildren(box).find((c) => c.typeCode === 'c2cl');
	manifest.signatureBox = superChildren(box).find((c) => c.typeCode === 'c2cs');
	if (!manifest.claimBox) {
		manifest.problems.push({ code: 'claim.missing', url: base, explanation: 'the manifest has no claim' });
		return manifest;
	}
	const claimContent = contentChildren(manifest.claimBox).find((c) => c.type === 'cbor' || c.type === 'json');
	if (!claimContent) {
		manifest.problems.push({
			code: 'claim.malformed',
			url: base,
			explanation: 'the claim box has no content'
		});
		return manifest;
	}
	manifest.claimBytes = claimContent.payload;
	try {
		manifest.claim =
			claimContent.type === 'cbor'
				? decodeCborObject(claimContent.payload, 'the claim', work.cbor)
				: (parseJson(claimContent.payload, work, 'the claim') as CborObject);
		if (!isCborObject(manifest.claim)) throw new Error('the claim is not a map');
	} catch (error) {
		if (error instanceof LimitError) throw error;
		manifest.claim = undefined;
		manifest.problems.push({
			code: 'claim.malformed',
			url: base,
			explanation: `the claim cannot be read: ${describe(error)}`
		});
		return manifest;
	}
	// Counted before any signature is checked: a claim naming 100,000 assertions is refused at once.
	within('assertionReferences', assertionRefs(manifest.claim).length, work.limits.assertionReferences);
	const v2 = manifest.claimBox.label === 'c2pa.claim.v2';
	if (
		v2 &&
		!/^urn:c2pa:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(:[^:]*){0,2}$/i.test(label)
	) {
		manifest.problems.push({
			code: 'claim.malformed',
			url: base,
			explanation: `the manifest label "${label}" is not a C2PA 2 label`
		});
	}
	const signatureRef = manifest.claim.signature;
	const expected = v2 ? [`${base}/c2pa.signature`] : ['self#jumbf=c2pa.signature', `${base}/c2pa.signature`];
	if (!manifest.signatureBox || typeof signatureRef !== 'string' || !expected.includes(signatureRef)) {
		manifest.problems.push({
			code: 'claimSignature.missing',
			url: base,
			explanation: manifest.signatureBox
				? `the claim points to a signature (${String(signatureRef)}) that is not this manifest's`
				: 'the manifest has no signature'
		});
		return manifest;
	}
	const sig = contentChildren(manifest.signatureBox).find((c) => c.type === 'cbor');
	try {
		if (!sig) throw new Error('the signature box has no CBOR content');
		manifest.cose = parseCoseSign1(sig.payload, work.cbor);
	} catch (error) {
		if (error instanceof LimitError) throw error;
		manifest.problems.push({
			code: 'claimSignature.mismatch',
			url: `${base}/c2pa.signature`,
			explanation: `the signature cannot be read: ${describe(error)}`
		});
	}
	return manifest;
}

function assertionRefs(claim: CborObject): unknown[] {
	const out: unknown[] = [];
	for (const key of ['assertions', 'created_assertions', 'gathered_assertions']) {
		const list = claim[key];
		if (Array.isArray(list)) out.push(...list);
	}
	return out;
}

/** `self#jumbf=c2pa.assertions/x` or `self#jumbf=/c2pa/<manifest>/c2pa.assertions/x` → [manifest?, x]. */
function assertionTarget(url: string): { manifest?: string; label: string } | undefined {
	const m = /^self#jumbf=(?:\/c2pa\/([^/]+)\/)?c2pa\.assertions\/([^/]+)$/.exec(url);
	return m ? { manifest: m[1], label: m[2]! } : undefined;
}

function claimAlg(claim: CborObject): HashAlg {
	const alg = claim.alg;
	return isHashAlg(alg) ? alg : 'sha256';
}

/** Checks every hashed URI of the claim against the assertion boxes (each box hashed once). */
async function checkAssertionHashes(manifest: Manifest, out: Collector, work: Work): Promise<void> {
	const claim = manifest.claim!;
	const defaultAlg = claimAlg(claim);
	const base = `self#jumbf=/c2pa/${manifest.label}/c2pa.assertions/`;
	for (const ref of assertionRefs(claim)) {
		if (!isCborObject(ref) || typeof ref.url !== 'string' || !(ref.hash instanceof Uint8Array)) {
			out.fail('claim.malformed', undefined, 'an assertion reference in the claim is not a hashed URI');
			continue;
		}
		const target = assertionTarget(ref.url);
		const box =
			target && (!target.manifest || target.manifest === manifest.label)
				? manifest.assertions.get(target.label)
				: undefined;
		if (!box) {
			out.fail(
				'assertion.missing',
				ref.url,
				`the claim refers to an assertion that is not in the manifest: ${ref.url}`
			);
			continue;
		}
		const alg = isHashAlg(ref.alg) ? ref.alg : defaultAlg;
		const hash = await work.hash(alg, box.contents);
		if (equalBytes(hash, ref.hash)) {
			out.success('assertion.hashedURI.match', base + target!.label, `hashed uri matched: ${ref.url}`);
		} else {
			out.fail(
				'assertion.hashedURI.mismatch',
				base + target!.label,
				`the assertion ${target!.label} was changed after signing`
			);
		}
	}
}

/** The decoded content of an assertion box; undefined when it cannot be read (a limit still throws). */
function assertionData(box: JumbfSuperBox | undefined, work: Work): unknown {
	if (!box) return undefined;
	const content = contentChildren(box)[0];
	if (!content) return undefined;
	try {
		if (content.type === 'cbor') return decodeCbor(content.payload, work.cbor);
		if (content.type === 'json') return parseJson(content.payload, work, 'a JSON assertion');
	} catch (error) {
		if (error instanceof LimitError) throw error;
		return undefined;
	}
	return undefined;
}

function baseLabel(label: string): string {
	return label.replace(/__\d+$/, '');
}

/** Finds the hard binding and checks it against the bytes. */
async function checkDataHash(
	manifest: Manifest,
	bytes: Uint8Array,
	out: Collector,
	work: Work
): Promise<void> {
	const labels = [...manifest.assertions.keys()];
	const bindings = labels.filter((l) => /^c2pa\.hash\.(data|bmff|boxes|collection\.data)/.test(baseLabel(l)));
	const url = `self#jumbf=/c2pa/${manifest.label}/c2pa.assertions/`;
	if (bindings.length === 0) {
		out.fail(
			'claim.hardBindings.missing',
			`self#jumbf=/c2pa/${manifest.label}`,
			'the manifest does not bind to the image (no hard binding)'
		);
		return;
	}
	if (bindings.length > 1) {
		out.fail(
			'assertion.multipleHardBindings',
			`self#jumbf=/c2pa/${manifest.label}`,
			'the manifest has more than one hard binding'
		);
		return;
	}
	const label = bindings[0]!;
	if (baseLabel(label) !== 'c2pa.hash.data') {
		out.fail('algorithm.unsupported', url + label, `the hard binding ${label} is not supported here`);
		return;
	}
	const data = assertionData(manifest.assertions.get(label), work);
	if (!isCborObject(data) || !(data.hash instanceof Uint8Array)) {
		out.fail('assertion.dataHash.malformed', url + label, 'the data hash assertion cannot be read');
		return;
	}
	const alg = isHashAlg(data.alg) ? data.alg : claimAlg(manifest.claim!);
	const exclusions: { start: number; length: number }[] = [];
	for (const ex of Array.isArray(data.exclusions) ? data.exclusions : []) {
		if (!isCborObject(ex) || !Number.isSafeInteger(ex.start) || !Number.isSafeInteger(ex.length)) {
			out.fail(
				'assertion.dataHash.malformed',
				url + label,
				'a data hash exclusion is not a pair of whole numbers'
			);
			return;
		}
		exclusions.push({ start: ex.start as number, length: ex.length as number });
	}
	exclusions.sort((a, b) => a.start - b.start);
	const parts: Uint8Array[] = [];
	let at = 0;
	for (const ex of exclusions) {
		if (ex.start < at || ex.length < 0 || ex.start + ex.length > bytes.length) {
			out.fail(
				TAMPERED,
				url + label,
				'the excluded ranges do not fit the file: it was cut or changed after signing'
			);
			return;
		}
		parts.push(bytes.subarray(at, ex.start));
		at = ex.start + ex.length;
	}
	parts.push(bytes.subarray(at));
	let total = 0;
	for (const p of parts) total += p.length;
	const joined = new Uint8Array(total);
	let offset = 0;
	for (const p of parts) {
		joined.set(p, offset);
		offset += p.length;
	}
	const hash = await work.hash(alg, joined);
	if (equalBytes(hash, data.hash)) out.success('assertion.dataHash.match', url + label, 'data hash valid');
	else out.fail(TAMPERED, url + label, 'the image bytes were changed after signing (data hash mismatch)');
}

// ------------------------------------------------------------------------------------------------------
// Certificates

function signerInfo(cose: CoseSign1): SignerInfo | undefined {
	try {
		const cert = new x509.X509Certificate(own(cose.certChain[0]!));
		const cn = cert.subjectName.getField('CN')[0];
		const org = cert.subjectName.getField('O')[0];
		return {
			name: cn ?? org,
			organization: org,
			issuer: cert.issuer,
			subject: cert.subject,
			alg: cose.alg,
			notBefore: cert.notBefore.toISOString(),
			notAfter: cert.notAfter.toISOString()
		};
	} catch {
		return undefined;
	}
}

/** Whether `issuer` signed `cert`: checked once per pair of certificates (by their bytes) per file. */
async function issuedBy(
	cert: x509.X509Certificate,
	issuer: x509.X509Certificate,
	work: Work
): Promise<boolean> {
	if (cert.issuer !== issuer.subject) return false;
	const key = `${toHex(new Uint8Array(cert.rawData))}/${toHex(new Uint8Array(issuer.rawData))}`;
	let verdict = work.issuers.get(key);
	if (!verdict) {
		work.spend('signatureChecks', 1);
		verdict = cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }).catch(() => false);
		work.issuers.set(key, verdict);
	}
	return verdict;
}

/** True when the chain leads from the leaf to one of the anchors. */
async function chainsToAnchor(chain: Uint8Array[], anchors: Uint8Array[], work: Work): Promise<boolean> {
	if (anchors.length === 0) return false;
	let certs: x509.X509Certificate[];
	let roots: x509.X509Certificate[];
	try {
		certs = chain.map((der) => new x509.X509Certificate(own(der)));
		roots = anchors.map((der) => new x509.X509Certificate(own(der)));
	} catch {
		return false;
	}
	let current = certs[0]!;
	// Each certificate is used once: a chain that loops back on itself ends instead of going round.
	const pool = certs.slice(1);
	for (let step = 0; step <= pool.length; step++) {
		if (roots.some((root) => equalBytes(new Uint8Array(root.rawData), new Uint8Array(current.rawData))))
			return true;
		for (const root of roots) if (await issuedBy(current, root, work)) return true;
		let next: x509.X509Certificate | undefined;
		for (const candidate of pool) {
			if (await issuedBy(current, candidate, work)) {
				next = candidate;
				break;
			}
		}
		if (!next) return false;
		pool.splice(pool.indexOf(next), 1);
		current = next;
	}
	return false;
}

async function checkSignature(
	manifest: Manifest,
	out: Collector,
	options: VerifyOptions,
	anchors: Uint8Array[],
	work: Work
): Promise<{ signedAt?: Date; trusted: boolean }> {
	const cose = manifest.cose!;
	const url = `self#jumbf=/c2pa/${manifest.label}/c2pa.signature`;
	work.spend('signatureChecks', 1);
	const check = await verifyClaimSignature(cose, manifest.claimBytes!);
	if (!check.ok) {
		out.fail(check.code, url, check.explanation);
		return { trusted: false };
	}
	out.success('claimSignature.validated', url, 'claim signature valid');
	const signedAt = signingTime(cose);
	const at = signedAt ?? options.now ?? new Date();
	let cert: x509.X509Certificate | undefined;
	try {
		cert = new x509.X509Certificate(own(cose.certChain[0]!));
	} catch (error) {
		out.fail('signingCredential.invalid', url, `the signing certificate cannot be read: ${describe(error)}`);
		return { signedAt, trusted: false };
	}
	if (at < cert.notBefore || at > cert.notAfter) {
		out.fail(
			'claimSignature.outsideValidity',
			url,
			`signed ${signedAt ? 'at' : 'without a time-stamp, checked at'} ${at.toISOString()}, outside the certificate's validity (${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()})`
		);
	} else {
		out.success('claimSignature.insideValidity', url, 'claim signature valid');
	}
	const trusted = await chainsToAnchor(cose.certChain, anchors, work);
	if (trusted)
		out.success('signingCredential.trusted', url, 'the signing certificate chains to a trusted root');
	else out.fail('signingCredential.untrusted', url, 'signing certificate untrusted');
	return { signedAt, trusted };
}

// ------------------------------------------------------------------------------------------------------
// Reading the story: actions, ingredients, recipe

function agentName(agent: unknown): string | undefined {
	if (typeof agent === 'string') return agent;
	if (isCborObject(agent) && typeof agent.name === 'string') {
		return typeof agent.version === 'string' ? `${agent.name} ${agent.version}` : agent.name;
	}
	return undefined;
}

function readActions(manifest: Manifest, work: Work): ActionSummary[] {
	const out: ActionSummary[] = [];
	for (const [label, box] of manifest.assertions) {
		if (!/^c2pa\.actions(\.v2)?$/.test(baseLabel(label))) continue;
		const data = assertionData(box, work);
		if (!isCborObject(data) || !Array.isArray(data.actions)) continue;
		work.spend('actions', data.actions.length);
		for (const action of data.actions) {
			if (!isCborObject(action) || typeof action.action !== 'string') continue;
			out.push({
				action: action.action,
				description: str(action.description),
				digitalSourceType: str(action.digitalSourceType)?.trim(),
				softwareAgent: agentName(action.softwareAgent),
				when: str(action.when),
				parameters: action.parameters === undefined ? undefined : jsonSafe(action.parameters)
			});
		}
	}
	return out;
}

function claimGenerator(claim: CborObject | undefined): string | undefined {
	if (!claim) return undefined;
	const info = claim.claim_generator_info;
	const first = Array.isArray(info) ? info[0] : info;
	if (isCborObject(first) && typeof first.name === 'string') {
		return typeof first.version === 'string' ? `${first.name} ${first.version}` : first.name;
	}
	return str(claim.claim_generator);
}

interface StoreContext {
	manifests: Map<string, Manifest>;
	anchors: Uint8Array[];
	options: VerifyOptions;
	work: Work;
	/** Each manifest's summary once made; `busy` while it is being made (reaching it again is a cycle). */
	summaries: Map<string, ManifestSummary | 'busy'>;
}

/** The failure codes an ingredient assertion records: v3 validationResults, v1/v2 validationStatus. */
function recordedFailures(data: CborObject): StatusEntry[] | undefined {
	const results = data.validationResults;
	const active = isCborObject(results) ? results.activeManifest : undefined;
	const list = isCborObject(active) ? active.failure : data.validationStatus;
	if (!Array.isArray(list)) return undefined;
	const out: StatusEntry[] = [];
	for (const item of list.slice(0, 100)) {
		if (!isCborObject(item) || typeof item.code !== 'string') continue;
		out.push({ code: item.code, url: str(item.url), explanation: str(item.explanation) ?? item.code });
	}
	return out;
}

/** Where the tree reaches a manifest again: its facts without its actions and ingredients. */
function repeatOf(summary: ManifestSummary): ManifestSummary {
	return { ...summary, actions: [], ingredients: [], repeated: true };
}

/** An ingredient's own manifest as this place in the tree shows it, with the ingredient's hash checked. */
async function ingredientManifest(
	ref: CborObject & { url: string },
	nested: Manifest,
	ctx: StoreContext,
	depth: number
): Promise<ManifestSummary> {
	const known = ctx.summaries.get(nested.label);
	let summary: ManifestSummary;
	if (known === 'busy') {
		// A manifest that contains itself: no signed hash can say so truthfully.
		summary = {
			label: nested.label,
			state: 'invalid',
			repeated: true,
			actions: [],
			ingredients: [],
			failures: [
				{
					code: 'rakkan.manifest.cycle',
					url: ref.url,
					explanation:
						"the ingredient's manifest contains this manifest itself (the manifests refer to each other in a circle)"
				}
			]
		};
	} else if (known) summary = repeatOf(known);
	else summary = await summarizeNested(nested, ctx, depth);
	if (ref.hash instanceof Uint8Array) {
		const alg = isHashAlg(ref.alg) ? ref.alg : 'sha256';
		if (!equalBytes(await ctx.work.hash(alg, nested.box.contents), ref.hash)) {
			const mismatch = {
				code: 'ingredient.manifest.mismatch',
				url: ref.url,
				explanation: 'the ingredient manifest does not match its hash'
			};
			summary = { ...summary, state: 'invalid', failures: [...summary.failures, mismatch] };
		}
	}
	return summary;
}

async function readIngredients(
	manifest: Manifest,
	ctx: StoreContext,
	depth: number
): Promise<IngredientNode[]> {
	const out: IngredientNode[] = [];
	for (const [label, box] of manifest.assertions) {
		if (!/^c2pa\.ingredient(\.v[23])?$/.test(baseLabel(label))) continue;
		ctx.work.spend('ingredients', 1);
		const data = assertionData(box, ctx.work);
		if (!isCborObject(data)) {
			out.push({ label });
			continue;
		}
		const dataTypes = Array.isArray(data.dataTypes ?? data.data_types)
			? ((data.dataTypes ?? data.data_types) as unknown[])
					.map((t) => (isCborObject(t) ? str(t.type) : undefined))
					.filter((t): t is string => !!t)
			: undefined;
		const node: IngredientNode = {
			label,
			title: str(data['dc:title']),
			format: str(data['dc:format']),
			relationship: str(data.relationship),
			description: str(data.description),
			informationalURI: str(data.informationalURI ?? data.informational_URI),
			dataTypes,
			metadata: data.metadata === undefined ? undefined : jsonSafe(data.metadata),
			recordedFailures: recordedFailures(data)
		};
		const ref = data.activeManifest ?? data.c2pa_manifest;
		if (isCborObject(ref) && typeof ref.url === 'string') {
			const m = /^self#jumbf=\/c2pa\/([^/]+)$/.exec(ref.url);
			const nested = m ? ctx.manifests.get(m[1]!) : undefined;
			if (nested) node.manifest = await ingredientManifest({ ...ref, url: ref.url }, nested, ctx, depth + 1);
		}
		out.push(node);
	}
	return out;
}

/** Checks and describes an ingredient's manifest: once per manifest, whatever the number of paths to it. */
async function summarizeNested(
	manifest: Manifest,
	ctx: StoreContext,
	depth: number
): Promise<ManifestSummary> {
	within('nesting', depth, ctx.work.limits.nesting);
	ctx.summaries.set(manifest.label, 'busy');
	const out = new Collector();
	for (const p of manifest.problems) out.fail(p.code, p.url, p.explanation);
	let trusted = false;
	let signedAt: Date | undefined;
	if (manifest.claim && manifest.cose && manifest.claimBytes) {
		({ trusted, signedAt } = await checkSignature(manifest, out, ctx.options, ctx.anchors, ctx.work));
		await checkAssertionHashes(manifest, out, ctx.work);
	}
	const invalid = out.results.failure.some((f) => !NOT_INVALIDATING.has(f.code));
	const summary: ManifestSummary = {
		label: manifest.label,
		title: str(manifest.claim?.['dc:title']),
		claimGenerator: claimGenerator(manifest.claim),
		instanceId: str(manifest.claim?.instanceID),
		signer: manifest.cose ? signerInfo(manifest.cose) : undefined,
		signedAt: signedAt?.toISOString(),
		state: invalid ? 'invalid' : trusted ? 'trusted' : 'untrusted',
		actions: readActions(manifest, ctx.work),
		ingredients: await readIngredients(manifest, ctx, depth),
		failures: out.results.failure
	};
	ctx.summaries.set(manifest.label, summary);
	return summary;
}

// ------------------------------------------------------------------------------------------------------
// The verdict

function summaryFor(result: VerifyResult): string {
	const who = result.signer?.name ? `signed by ${result.signer.name}` : 'signed';
	const when = result.signedAt ? ` on ${result.signedAt.slice(0, 10)}` : '';
	const first = result.failures.find((f) => !NOT_INVALIDATING.has(f.code));
	switch (result.state) {
		case 'trusted':
			return `Content Credentials valid and trusted: ${who}${when}.`;
		case 'untrusted':
			return `Content Credentials valid, ${who}${when}, but the signer is not on your trust list (unknown signer).`;
		case 'tampered':
			return `Tampered: the image was changed after it was ${who} (${first?.explanation ?? 'data hash mismatch'}).`;
		case 'invalid':
			return `Invalid Content Credentials: ${first?.explanation ?? 'the manifest cannot be read'}.`;
		case 'unchecked':
			return `Content Credentials not fully checked: ${first?.explanation ?? 'the credentials are too complex to check'}. Nothing they say has been confirmed.`;
		case 'none':
			return 'No Content Credentials: the image carries no C2PA manifest.';
	}
}

function emptyResult(state: VerifyState, container?: ImageContainer): VerifyResult {
	return {
		state,
		summary: '',
		container,
		actions: [],
		ingredients: [],
		failures: [],
		results: { success: [], informational: [], failure: [] }
	};
}

function finish(result: VerifyResult): VerifyResult {
	result.failures = result.results.failure;
	result.summary = summaryFor(result);
	return result;
}

function anchorsFrom(pems: readonly string[] | undefined, out: Collector): Uint8Array[] {
	const anchors: Uint8Array[] = [];
	for (const pem of pems ?? []) {
		try {
			anchors.push(...pemToDer(pem));
		} catch (error) {
			out.info('general.error', undefined, `a trust anchor could not be read: ${describe(error)}`);
		}
	}
	return anchors;
}

/** The state the failures found so far call for; a reached limit only ever lowers a valid one to `unchecked`. */
function stateOf(failures: StatusEntry[], trusted: boolean, limited: boolean): VerifyState {
	const decisive = failures.filter((f) => !NOT_INVALIDATING.has(f.code) && !isLimitCode(f.code));
	if (decisive.some((f) => f.code !== TAMPERED)) return 'invalid';
	if (decisive.length > 0) return 'tampered';
	if (limited) return 'unchecked';
	return trusted ? 'trusted' : 'untrusted';
}

/**
 * Verifies the Content Credentials of a PNG, JPEG or WebP. Never throws; work and memory stay within
 * {@link VERIFY_LIMITS} (state `unchecked` when checking would need more).
 */
export async function verifyImage(bytes: Uint8Array, options: VerifyOptions = {}): Promise<VerifyResult> {
	const result = emptyResult('invalid', containerOf(bytes) ?? undefined);
	const progress = { trusted: false };
	try {
		await verifyInto(result, bytes, options, progress);
	} catch (error) {
		if (error instanceof LimitError) {
			result.results.failure.push({ code: error.code, explanation: error.message });
			result.state = stateOf(result.results.failure, progress.trusted, true);
		} else {
			result.state = 'invalid';
			const code = error instanceof ProvenanceError ? ` (${error.code})` : '';
			result.results.failure.push({ code: 'general.error', explanation: `${describe(error)}${code}` });
		}
	}
	return finish(result);
}

async function verifyInto(
	result: VerifyResult,
	bytes: Uint8Array,
	options: VerifyOptions,
	progress: { trusted: boolean }
): Promise<void> {
	const container = result.container;
	if (!container) {
		result.results.failure.push({
			code: 'general.error',
			explanation: 'the file is not a PNG, JPEG or WebP image'
		});
		return;
	}
	const located = readManifestStore(bytes);
	if (!located) {
		result.state = 'none';
		return;
	}
	const out = new Collector();
	result.results = out.results;
	const work = new Work(options.limits);
	const anchors = anchorsFrom(options.trustAnchors, out);
	const root = parseJumbf(located.store);
	if (root.typeCode !== 'c2pa') {
		out.fail('general.error', undefined, 'the embedded JUMBF is not a C2PA manifest store');
		return;
	}
	const boxes = superChildren(root).filter((m) => m.typeCode === 'c2ma' || m.typeCode === 'c2um');
	if (boxes.length === 0) {
		out.fail('claim.missing', 'self#jumbf=/c2pa', 'the manifest store holds no manifest');
		return;
	}
	within('manifests', boxes.length, work.limits.manifests);
	const manifests = new Map<string, Manifest>();
	const read = new Map<JumbfSuperBox, Manifest>();
	for (const box of boxes) {
		const manifest = readManifest(box, work);
		read.set(box, manifest);
		if (manifest.label) manifests.set(manifest.label, manifest);
	}
	const last = boxes[boxes.length - 1]!;
	const active = (last.label && manifests.get(last.label)) || read.get(last)!;
	result.activeManifest = active.label;
	for (const p of active.problems) out.fail(p.code, p.url, p.explanation);

	if (active.claim && active.cose && active.claimBytes) {
		const signature = await checkSignature(active, out, options, anchors, work);
		progress.trusted = signature.trusted;
		result.signedAt = signature.signedAt?.toISOString();
		result.signer = signerInfo(active.cose);
		await checkAssertionHashes(active, out, work);
		await checkDataHash(active, bytes, out, work);
	}
	result.title = str(active.claim?.['dc:title']);
	result.claimGenerator = claimGenerator(active.claim);
	result.instanceId = str(active.claim?.instanceID);
	result.actions = readActions(active, work);
	const ctx: StoreContext = {
		manifests,
		anchors,
		options,
		work,
		summaries: new Map([[active.label, 'busy']])
	};
	result.ingredients = await readIngredients(active, ctx, 0);
	if (result.ingredients.filter((i) => i.relationship === 'parentOf').length > 1) {
		out.fail(
			'manifest.multipleParents',
			`self#jumbf=/c2pa/${active.label}`,
			'the manifest has more than one parentOf ingredient'
		);
	}
	for (const [label, box] of active.assertions) {
		const name = baseLabel(label);
		if (name === RECIPE_LABEL) result.recipe = jsonSafe(assertionData(box, work));
		else if (name === RECORD_LABEL) result.record = readRecord(jsonSafe(assertionData(box, work)));
		else if (name === 'cawg.training-mining' || name === 'c2pa.training-mining') {
			result.trainingMining = trainingMiningFromAssertion(assertionData(box, work));
		} else if (name === 'cawg.metadata') result.metadata = jsonSafe(assertionData(box, work));
		else if (name === SOFT_BINDING_LABEL) {
			const bindings = readSoftBinding(assertionData(box, work));
			if (bindings) result.softBindings = [...(result.softBindings ?? []), ...bindings];
		}
	}
	result.state = stateOf(out.results.failure, progress.trusted, false);
}
