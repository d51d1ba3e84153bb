// The one record of what a document is made of, from the project alone (its document and its done
// history; never from the pickers or the selection): every source whose pixels can reach the export (the
// photo, imported images, webcam pictures, with the layers they became), every stylization behind a layer
// that reaches it (model and weights, styles and blend weights, settings, region and mask), and the edits.
// A layer reaches the export when it is visible, not fully transparent, and some of its shown pixels fall
// inside the document and inside its mask, unless a stylized layer above covers the whole document (drawn
// normally, opaque, unmasked). Rotated layers count by the box around them, so the record may name a layer
// that a rotation keeps just outside the document; it never leaves out one that shows. The Rights panel, the share gate, the signed export, the CLI and
// every reader work from this record. Pure: no DOM, no tfjs.
import { describeOperation, pictureFile } from '../document/document';
import { doneEntries } from '../document/history';
import type {
	EditorDocument,
	ImageRef,
	Layer,
	Operation,
	PixelBox,
	Project,
	StyleUse,
	StylizeRecipe
} from '../document/types';
import { layerToDocument } from '../kernels/brush';
import type { EditAction, EditStep } from './c2pa/manifest';
import { DIGITAL_SOURCE_TYPES } from './xmp/xmp';

export type SourceKind = 'photo' | 'import' | 'webcam';

export interface LayerName {
	id: string;
	name: string;
}

/** A picture someone brought: its pixels, or a stylization painted from them, reach the export. */
export interface RecordSource {
	/** The file's sha256 (the blob id of the file as given; for a webcam picture, of the capture). */
	key: string;
	kind: SourceKind;
	/** The file's name, or "Webcam picture" with its time. */
	name: string;
	ref: ImageRef;
	/** The layers in the export that carry its pixels: its own and those painted from it, bottom to top. */
	layers: LayerName[];
}

/** A stylized layer that reaches the export, with everything that made it. */
export interface RecordStylization {
	layer: LayerName;
	model: StylizeRecipe['model'];
	styles: StyleUse[];
	settings: StylizeRecipe['settings'];
	backend: string;
	/** Keys of the sources it was painted from. */
	from: string[];
	/** The region the style was applied to (null: the whole layer). */
	region: ImageRef | null;
	/** When the region was made from the detected faces: protect them, or only them, and how many. */
	regionFaces: StylizeRecipe['regionFaces'] | null;
	/** The layer's mask now (null: none). */
	mask: ImageRef | null;
}

export interface RecordModel {
	id: string;
	sha256: string[];
	layers: LayerName[];
}

export interface RecordStyle extends StyleUse {
	layers: LayerName[];
}

export interface DocumentRecord {
	width: number;
	height: number;
	/** The layers that reach the export, bottom to top. */
	layers: (LayerName & { kind: Layer['source']['kind'] })[];
	sources: RecordSource[];
	stylizations: RecordStylization[];
	/** Each model once, with the layers it painted. */
	models: RecordModel[];
	/** Each style image at each blend weight once, with the layers it steered. */
	styles: RecordStyle[];
	/** The done history, oldest first. */
	edits: EditStep[];
	/** The IPTC digital source type of the export (a full URI). */
	sourceType: string;
}

// ---------------------------------------------------------------------------------------------------------
// Which layers reach the export

