// Property tests of the document record: random documents (layers from several sources, hidden, transparent,
// masked, moved out of the document, stylized with random models and styles, changes undone and redone),
// each compared with a per-pixel contribution map of its flattened export: which layers put a pixel with
// non-zero alpha into the document, and which are hidden under an opaque layer at every pixel. The record
// must name every source whose pixels reach the export and no layer that puts none there; its verdict must
// be the rights model applied to exactly those sources, models and styles.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/lib/assets/catalog';
import {
	addLayer,
	addStylizedLayer,
	createDocument,
	createLayer,
	removeLayer,
	setOpacity,
	setVisible
} from '../../src/lib/document/document';
import {
	applyChange,
	canRedo,
	createProject,
	redoProject,
	undoProject
} from '../../src/lib/document/history';
import type { EditorDocument, ImageRef, Layer, PixelBox, Project } from '../../src/lib/document/types';
import { loadProjectCatalog } from '../../src/lib/node/catalog-fs';
import { documentRecord } from '../../src/lib/provenance/record';
import { recordVerdict, type SourceRights } from '../../src/lib/provenance/rights/record-rights';
import {
	CONTENT_ORIGINS,
	ingredientFromContent,
	ingredientFromModel,
	ingredientFromStyle,
	rightsVerdict
} from '../../src/lib/provenance/rights/rights';
import { seededRandom } from '../helpers/random';

const RUNS = 300;

let catalog: Catalog;
beforeAll(async () => {
	catalog = await loadProjectCatalog();
});

type Random = () => number;
const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const hex = (r: Random) => Array.from({ length: 64 }, () => '0123456789abcdef'[int(r, 0, 15)]).join('');

function box(r: Random, width: number, height: number): PixelBox | null | undefined {
	const roll = r();
	if (roll < 0.45) return undefined; // not measured: all of it shows
	if (roll < 0.55) return null; // fully transparent (or a black mask)
	const x = int(r, 0, width - 1);
	const y = int(r, 0, height - 1);
	return { x, y, width: int(r, 1, width - x), height: int(r, 1, height - y) };
}

function image(r: Random, width: number, height: number, opaque = false): ImageRef {
	const visibleBox = opaque ? undefined : box(r, width, height);
	const ref: ImageRef = { id: hex(r), width, height, mime: 'image/png' };
	return visibleBox === undefined ? ref : { ...ref, visibleBox };
}

interface Generated {
	project: Project;
	rights: Record<string, SourceRights>;
}

