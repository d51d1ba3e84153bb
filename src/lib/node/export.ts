// Writes a painting as a PNG, JPEG or WebP with its Content Credentials (Node only: the CLI's side of the
// studio's export). The CLI's painting is a document like the studio's (the photo and one stylized layer
// painted from it), so its credentials come from the same record and the same rights model.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Catalog, ModelCard, StyleCard } from '../assets/catalog';
import type { Pixels } from '../engine/types';
import { PROJECT_ROOT } from './catalog-fs';
import { decodeImage, encodeJpeg, encodePng, encodeWebp, writeFileAtomic } from './image-io';
import { imageCode } from '../kernels/iscc';
import { isccBinding } from '../provenance/c2pa/soft-binding';
import { signImage, type StyleSource } from '../provenance/c2pa/manifest';
import { documentProvenanceInput, uploadedStyleSource } from '../provenance/painting-input';
import { documentRecord } from '../provenance/record';
import { recordVerdict } from '../provenance/rights/record-rights';
import type { ContentRights } from '../provenance/rights/rights';
import { addLayer, addStylizedLayer, createDocument, createLayer } from '../document/document';
import { applyChange, createProject } from '../document/history';
import { imageRefFor } from '../document/blob-store';
import type { StyleUse } from '../document/types';
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
	/** `declared`: what the command line says about the photo (the faces found, the model release). */
	content: { file: string; width: number; height: number; declared?: ContentRights };
	catalog: Catalog;
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
	const contentBytes = new Uint8Array(await readFile(options.content.file));
	const styles = await Promise.all(options.styles.map(styleSource));
	const record = documentRecord(await paintingDocument(options, contentBytes, styles));
	const photoKey = record.sources[0]?.key ?? '';
	const { declared } = options.content;
	const input = documentProvenanceInput({
		title: path.basename(options.out),
		versions: await versions(),
		creator: options.creator,
		allowTraining: options.allowTraining ?? false,
		catalog: options.catalog,
		record,
		// The photo's origin is not declared on the command line (the verdict says it is unknown); the faces
		// found in it and the model release given are.
		verdict: recordVerdict(record, {
			catalog: options.catalog,
			sources: photoKey && declared ? { [photoKey]: declared } : {}
		}),
		pictures: { [photoKey]: { bytes: contentBytes, declared } },
		styles: record.styles.map((use) =>
			styles.find((s) => s.sha256 === use.sha256 && s.weight === use.weight)!
		),
		output: { width: options.pixels.width, height: options.pixels.height },
		tilePlan: options.settings.tilePlan
	});
	const encoded = await ENCODERS[format](options.pixels);
	// The fingerprint of the pixels as exported (after lossy encoding), as anyone decoding the file sees them.
	input.softBinding = isccBinding(imageCode(await decodeImage(encoded)));
	const signed = await signImage(encoded, input, identity.signer);
	await writeFileAtomic(options.out, signed);
	return { bytes: signed.length, format, identity };
}

/** The CLI's painting as a document: the photo, and the stylized layer painted from it on top. */
async function paintingDocument(options: ExportOptions, contentBytes: Uint8Array, styles: StyleSource[]) {
	const file = await imageRefFor(contentBytes);
	const photo = createLayer({
		name: path.basename(options.content.file),
		image: file,
		source: { kind: 'photo', fileName: path.basename(options.content.file), file }
	});
	const empty = createProject(createDocument(file.width, file.height), path.basename(options.out));
	const withPhoto = applyChange(empty, addLayer(empty.document, photo));
	const uses: StyleUse[] = styles.map((s) => ({
		catalogId: s.id ?? null,
		title: s.title,
		sha256: s.sha256,
		weight: s.weight
	}));
	const { settings } = options;
	const painted = createLayer({
		name: `${options.model.title}`,
		// The painting covers the document (the engine paints the photo's whole frame); its pixels are not
		// stored, so the layer refers to the photo's frame, which is all the record reads of it.
		image: file,
		source: {
			kind: 'stylized',
			recipe: {
				model: { id: options.model.id, sha256: options.model.files.map((f) => f.sha256) },
				styles: uses,
				settings: {
					strength: settings.strength,
					preserveColors: settings.preserveColors,
					workingSide: settings.workingSide,
					styleSide: settings.styleSide,
					options: { ...settings.options },
					tile: 'auto'
				},
				backend: 'wasm',
				input: { layerId: photo.id, image: file },
				region: null
			}
		}
	});
	return applyChange(withPhoto, addStylizedLayer(withPhoto.document, painted));
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
