// `rakkan verify FILE [--json] [--trust ROOT.pem]...`: the verdict on a file's Content Credentials, in
// words (or JSON). Exit codes: 0 valid (trusted or an unknown signer), 3 no credentials, 4 tampered,
// 5 invalid, 6 not fully checked (a limit of VERIFY_LIMITS was reached); 1 when the file cannot be read at all.
// With --lookup URL it also asks that gallery's soft-binding API for signed originals of the file's pixels,
// and exits 0 when it finds one.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CAWG_ENTRY_KEYS } from '../lib/provenance/rights/rights';
import { containerOf, MIME_TYPES } from '../lib/provenance/c2pa/container';
import { SOFT_BINDING_API, softBindingMatchesSchema, type SoftBindingMatch } from '../lib/soft-binding-api';
import { reach, serverUrl } from './share';
import {
	verifyImage,
	type IngredientNode,
	type ManifestSummary,
	type VerifyResult,
	type VerifyState
} from '../lib/provenance/c2pa/verify';

export const VERIFY_EXIT_CODES: Record<VerifyState, number> = {
	trusted: 0,
	untrusted: 0,
	none: 3,
	tampered: 4,
	invalid: 5,
	unchecked: 6
};

const SOURCE_TYPE_WORDS: Record<string, string> = {
	trainedAlgorithmicMedia: 'made by a trained AI model',
	compositeWithTrainedAlgorithmicMedia: 'a capture or artwork changed with a trained AI model',
	algorithmicMedia: 'made by an algorithm',
	digitalCapture: 'a camera capture',
	humanEdits: 'edited by a person',
	compositeSynthetic: 'a composite including synthetic parts'
};

function sourceType(uri: string | undefined): string | undefined {
	if (!uri) return undefined;
	const name = uri.split('/').pop() ?? uri;
	return SOURCE_TYPE_WORDS[name] ?? name;
}

function ingredientLines(nodes: IngredientNode[], indent: string, out: string[]): void {
	for (const node of nodes) {
		const title = node.title ? `"${node.title}"` : node.label;
		out.push(
			`${indent}- ${node.relationship ?? 'ingredient'} ${title}${node.format ? ` (${node.format})` : ''}`
		);
		const recorded = (node.recordedFailures ?? []).filter((f) => f.code !== 'signingCredential.untrusted');
		if (recorded.length) {
			out.push(`${indent}    when it was used: ${recorded.map((f) => f.code).join(', ')}`);
		}
		if (node.manifest) manifestLines(node.manifest, `${indent}    `, out);
	}
}

function manifestLines(manifest: ManifestSummary, indent: string, out: string[]): void {
	const signer = manifest.signer?.name ? `signed by ${manifest.signer.name}` : 'signed';
	out.push(
		`${indent}its own Content Credentials (${manifest.state ?? 'unknown'}): ${signer}` +
			`${manifest.claimGenerator ? `, made with ${manifest.claimGenerator}` : ''}` +
			(manifest.repeated ? ' (described above)' : '')
	);
	for (const f of manifest.failures.filter((f) => f.code !== 'signingCredential.untrusted'))
		out.push(`${indent}  problem: ${f.code}: ${f.explanation}`);
	for (const action of manifest.actions)
		out.push(`${indent}  ${action.action}${action.description ? `: ${action.description}` : ''}`);
	ingredientLines(manifest.ingredients, `${indent}  `, out);
}

/** The verdict as lines a person reads. */
export function describeVerdict(file: string, result: VerifyResult): string[] {
	const out = [`${file}: ${result.summary}`];
	if (result.state === 'none') return out;
	if (result.title) out.push(`  Title: ${result.title}`);
	if (result.claimGenerator) out.push(`  Made with: ${result.claimGenerator}`);
	if (result.signer) {
		out.push(
			`  Signer: ${result.signer.subject} (issued by ${result.signer.issuer}, ${result.signer.alg ?? 'unknown algorithm'})`
		);
	}
	if (result.signedAt) out.push(`  Time-stamped: ${result.signedAt}`);
	if (result.actions.length) {
		out.push('  Actions:');
		for (const action of result.actions) {
			const kind = sourceType(action.digitalSourceType);
			out.push(
				`    - ${action.action}${kind ? ` (${kind})` : ''}${action.description ? `: ${action.description}` : ''}`
			);
		}
	}
	if (result.ingredients.length) {
		out.push('  Ingredients:');
		ingredientLines(result.ingredients, '    ', out);
	}
	if (result.trainingMining && Object.keys(result.trainingMining).length) {
		const entries = CAWG_ENTRY_KEYS.flatMap((key) => {
			const entry = result.trainingMining?.[key];
			return entry ? [`${key.replace(/^cawg\./, '')} ${entry.use}`] : [];
		});
		out.push(`  Training and data mining: ${entries.join(', ')}`);
	}
	const problems = result.failures.filter((f) => f.code !== 'signingCredential.untrusted');
	if (problems.length) {
		out.push('  Problems:');
		for (const f of problems) out.push(`    - ${f.code}: ${f.explanation}`);
	}
	return out;
}

