// Builders for editor tests: real PNG bytes (sharp), a blob store holding them, and a project made of a
// photo layer and, optionally, a stylized layer painted from it.
import sharp from 'sharp';
import { seededRandom } from './random';
import { MemoryBlobStore } from '../../src/lib/document/blob-store';
import { addLayer, addStylizedLayer, createDocument, createLayer } from '../../src/lib/document/document';
import { applyChange, createProject } from '../../src/lib/document/history';
import type { ImageRef, Layer, Project, StylizeRecipe } from '../../src/lib/document/types';

/**
 * A PNG of random colour blocks (`block` px square, from `seed`), with the colour at any pixel: its detail
 * is lost by any shrinking, and a block's middle keeps its colour when drawn a fraction of a pixel off.
 */
export async function blockNoisePng(
	width: number,
	height: number,
	block: number,
	seed: number
): Promise<{ png: Uint8Array; colourAt(x: number, y: number): number[] }> {
	const random = seededRandom(seed);
	const columns = Math.ceil(width / block);
	const colours = Array.from({ length: columns * Math.ceil(height / block) }, () =>
		[0, 1, 2].map(() => Math.floor(random() * 256))
	);
	const colourAt = (x: number, y: number) =>
		colours[Math.floor(y / block) * columns + Math.floor(x / block)]!;
	const raw = Buffer.alloc(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) raw.set(colourAt(x, y), (y * width + x) * 3);
	}
	const png = await sharp(raw, { raw: { width, height, channels: 3 } })
		.png()
		.toBuffer();
	return { png: new Uint8Array(png), colourAt };
}

/** A solid grey (or coloured) PNG. */
export async function solidPng(width: number, height: number, grey = 128, blue = grey): Promise<Uint8Array> {
	const buffer = await sharp({
		create: { width, height, channels: 3, background: { r: grey, g: grey, b: blue } }
	})
		.png()
		.toBuffer();
	return new Uint8Array(buffer);
}

export async function storedPng(
	store: MemoryBlobStore,
	width: number,
	height: number,
	grey = 128
): Promise<ImageRef> {
	return store.put(await solidPng(width, height, grey));
}

export const MODEL_SHA = 'a'.repeat(64);
export const STYLE_SHA = 'b'.repeat(64);
export const SECOND_STYLE_SHA = 'c'.repeat(64);

export function recipeFor(input: Layer, region: ImageRef | null = null, strength = 0.8): StylizeRecipe {
	return {
		model: { id: 'arbitrary-wyf', sha256: [MODEL_SHA] },
		styles: [{ catalogId: 'rembrandt-night-watch', title: 'The Night Watch', sha256: STYLE_SHA, weight: 1 }],
		settings: {
			strength,
			preserveColors: false,
			workingSide: 512,
			styleSide: 256,
			options: {},
			tile: 'auto'
		},
		backend: 'wasm',
		input: { layerId: input.id, image: input.image },
		region
	};
}

export interface PhotoProject {
	store: MemoryBlobStore;
	project: Project;
	photo: Layer;
}

/** A 40 x 30 project whose history is "added the photo". */
export async function photoProject(at = new Date('2026-01-02T03:04:05.000Z')): Promise<PhotoProject> {
	const store = new MemoryBlobStore();
	const file = await storedPng(store, 40, 30, 100);
	const photo = createLayer({
		name: 'Background',
		image: file,
		source: { kind: 'photo', fileName: 'harbour.png', file }
	});
	const empty = createProject(createDocument(40, 30), 'Harbour', at);
	const project = applyChange(empty, addLayer(empty.document, photo), at);
	return { store, project, photo };
}

/** The photo project with a stylized layer (its pixels a second PNG) above the photo. */
export async function stylizedProject(): Promise<PhotoProject & { stylized: Layer }> {
	const base = await photoProject();
	const image = await storedPng(base.store, 40, 30, 200);
	const stylized = createLayer({
		name: 'Night Watch',
		image,
		source: { kind: 'stylized', recipe: recipeFor(base.photo) }
	});
	const project = applyChange(
		base.project,
		addStylizedLayer(base.project.document, stylized),
		new Date('2026-01-02T03:05:00.000Z')
	);
	return { ...base, project, stylized };
}
