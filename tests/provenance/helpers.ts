// Shared by the provenance tests: the C2PA fixtures (fetched and verified like the photos), the reference
// validator (c2pa-wasm, i.e. c2pa-rs), small signed images and the CLI.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';
import { PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import {
	createLocalIdentity,
	derToPem,
	type LocalIdentity
} from '../../src/lib/provenance/c2pa/certificates';
import { parseJpeg } from '../../src/lib/provenance/c2pa/jpeg';
import type { ProvenanceInput } from '../../src/lib/provenance/c2pa/manifest';
import { isPng, parsePng } from '../../src/lib/provenance/c2pa/png';
import { isWebp, riffChunks } from '../../src/lib/provenance/c2pa/webp';
import { webCryptoSigner, type Signer } from '../../src/lib/provenance/c2pa/signer';
import type { VerifyState } from '../../src/lib/provenance/c2pa/verify';
import { CLI, verifiedPath } from '../helpers/assets';
import { pattern } from '../helpers/images';
import fixtures from '../fixtures/c2pa.json' with { type: 'json' };

export type C2paFixtureId = keyof typeof fixtures;
export const C2PA_FIXTURE_IDS = Object.keys(fixtures) as C2paFixtureId[];

/** The local path of a verified C2PA fixture (see ../shared/ASSETS.md). */
export function c2paFixturePath(id: C2paFixtureId): Promise<string> {
	return verifiedPath(fixtures[id]);
}

export async function c2paFixtureBytes(id: C2paFixtureId): Promise<Uint8Array> {
	return new Uint8Array(readFileSync(await c2paFixturePath(id)));
}

// ------------------------------------------------------------------------------------------------------
// The reference validator

let initialized = false;

function initC2pa(): void {
	if (initialized) return;
	const wasm = readFileSync(path.join(PROJECT_ROOT, 'node_modules/@contentauth/c2pa-wasm/pkg/c2pa_bg.wasm'));
	initSync({ module: wasm });
	initialized = true;
}

export interface C2paVerdict {
	/** c2pa-rs's validation_state, `none` when it finds no manifest, `error` when it refuses the file. */
	state: 'Trusted' | 'Valid' | 'Invalid' | 'none' | 'error';
	/** The failure codes of its validation_status. */
	codes: string[];
	error?: string;
	report?: C2paReport;
}

export interface C2paReport {
	active_manifest?: string;
	validation_state?: string;
	validation_status?: { code: string; explanation?: string }[];
	manifests: Record<string, C2paManifest>;
}

export interface C2paManifest {
	title?: string;
	claim_generator_info?: { name: string; version?: string }[];
	ingredients?: {
		title?: string;
		relationship?: string;
		active_manifest?: string;
		format?: string;
		description?: string;
	}[];
	assertions?: { label: string; data: unknown }[];
}

/** Reads and validates with c2pa-rs (as @contentauth/c2pa-wasm), optionally trusting `trustPem`. */
export async function c2paValidate(
	bytes: Uint8Array,
	format: string,
	trustPem?: string
): Promise<C2paVerdict> {
	initC2pa();
	const settings = trustPem
		? JSON.stringify({ trust: { trust_anchors: trustPem }, verify: { verify_trust: true } })
		: undefined;
	let reader: WasmReader;
	try {
		reader = await WasmReader.fromBytes(format, bytes, settings);
	} catch (error) {
		const message = String(error);
		if (/JumbfNotFound/.test(message)) return { state: 'none', codes: [] };
		return { state: 'error', codes: [], error: message };
	}
	try {
		const report = JSON.parse(reader.json()) as C2paReport;
		const state = (report.validation_state ?? 'Valid') as C2paVerdict['state'];
		return { state, codes: (report.validation_status ?? []).map((s) => s.code), report };
	} finally {
		reader.free();
	}
}

/** The state Rakkan's verifier must report for what c2pa-rs says. */
export function expectedState(verdict: C2paVerdict): VerifyState {
	switch (verdict.state) {
		case 'Trusted':
			return 'trusted';
		case 'Valid':
			return 'untrusted';
		case 'Invalid': {
			// Tampered: the manifest is intact and only the image bytes changed.
			const decisive = verdict.codes.filter(
				(c) => c !== 'signingCredential.untrusted' && !c.startsWith('cawg.')
			);
			return decisive.length > 0 && decisive.every((c) => c === 'assertion.dataHash.mismatch')
				? 'tampered'
				: 'invalid';
		}
		case 'none':
			return 'none';
		case 'error':
			return 'invalid';
	}
}

export function formatOf(file: string): string {
	if (/\.png$/i.test(file)) return 'image/png';
	return /\.webp$/i.test(file) ? 'image/webp' : 'image/jpeg';
}

// ------------------------------------------------------------------------------------------------------
// Signing material

export interface TestIdentity {
	identity: LocalIdentity;
	signer: Signer;
	rootPem: string;
}

export async function testIdentity(name = 'Test Painter'): Promise<TestIdentity> {
	const identity = await createLocalIdentity(name);
	return {
		identity,
		signer: webCryptoSigner(identity.privateKey, [identity.leaf]),
		rootPem: derToPem(identity.root)
	};
}

export async function smallPng(width = 128, height = 96): Promise<Uint8Array> {
	return new Uint8Array(await pattern(width, height).png().toBuffer());
}

export async function smallJpeg(width = 128, height = 96): Promise<Uint8Array> {
	return new Uint8Array(await pattern(width, height).jpeg({ quality: 92 }).toBuffer());
}

/** Flips one byte of the pixel data: the first IDAT of a PNG, the scan of a JPEG, the VP8/VP8L of a WebP. */
export function flipImageByte(bytes: Uint8Array): Uint8Array {
	const out = bytes.slice();
	let at: number;
	if (isWebp(bytes)) {
		const image = riffChunks(bytes).find((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L')!;
		at = image.offset + 8 + Math.floor(image.data.length / 2);
	} else if (isPng(bytes)) {
		const idat = parsePng(bytes).find((c) => c.type === 'IDAT')!;
		at = idat.offset + 8 + Math.floor(idat.data.length / 2);
	} else {
		const { scanStart } = parseJpeg(bytes);
		at = scanStart + Math.floor((bytes.length - scanStart) / 2);
	}
	out[at]! ^= 0x10;
	return out;
}

/** WebPs in the three layouts a file can have: simple lossy (VP8), simple lossless (VP8L), extended (VP8X). */
export async function smallWebps(
	width = 128,
	height = 96
): Promise<{ lossy: Uint8Array; lossless: Uint8Array; alpha: Uint8Array }> {
	const encode = async (image: ReturnType<typeof pattern>) => new Uint8Array(await image.toBuffer());
	return {
		lossy: await encode(pattern(width, height).webp({ quality: 90 })),
		lossless: await encode(pattern(width, height).webp({ lossless: true })),
		alpha: await encode(pattern(width, height, 4).webp({ quality: 90, alphaQuality: 100 }))
	};
}

/** A complete input as the studio or the CLI would give it. */
export function sampleInput(content?: Uint8Array, overrides: Partial<ProvenanceInput> = {}): ProvenanceInput {
	return {
		title: 'painting.png',
		generator: { name: 'Rakkan', version: '0.1.0' },
		creator: 'Test Painter',
		rights: {
			copyright: '© 2026 Test Painter',
			usageTerms: 'Ask before reuse',
			licensor: { name: 'Test Painter' }
		},
		content: content ? { title: 'photo.png', bytes: content } : undefined,
		styles: [
			{
				id: 'rembrandt-night-watch',
				title: 'The Night Watch',
				artist: 'Rembrandt van Rijn',
				date: '1642',
				format: 'image/jpeg',
				sha256: '27613c40080142d0997d4f1de0ef372171322fe3eaba39b53df96c1b81921676',
				weight: 0.7,
				rights: { status: 'public-domain', note: 'The artist died in 1669.' },
				license: {
					name: 'Public domain',
					url: 'https://creativecommons.org/publicdomain/mark/1.0/',
					commercialUse: 'allowed'
				}
			},
			{
				id: 'van-gogh-starry-night',
				title: 'The Starry Night',
				artist: 'Vincent van Gogh',
				date: '1889',
				format: 'image/jpeg',
				sha256: 'b'.repeat(64),
				weight: 0.3,
				rights: { status: 'public-domain' }
			}
		],
		models: [
			{
				id: 'arbitrary-wyf',
				title: 'Arbitrary style transfer (whatsyourface)',
				family: 'arbitrary-wyf',
				modelType: 'c2pa.types.model.tensorflow',
				files: [{ role: 'style/model.json', sha256: 'a'.repeat(64), bytes: 71267 }],
				license: { name: 'MIT', url: 'https://example.org/LICENSE', commercialUse: 'allowed' }
			}
		],
		edits: [
			{
				action: 'c2pa.color_adjustments',
				description: "Kept the photo's colours.",
				parameters: { preserveColors: true }
			}
		],
		recipe: {
			strength: 0.8,
			preserveColors: true,
			workingSide: 128,
			styleSide: 256,
			output: { width: 128, height: 96 },
			backend: 'wasm',
			versions: { tfjs: '4.22.0' }
		},
		...overrides
	};
}

// ------------------------------------------------------------------------------------------------------
// The CLI

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs `node bin/rakkan.js ...args` with extra environment; resolves with whatever exit code it had. */
export function rakkan(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			[CLI, ...args],
			{ cwd: PROJECT_ROOT, env: { ...process.env, ...env }, timeout: 110_000, maxBuffer: 8 << 20 },
			(error, stdout, stderr) => {
				if (error && typeof error.code !== 'number') {
					reject(new Error(`rakkan did not run to an exit code: ${error.message}\n${stderr}`));
					return;
				}
				resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
			}
		);
	});
}