export async function runVerify(argv: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		options: {
			json: { type: 'boolean', default: false },
			trust: { type: 'string', multiple: true },
			lookup: { type: 'string' }
		},
		allowPositionals: true,
		strict: true
	});
	if (positionals.length !== 1) throw new Error('give exactly one FILE to verify');
	const file = positionals[0]!;
	const trustAnchors: string[] = [];
	for (const pem of values.trust ?? []) {
		const text = await readFile(pem, 'utf8').catch((error: NodeJS.ErrnoException) => {
			throw new Error(`--trust ${pem}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
		});
		if (!text.includes('-----BEGIN CERTIFICATE-----'))
			throw new Error(`--trust ${pem}: no PEM certificate in the file`);
		trustAnchors.push(text);
	}
	const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
		throw new Error(`${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
	});
	const result = await verifyImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
		trustAnchors
	});
	const lookup = values.lookup === undefined ? undefined : serverUrl(values.lookup, '--lookup');
	const originals = lookup
		? await findOriginals(
				lookup,
				new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
				trustAnchors
			)
		: undefined;
	if (values.json) console.log(JSON.stringify({ file, ...result, originals }, null, '\t'));
	else {
		const lines = describeVerdict(file, result);
		if (lookup && originals) lines.push(...describeOriginals(lookup, originals));
		console.log(lines.join('\n'));
	}
	if (originals?.length) return 0;
	return VERIFY_EXIT_CODES[result.state];
}

/** A match and what verifying the original's own file found. */
export interface FoundOriginal extends SoftBindingMatch {
	original: Pick<VerifyResult, 'state' | 'summary' | 'title'> & { signer?: string };
}

/** Asks the gallery's soft-binding API for originals of these pixels, and verifies each original file. */
async function findOriginals(
	gallery: URL,
	bytes: Uint8Array,
	trustAnchors: string[]
): Promise<FoundOriginal[]> {
	const container = containerOf(bytes);
	if (!container) throw new Error('--lookup needs a PNG, JPEG or WebP image');
	const response = await reach(new URL(`${SOFT_BINDING_API}/matches/byContent?alg=io.iscc.v0`, gallery), {
		method: 'POST',
		headers: { 'content-type': MIME_TYPES[container] },
		body: bytes as Uint8Array<ArrayBuffer>
	});
	const body: unknown = await response.json().catch(() => null);
	if (!response.ok) {
		const message = (body as { message?: unknown } | null)?.message;
		throw new Error(
			`the gallery refused the lookup (${response.status}): ${typeof message === 'string' ? message : response.statusText}`
		);
	}
	const parsed = softBindingMatchesSchema.safeParse(body);
	if (!parsed.success) throw new Error(`${gallery.origin} did not answer as a soft-binding service`);
	const found: FoundOriginal[] = [];
	for (const match of parsed.data.matches) {
		const original = await reach(
			new URL(`/api/images/${encodeURIComponent(match.imageId)}/original`, gallery)
		);
		if (!original.ok)
			throw new Error(`the original ${match.imageId} cannot be downloaded (${original.status})`);
		const verdict = await verifyImage(new Uint8Array(await original.arrayBuffer()), { trustAnchors });
		found.push({
			...match,
			original: {
				state: verdict.state,
				summary: verdict.summary,
				title: verdict.title,
				signer: verdict.signer?.name
			}
		});
	}
	return found;
}

function describeOriginals(gallery: URL, originals: FoundOriginal[]): string[] {
	if (!originals.length) return [`No signed original of these pixels at ${gallery.origin}.`];
	return [
		`Signed originals of these pixels at ${gallery.origin} (the credentials are the original's, not this file's):`,
		...originals.map(
			(m) =>
				`  ${m.endpoint}  similarity ${m.similarityScore}%  original: ${m.original.state}` +
				`${m.original.signer ? `, signed by ${m.original.signer}` : ''} (${m.original.summary})`
		)
	];
}