/** The document box a layer's shown pixels cover (their transformed box), or null when none show. */
function shownBox(layer: Layer): { x0: number; y0: number; x1: number; y1: number } | null {
	const box: PixelBox | null =
		layer.image.visibleBox === undefined
			? { x: 0, y: 0, width: layer.image.width, height: layer.image.height }
			: layer.image.visibleBox;
	if (!box || box.width <= 0 || box.height <= 0) return null;
	const corners = [
		{ x: box.x, y: box.y },
		{ x: box.x + box.width, y: box.y },
		{ x: box.x, y: box.y + box.height },
		{ x: box.x + box.width, y: box.y + box.height }
	].map((p) => layerToDocument(layer.transform, p));
	const xs = corners.map((c) => c.x);
	const ys = corners.map((c) => c.y);
	return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** Whether some pixel centre k + 0.5 (k = 0, 1, ...) lies in [from, to). */
function holdsPixelCentre(from: number, to: number): boolean {
	const first = Math.max(0, Math.ceil(from - 0.5));
	return first + 0.5 < to;
}

/**
 * Whether any of the layer's pixels can show in the export: visible, not fully transparent, and its shown
 * pixels (their box under the layer's transform; for a rotated layer, the box around it) meet a pixel of
 * the document inside its mask's shown box. A mask that was never measured counts as showing everywhere.
 */
export function reachesExport(doc: EditorDocument, layer: Layer): boolean {
	if (!layer.visible || layer.opacity <= 0) return false;
	const shown = shownBox(layer);
	if (!shown) return false;
	let x0 = Math.max(0, shown.x0);
	let y0 = Math.max(0, shown.y0);
	let x1 = Math.min(doc.width, shown.x1);
	let y1 = Math.min(doc.height, shown.y1);
	const mask = layer.mask?.visibleBox;
	if (mask === null) return false;
	if (mask && layer.mask) {
		// A mask is stored at document size; scaled in case it is not.
		const sx = doc.width / layer.mask.width;
		const sy = doc.height / layer.mask.height;
		x0 = Math.max(x0, mask.x * sx);
		y0 = Math.max(y0, mask.y * sy);
		x1 = Math.min(x1, (mask.x + mask.width) * sx);
		y1 = Math.min(y1, (mask.y + mask.height) * sy);
	}
	return holdsPixelCentre(x0, x1) && holdsPixelCentre(y0, y1);
}

/**
 * Whether the layer hides everything below it: a stylized layer (the engine paints opaque pixels) drawn
 * normally at full opacity, unmasked, unrotated, covering the whole document.
 */
function coversDocument(doc: EditorDocument, layer: Layer): boolean {
	const t = layer.transform;
	const box = layer.image.visibleBox;
	const whole =
		box === undefined ||
		(box !== null &&
			box.x === 0 &&
			box.y === 0 &&
			box.width === layer.image.width &&
			box.height === layer.image.height);
	return (
		layer.source.kind === 'stylized' &&
		whole &&
		layer.visible &&
		layer.opacity === 1 &&
		layer.blend === 'source-over' &&
		layer.mask === null &&
		t.rotation % 360 === 0 &&
		t.scaleX > 0 &&
		t.scaleY > 0 &&
		t.x <= 0 &&
		t.y <= 0 &&
		t.x + layer.image.width * t.scaleX >= doc.width &&
		t.y + layer.image.height * t.scaleY >= doc.height
	);
}

/** The layers whose pixels show in the export, bottom to top (a covering layer hides those below it). */
export function shownLayers(doc: EditorDocument): Layer[] {
	const out: Layer[] = [];
	for (let i = doc.layers.length - 1; i >= 0; i--) {
		const layer = doc.layers[i]!;
		if (!reachesExport(doc, layer)) continue;
		out.unshift(layer);
		if (coversDocument(doc, layer)) break;
	}
	return out;
}

// ---------------------------------------------------------------------------------------------------------
// Edits as C2PA actions

function actionOf(op: Operation): EditAction {
	switch (op.type) {
		case 'stylize':
			return 'c2pa.filtered';
		case 'crop':
			return 'c2pa.cropped';
		case 'edit-mask':
			return op.edit.kind === 'stroke' ? 'c2pa.drawing' : 'c2pa.edited';
		default:
			return 'c2pa.edited';
	}
}

/** The operation as manifest parameters: every input and setting, a stroke's points counted, not listed. */
function parametersOf(op: Operation): Record<string, unknown> {
	if (op.type === 'edit-mask' && op.edit.kind === 'stroke') {
		const { points, ...settings } = op.edit;
		return { ...op, edit: { ...settings, pointCount: points.length } };
	}
	return { ...op };
}

// ---------------------------------------------------------------------------------------------------------
// The record

/** Every layer that ever was in the project, by id (a layer's source never changes once it exists). */
function layersEverSeen(project: Project): Map<string, Layer> {
	const layers = new Map<string, Layer>();
	const docs = [project.document, ...project.history.entries.flatMap((e) => [e.before, e.after])];
	for (const doc of docs)
		for (const layer of doc.layers) if (!layers.has(layer.id)) layers.set(layer.id, layer);
	return layers;
}

function addLayerTo<T extends { layers: LayerName[] }>(entry: T, layer: LayerName): void {
	if (!entry.layers.some((l) => l.id === layer.id)) entry.layers.push(layer);
}

/** The IPTC source type: a stylization only, stylizations beside other pictures, or no AI at all. */
function sourceTypeOf(layers: DocumentRecord['layers']): string {
	const stylized = layers.filter((l) => l.kind === 'stylized').length;
	if (stylized === 0) return DIGITAL_SOURCE_TYPES.composite;
	return stylized === layers.length
		? DIGITAL_SOURCE_TYPES.trainedAlgorithmicMedia
		: DIGITAL_SOURCE_TYPES.compositeWithTrainedAlgorithmicMedia;
}

export function documentRecord(project: Project): DocumentRecord {
	const doc = project.document;
	const everSeen = layersEverSeen(project);
	const sources = new Map<string, RecordSource>();
	const stylizations: RecordStylization[] = [];
	const models = new Map<string, RecordModel>();
	const styles = new Map<string, RecordStyle>();

	/** The keys of the sources `layer` is made from, recording them for the shown layer `shown`. */
	const trace = (layer: Layer, shown: LayerName, seen: Set<string>): string[] => {
		if (seen.has(layer.id)) return [];
		seen.add(layer.id);
		const source = layer.source;
		if (source.kind === 'stylized') {
			const from = everSeen.get(source.recipe.input.layerId);
			return from ? trace(from, shown, seen) : [];
		}
		const ref = pictureFile(layer)!;
		const entry = sources.get(ref.id) ?? {
			key: ref.id,
			kind: source.kind,
			name: source.kind === 'webcam' ? `Webcam picture ${source.capturedAt}` : source.fileName,
			ref,
			layers: []
		};
		sources.set(ref.id, entry);
		addLayerTo(entry, shown);
		return [ref.id];
	};

	const shown = shownLayers(doc);
	for (const layer of shown) {
		const name = { id: layer.id, name: layer.name };
		const from = trace(layer, name, new Set());
		if (layer.source.kind !== 'stylized') continue;
		const recipe = layer.source.recipe;
		stylizations.push({
			layer: name,
			model: { id: recipe.model.id, sha256: [...recipe.model.sha256] },
			styles: recipe.styles.map((s) => ({ ...s })),
			settings: recipe.settings,
			backend: recipe.backend,
			from,
			region: recipe.region,
			regionFaces: recipe.regionFaces ?? null,
			mask: layer.mask
		});
		const model = models.get(recipe.model.id) ?? {
			id: recipe.model.id,
			sha256: [...recipe.model.sha256],
			layers: []
		};
		models.set(model.id, model);
		addLayerTo(model, name);
		for (const style of recipe.styles) {
			const key = `${style.sha256} ${style.weight}`;
			const entry = styles.get(key) ?? { ...style, layers: [] };
			styles.set(key, entry);
			addLayerTo(entry, name);
		}
	}

	const layers = shown.map((l) => ({ id: l.id, name: l.name, kind: l.source.kind }));
	return {
		width: doc.width,
		height: doc.height,
		layers,
		sources: [...sources.values()],
		stylizations,
		models: [...models.values()],
		styles: [...styles.values()],
		edits: doneEntries(project.history).map((entry) => ({
			action: actionOf(entry.op),
			description: describeOperation(entry.op, entry.before, entry.after),
			parameters: parametersOf(entry.op),
			when: new Date(entry.at)
		})),
		sourceType: sourceTypeOf(layers)
	};
}
