// Writes a painting as a PNG, JPEG or WebP with its Content Credentials (Node only: the CLI's side of the
// studio's export). The ingredients come from the catalog cards and the files the user gave.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ModelCard, StyleCard } from '../assets/catalog';
import type { Pixels } from '../engine/types';
import { PROJECT_ROOT } from './catalog-fs';
import { encodeJpeg, encodePng, encodeWebp, writeFileAtomic } from './image-io';
import { signImage, type StyleSource } from '../provenance/c2pa/manifest';
import { paintingProvenance, uploadedStyleSource } from '../provenance/painting-input';
import type { ContentRights } from '../provenance/rights/rights';
import { styleSourceFromCard } from '../provenance/sources';
import { loadOrCreateIdentity, signerFromFiles, type CliIdentity } from './identity';

export type OutputFormat = 'png' | 'jpeg' | 'webp';

const ENCODERS: Record<OutputFormat, (pixels: Pixels) => Promise<Uint8Array>> = {
	png: encodePng,
	jpeg: encodeJpeg,
	webp: encodeWebp
};

/** What --out accepts, for messages. */
export const OUTPUT_NAMES = 'a .png, .jpg, .jpeg or .webp file';

/** The output format an --out name asks for, or null. */
export function outputFormatOf(file: string): OutputFormat | null {
	const ext = path.extname(file).toLowerCase();
	if (ext === '.png') return 'png';
	if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
	if (ext === '.webp') return 'webp';
	return null;
}

export interface StyleInput {
	/** A catalog style, or else a file the user gave. */
	card?: StyleCard;
	file?: string;
	weight: number;
}

export interface ExportOptions {
	pixels: Pixels;
	out: string;
	content: { file: string; width: number; height: number; declared?: ContentRights };
	model: ModelCard;
	styles: StyleInput[];
	settings: {
		strength: number;
		preserveColors: boolean;
		workingSide: number;
		styleSide: number;
		options?: Readonly<Record<string, number>>;
		tilePlan?: unknown;
	};
	creator?: string;
	allowTraining?: boolean;
	/** The user's own PKCS#8 key and PEM chain; a local identity otherwise. */
	key?: string;
	cert?: string;
}

export interface ExportResult {
	bytes: number;
	format: OutputFormat;
	identity: CliIdentity;
}

let cachedVersions: (Record<string, string> & { rakkan: string }) | undefined;

async function packageVersion(file: string): Promise<string | undefined> {
	try {
		return (JSON.parse(await readFile(file, 'utf8')) as { version?: string }).version;
	} catch {
		return undefined;
	}
}

async function versions(): Promise<Record<string, string> & { rakkan: string }> {
	if (!cachedVersions) {
		const rakkan = (await packageVersion(path.join(PROJECT_ROOT, 'package.json'))) ?? '0.0.0';
		const tfjs = await packageVersion(path.join(PROJECT_ROOT, 'node_modules/@tensorflow/tfjs/package.json'));
		cachedVersions = { rakkan, ...(tfjs ? { tfjs } : {}), node: process.versions.node };
	}
	return cachedVersions;
}

async function styleSource(style: StyleInput): Promise<StyleSource> {
	if (style.card) return styleSourceFromCard(style.card, style.weight);
	const file = style.file!;
	return uploadedStyleSource(path.basename(file), new Uint8Array(await readFile(file)), style.weight, {
		status: 'unknown',
		note: 'an image file given on the command line; its rights were not declared'
	});
}

/** Encodes, signs and writes the painting atomically; returns what was written and who signed it. */
export async function writeSignedImage(options: ExportOptions): Promise<ExportResult> {
	const format = outputFormatOf(options.out);
	if (!format) throw new TypeError(`--out must name ${OUTPUT_NAMES}, got ${options.out}`);
	const identity =
		options.key || options.cert
			? await signerFromFiles(requireFlag(options.key, '--key'), requireFlag(options.cert, '--cert'))
			: await loadOrCreateIdentity(options.creator ?? defaultName());
	const input = paintingProvenance({
		title: path.basename(options.out),
		versions: await versions(),
		creator: options.creator,
		allowTraining: options.allowTraining ?? false,
		content: {
			title: path.basename(options.content.file),
			bytes: new Uint8Array(await readFile(options.content.file)),
			width: options.content.width,
			height: options.content.height,
			declared: options.content.declared
		},
		styles: await Promise.all(options.styles.map(styleSource)),
		model: options.model,
		settings: options.settings,
		output: { width: options.pixels.width, height: options.pixels.height },
		backend: 'wasm'
	});
	const encoded = await ENCODERS[format](options.pixels);
	const signed = await signImage(encoded, input, identity.signer);
	await writeFileAtomic(options.out, signed);
	return { bytes: signed.length, format, identity };
}

function requireFlag(value: string | undefined, flag: string): string {
	if (!value) throw new TypeError(`${flag} is missing: --key and --cert go together, give both or neither`);
	return value;
}

function defaultName(): string {
	try {
		return os.userInfo().username || 'Rakkan user';
	} catch {
		return 'Rakkan user';
	}
}