/** A random project: pictures and stylizations of them, then random changes, some undone and redone. */
function randomProject(r: Random): Generated {
	const W = int(r, 4, 20);
	const H = int(r, 4, 20);
	let project = createProject(createDocument(W, H), 'random');
	const rights: Record<string, SourceRights> = {};
	const pictures: Layer[] = [];
	const layerCount = int(r, 1, 6);
	for (let i = 0; i < layerCount; i++) {
		const doc = project.document;
		const scale = pick(r, [0.5, 1, 1, 2]);
		const transform = { x: int(r, -12, W), y: int(r, -12, H), scaleX: scale, scaleY: scale, rotation: 0 };
		const mask = r() < 0.25 ? image(r, W, H) : null;
		if (pictures.length > 0 && r() < 0.45) {
			const input = pick(r, pictures);
			const model = pick(r, catalog.models);
			const styles = catalog.styles.slice(0, int(r, 0, 2)).map((s, _, all) => ({
				catalogId: s.id,
				title: s.title,
				sha256: s.files[0]!.sha256,
				weight: 1 / all.length
			}));
			// An engine output is opaque; at the input's size and place, or moved.
			const layer = createLayer({
				name: `Stylized ${i}`,
				image: image(r, input.image.width, input.image.height, true),
				transform: r() < 0.6 ? input.transform : transform,
				mask,
				source: {
					kind: 'stylized',
					recipe: {
						model: { id: model.id, sha256: model.files.map((f) => f.sha256) },
						styles,
						settings: {
							strength: 0.5,
							preserveColors: false,
							workingSide: 64,
							styleSide: 64,
							options: {},
							tile: 0
						},
						backend: 'wasm',
						input: { layerId: input.id, image: input.image },
						region: mask
					}
				}
			});
			project = applyChange(project, addStylizedLayer(doc, layer, int(r, 0, doc.layers.length)));
		} else {
			const kind = pick(r, ['photo', 'import', 'webcam'] as const);
			// Often a picture of the document's size at its place, as a photo starts a document.
			const whole = r() < 0.5;
			const file = whole ? image(r, W, H, r() < 0.7) : image(r, int(r, 1, 16), int(r, 1, 16));
			const source =
				kind === 'webcam'
					? { kind, capturedAt: '2026-01-01T00:00:00.000Z' }
					: { kind, fileName: `${kind}-${i}.png`, file };
			const layer = createLayer({
				name: `Picture ${i}`,
				image: file,
				transform: whole ? { x: 0, y: 0, scaleX: 1, scaleY: 1, rotation: 0 } : transform,
				mask,
				source
			});
			rights[file.id] = {
				origin: pick(r, CONTENT_ORIGINS),
				showsIdentifiablePerson: r() < 0.2,
				consentRecorded: r() < 0.5
			};
			pictures.push(layer);
			project = applyChange(project, addLayer(doc, layer));
		}
		if (r() < 0.25)
			project = applyChange(project, setVisible(project.document, layer0(project).id, r() < 0.3));
	}
	for (let i = int(r, 0, 3); i > 0; i--) {
		const layer = pick(r, project.document.layers);
		const doc = project.document;
		const roll = r();
		if (roll < 0.4) project = applyChange(project, setVisible(doc, layer.id, !layer.visible));
		else if (roll < 0.7) project = applyChange(project, setOpacity(doc, layer.id, pick(r, [0, 0.5, 1])));
		else if (doc.layers.length > 1) project = applyChange(project, removeLayer(doc, layer.id));
	}
	for (let i = int(r, 0, 2); i > 0 && project.history.cursor > 1; i--) project = undoProject(project);
	if (r() < 0.5 && canRedo(project.history)) project = redoProject(project);
	return { project, rights };
}

function layer0(project: Project): Layer {
	return project.document.layers.at(-1)!;
}

/** Whether the box (null: nothing; absent: all) holds the pixel. */
function shows(b: PixelBox | null | undefined, x: number, y: number, width: number, height: number): boolean {
	if (x < 0 || y < 0 || x >= width || y >= height) return false;
	if (b === undefined) return true;
	return b !== null && x >= b.x && y >= b.y && x < b.x + b.width && y < b.y + b.height;
}

/** The layer's alpha at document pixel (x, y) as sampled there: 0 none, 1 partial, 2 opaque. */
function alphaAt(layer: Layer, x: number, y: number): 0 | 1 | 2 {
	if (!layer.visible || layer.opacity === 0) return 0;
	const t = layer.transform;
	const u = Math.floor((x + 0.5 - t.x) / t.scaleX);
	const v = Math.floor((y + 0.5 - t.y) / t.scaleY);
	const { image } = layer;
	if (!shows(image.visibleBox, u, v, image.width, image.height)) return 0;
	if (layer.mask && !shows(layer.mask.visibleBox, x, y, layer.mask.width, layer.mask.height)) return 0;
	// Only an engine output (no measured box) is known to be fully opaque.
	const opaque =
		layer.source.kind === 'stylized' &&
		image.visibleBox === undefined &&
		layer.mask === null &&
		layer.opacity === 1 &&
		layer.blend === 'source-over';
	return opaque ? 2 : 1;
}

/** Per pixel, the layers whose pixels show there (top-down until an opaque pixel). */
function contributionMap(doc: EditorDocument): Set<string> {
	const shown = new Set<string>();
	for (let y = 0; y < doc.height; y++)
		for (let x = 0; x < doc.width; x++)
			for (let i = doc.layers.length - 1; i >= 0; i--) {
				const alpha = alphaAt(doc.layers[i]!, x, y);
				if (alpha > 0) shown.add(doc.layers[i]!.id);
				if (alpha === 2) break;
			}
	return shown;
}

/** Whether a layer above this one is opaque at every pixel of the document. */
function buriedUnder(doc: EditorDocument, index: number): boolean {
	return doc.layers.slice(index + 1).some((above) => {
		for (let y = 0; y < doc.height; y++)
			for (let x = 0; x < doc.width; x++) if (alphaAt(above, x, y) !== 2) return false;
		return true;
	});
}

/** Every layer that ever was in the project, by id. */
function everSeen(project: Project): Map<string, Layer> {
	const out = new Map<string, Layer>();
	for (const doc of [project.document, ...project.history.entries.flatMap((e) => [e.before, e.after])])
		for (const layer of doc.layers) if (!out.has(layer.id)) out.set(layer.id, layer);
	return out;
}

/** The source keys a layer's pixels come from (through what it was painted from). */
function sourcesOf(layer: Layer, seen: Map<string, Layer>): string[] {
	if (layer.source.kind === 'stylized') {
		const input = seen.get(layer.source.recipe.input.layerId);
		return input ? sourcesOf(input, seen) : [];
	}
	return [layer.source.kind === 'webcam' ? layer.image.id : layer.source.file.id];
}

describe('the record against the pixels of the export', () => {
	it(`names every source whose pixels reach the export, and no layer that puts none there (${RUNS} documents)`, () => {
		for (let seed = 1; seed <= RUNS; seed++) {
			const { project } = randomProject(seededRandom(seed));
			const doc = project.document;
			const record = documentRecord(project);
			const seen = everSeen(project);
			const truth = contributionMap(doc);
			const named = new Set(record.layers.map((l) => l.id));
			// Sound: every layer with a pixel in the export is named, with the sources it is made of.
			for (const id of truth) expect(named.has(id), `seed ${seed}: layer ${id} shows`).toBe(true);
			const sourceKeys = new Set(record.sources.map((s) => s.key));
			for (const id of truth)
				for (const key of sourcesOf(seen.get(id)!, seen))
					expect(sourceKeys.has(key), `seed ${seed}`).toBe(true);
			// Tight: a named layer puts pixels with alpha in the document and is not buried under an opaque one.
			for (const layer of record.layers) {
				const index = doc.layers.findIndex((l) => l.id === layer.id);
				const full = doc.layers[index]!;
				let any = false;
				for (let y = 0; y < doc.height && !any; y++)
					for (let x = 0; x < doc.width && !any; x++) any = alphaAt(full, x, y) > 0;
				expect(any, `seed ${seed}: ${layer.name} puts pixels in the export`).toBe(true);
				expect(buriedUnder(doc, index), `seed ${seed}: ${layer.name} is buried`).toBe(false);
			}
			// And the sources are exactly those of the named layers.
			expect(sourceKeys, `seed ${seed}`).toEqual(
				new Set(record.layers.flatMap((l) => sourcesOf(seen.get(l.id)!, seen)))
			);
		}
	});

	it(`its verdict is the rights model applied to exactly those sources, models and styles (${RUNS} documents)`, () => {
		for (let seed = 1; seed <= RUNS; seed++) {
			const { project, rights } = randomProject(seededRandom(seed));
			const record = documentRecord(project);
			const seen = everSeen(project);
			const shown = record.layers.map((l) => seen.get(l.id)!);
			const sources = [...new Set(shown.flatMap((l) => sourcesOf(l, seen)))];
			const stylized = shown.flatMap((l) => (l.source.kind === 'stylized' ? [l.source.recipe] : []));
			const expected = rightsVerdict([
				...sources.map((key) =>
					ingredientFromContent(
						{ ...rights[key]!, name: record.sources.find((s) => s.key === key)!.name },
						{
							role: record.sources.find((s) => s.key === key)!.kind === 'import' ? 'import' : 'content',
							id: key
						}
					)
				),
				...[...new Set(stylized.flatMap((r) => r.styles.map((s) => s.catalogId!)))].map((id) =>
					ingredientFromStyle(catalog.styles.find((s) => s.id === id)!)
				),
				...[...new Set(stylized.map((r) => r.model.id))].map((id) =>
					ingredientFromModel(catalog.models.find((m) => m.id === id)!)
				)
			]);
			const verdict = recordVerdict(record, { catalog, sources: rights });
			expect(verdict.level, `seed ${seed}`).toBe(expected.level);
			expect(new Set(verdict.reasons), `seed ${seed}`).toEqual(new Set(expected.reasons));
		}
	});
});
