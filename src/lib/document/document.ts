// Pure functions from one document to the next. Each returns a Change: the operation as recorded in history
// (every input and setting) and the document after it. Nothing is mutated, so the document before a change
// stays valid as the history entry's `before` snapshot. Bad values are refused with DocumentError and a
// message meant for people (constants below, so tests and the UI can match them).
import {
	BLEND_MODES,
	type BlendMode,
	type EditorDocument,
	type ImageRef,
	type Layer,
	type LayerSource,
	type MaskEdit,
	type MaskTarget,
	type Operation,
	type StylizeRecipe,
	type Transform
} from './types';

export const DOCUMENT_ERRORS = {
	badSize: 'The document size must be whole pixels between 1 and 30000 on each side.',
	noLayer: 'That layer is not in the document (it may have been removed).',
	duplicateLayer: 'A layer with this id is already in the document.',
	badOpacity: 'Opacity must be a number from 0 to 1.',
	badBlend: 'Unknown blend mode.',
	emptyName: 'A layer name cannot be empty.',
	longName: `A layer name can have at most 200 characters.`,
	badTransform: 'A transform needs finite numbers and a scale that is not zero.',
	badIndex: 'The new position is outside the layer stack.',
	maskSize: 'A mask must have the size of the document.',
	badCrop: 'The crop must be whole pixels inside the document, at least 1 x 1.',
	uncroppedMask: 'Every layer mask must be cropped with the document.',
	notStylized: 'A stylized layer must come from a stylize recipe.',
	badImage: 'An image reference needs a sha256 id and a positive size.',
	unrecordable: 'This change has a value out of range, so it cannot be recorded.'
} as const;

export class DocumentError extends Error {
	constructor(
		message: string,
		/** What exactly was wrong, for developers (the message is for people). */
		readonly detail?: string
	) {
		super(message);
		this.name = 'DocumentError';
	}
}

export const MAX_DOCUMENT_SIDE = 30_000;
/** The longest layer or project name, in characters. */
export const MAX_NAME_LENGTH = 200;

export const IDENTITY_TRANSFORM: Transform = Object.freeze({ x: 0, y: 0, scaleX: 1, scaleY: 1, rotation: 0 });

/** What an operation did: the record for history and the document it produced. */
export interface Change {
	op: Operation;
	document: EditorDocument;
}

/** A fresh random id for layers, history entries and projects. */
export function newId(): string {
	return crypto.randomUUID();
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: string): boolean {
	return SHA256_HEX.test(value);
}

function check(condition: boolean, message: string): asserts condition {
	if (!condition) throw new DocumentError(message);
}

function checkImage(ref: ImageRef): void {
	check(
		isSha256Hex(ref.id) &&
			Number.isInteger(ref.width) &&
			Number.isInteger(ref.height) &&
			ref.width > 0 &&
			ref.height > 0,
		DOCUMENT_ERRORS.badImage
	);
}

function checkDocumentSized(doc: Pick<EditorDocument, 'width' | 'height'>, mask: ImageRef | null): void {
	if (!mask) return;
	checkImage(mask);
	check(mask.width === doc.width && mask.height === doc.height, DOCUMENT_ERRORS.maskSize);
}

function isSide(value: number): boolean {
	return Number.isInteger(value) && value >= 1 && value <= MAX_DOCUMENT_SIDE;
}

export function createDocument(width: number, height: number): EditorDocument {
	check(isSide(width) && isSide(height), DOCUMENT_ERRORS.badSize);
	return { width, height, layers: [], region: null };
}

export interface LayerInit {
	name: string;
	image: ImageRef;
	source: LayerSource;
	id?: string;
	visible?: boolean;
	opacity?: number;
	blend?: BlendMode;
	transform?: Transform;
	mask?: ImageRef | null;
}

/** A layer with defaults: visible, opaque, normal blend, at the document's origin, no mask. */
export function createLayer(init: LayerInit): Layer {
	return {
		id: init.id ?? newId(),
		name: init.name,
		image: init.image,
		visible: init.visible ?? true,
		opacity: init.opacity ?? 1,
		blend: init.blend ?? 'source-over',
		transform: { ...(init.transform ?? IDENTITY_TRANSFORM) },
		mask: init.mask ?? null,
		source: init.source
	};
}

export function findLayer(doc: EditorDocument, layerId: string): Layer | undefined {
	return doc.layers.find((layer) => layer.id === layerId);
}

/**
 * The file a picture layer shows, as the user brought it (a webcam picture: its capture), whose sha256 keys
 * what is declared and found about it; null for a stylized layer.
 */
export function pictureFile(layer: Layer): ImageRef | null {
	const source = layer.source;
	if (source.kind === 'stylized') return null;
	return source.kind === 'webcam' ? layer.image : source.file;
}

export function layerById(doc: EditorDocument, layerId: string): Layer {
	const layer = findLayer(doc, layerId);
	if (!layer) throw new DocumentError(DOCUMENT_ERRORS.noLayer);
	return layer;
}

function indexOf(doc: EditorDocument, layerId: string): number {
	const index = doc.layers.findIndex((layer) => layer.id === layerId);
	check(index >= 0, DOCUMENT_ERRORS.noLayer);
	return index;
}

function checkOpacity(opacity: number): void {
	check(Number.isFinite(opacity) && opacity >= 0 && opacity <= 1, DOCUMENT_ERRORS.badOpacity);
}

export function isBlendMode(value: string): value is BlendMode {
	return (BLEND_MODES as readonly string[]).includes(value);
}

function checkTransform(t: Transform): void {
	const numbers = [t.x, t.y, t.scaleX, t.scaleY, t.rotation];
	check(numbers.every(Number.isFinite) && t.scaleX !== 0 && t.scaleY !== 0, DOCUMENT_ERRORS.badTransform);
}

function cleanName(name: string): string {
	const trimmed = name.trim();
	check(trimmed.length > 0, DOCUMENT_ERRORS.emptyName);
	check(trimmed.length <= MAX_NAME_LENGTH, DOCUMENT_ERRORS.longName);
	return trimmed;
}

/** Every value of a layer checked against the document it goes into. */
export function checkLayer(doc: EditorDocument, layer: Layer): void {
	checkImage(layer.image);
	cleanName(layer.name);
	checkOpacity(layer.opacity);
	check(isBlendMode(layer.blend), DOCUMENT_ERRORS.badBlend);
	checkTransform(layer.transform);
	checkDocumentSized(doc, layer.mask);
}

function replaceLayer(doc: EditorDocument, layerId: string, patch: Partial<Layer>): EditorDocument {
	const index = indexOf(doc, layerId);
	const layers = doc.layers.slice();
	layers[index] = { ...layers[index]!, ...patch };
	return { ...doc, layers };
}

function insertLayer(doc: EditorDocument, layer: Layer, index: number): EditorDocument {
	check(!findLayer(doc, layer.id), DOCUMENT_ERRORS.duplicateLayer);
	check(Number.isInteger(index) && index >= 0 && index <= doc.layers.length, DOCUMENT_ERRORS.badIndex);
	checkLayer(doc, layer);
	const layers = doc.layers.slice();
	layers.splice(index, 0, { ...layer, name: cleanName(layer.name) });
	return { ...doc, layers };
}

/** Adds a photo, webcam or imported layer at `index` (default: on top). */
export function addLayer(doc: EditorDocument, layer: Layer, index = doc.layers.length): Change {
	check(layer.source.kind !== 'stylized', DOCUMENT_ERRORS.notStylized);
	return {
		op: { type: 'add-layer', layerId: layer.id, source: layer.source },
		document: insertLayer(doc, layer, index)
	};
}

/**
 * Adds a stylized layer (the engine's output) just above the layer it was painted from, or at `index`.
 * Its mask is normally the region it was applied to (the caller copies recipe.region into `layer.mask`).
 */
export function addStylizedLayer(doc: EditorDocument, layer: Layer, index?: number): Change {
	const source = layer.source;
	if (source.kind !== 'stylized') throw new DocumentError(DOCUMENT_ERRORS.notStylized);
	const above = findLayer(doc, source.recipe.input.layerId)
		? indexOf(doc, source.recipe.input.layerId) + 1
		: doc.layers.length;
	return {
		op: { type: 'stylize', layerId: layer.id, recipe: source.recipe },
		document: insertLayer(doc, layer, index ?? above)
	};
}

export function removeLayer(doc: EditorDocument, layerId: string): Change {
	indexOf(doc, layerId);
	return {
		op: { type: 'remove-layer', layerId },
		document: { ...doc, layers: doc.layers.filter((layer) => layer.id !== layerId) }
	};
}

/** Moves a layer to index `to` of the stack (0 is the bottom). */
export function reorderLayer(doc: EditorDocument, layerId: string, to: number): Change {
	const from = indexOf(doc, layerId);
	check(Number.isInteger(to) && to >= 0 && to < doc.layers.length, DOCUMENT_ERRORS.badIndex);
	const layers = doc.layers.slice();
	const [moved] = layers.splice(from, 1);
	layers.splice(to, 0, moved!);
	return { op: { type: 'reorder-layer', layerId, from, to }, document: { ...doc, layers } };
}

export function setVisible(doc: EditorDocument, layerId: string, visible: boolean): Change {
	return { op: { type: 'set-visible', layerId, visible }, document: replaceLayer(doc, layerId, { visible }) };
}

export function setOpacity(doc: EditorDocument, layerId: string, opacity: number): Change {
	checkOpacity(opacity);
	return { op: { type: 'set-opacity', layerId, opacity }, document: replaceLayer(doc, layerId, { opacity }) };
}

export function setBlend(doc: EditorDocument, layerId: string, blend: BlendMode): Change {
	check(isBlendMode(blend), DOCUMENT_ERRORS.badBlend);
	return { op: { type: 'set-blend', layerId, blend }, document: replaceLayer(doc, layerId, { blend }) };
}

export function renameLayer(doc: EditorDocument, layerId: string, name: string): Change {
	const clean = cleanName(name);
	return {
		op: { type: 'rename-layer', layerId, name: clean },
		document: replaceLayer(doc, layerId, { name: clean })
	};
}

export function transformLayer(doc: EditorDocument, layerId: string, transform: Transform): Change {
	checkTransform(transform);
	const copy = { ...transform };
	return {
		op: { type: 'transform-layer', layerId, transform: copy },
		document: replaceLayer(doc, layerId, { transform: { ...copy } })
	};
}

/**
 * Records a mask edit: `result` is the mask after the edit (a document-size grey PNG), or null for "no
 * mask" (the region: nothing selected; a layer: shown everywhere). The pixels are made by the caller with
 * the brush kernel; the edit's settings go into history.
 */
export function editMask(
	doc: EditorDocument,
	target: MaskTarget,
	edit: MaskEdit,
	result: ImageRef | null
): Change {
	checkDocumentSized(doc, result);
	const document =
		target.kind === 'region'
			? { ...doc, region: result }
			: replaceLayer(doc, target.layerId, { mask: result });
	return {
		op: { type: 'edit-mask', target: { ...target }, edit: copyEdit(edit), result },
		document
	};
}

/** A plain copy (the caller's points may sit in a reactive proxy, which structuredClone refuses). */
function copyEdit(edit: MaskEdit): MaskEdit {
	return edit.kind === 'stroke'
		? {
				...edit,
				points: edit.points.map(({ x, y, pressure }) =>
					pressure === undefined ? { x, y } : { x, y, pressure }
				)
			}
		: { ...edit };
}

export interface CropRect {
	x: number;
	y: number;
	width: number;
	height: number;
}

/** The masks cut to the crop rectangle by the caller, by layer id for every layer that has a mask. */
export interface CroppedMasks {
	region: ImageRef | null;
	masks: Record<string, ImageRef | null>;
}

/**
 * Crops the document to `rect` (document pixels): the new size, every layer moved by (-x, -y) so nothing
 * shifts on screen, and the masks replaced by the caller's cropped copies.
 */
export function crop(doc: EditorDocument, rect: CropRect, cropped: CroppedMasks): Change {
	const { x, y, width, height } = rect;
	check(
		[x, y, width, height].every(Number.isInteger) &&
			x >= 0 &&
			y >= 0 &&
			width >= 1 &&
			height >= 1 &&
			x + width <= doc.width &&
			y + height <= doc.height,
		DOCUMENT_ERRORS.badCrop
	);
	const size = { width, height };
	checkDocumentSized(size, cropped.region);
	const layers = doc.layers.map((layer) => {
		const mask = layer.mask ? cropped.masks[layer.id] : null;
		check(mask !== undefined, DOCUMENT_ERRORS.uncroppedMask);
		checkDocumentSized(size, mask);
		const t = layer.transform;
		return { ...layer, mask, transform: { ...t, x: t.x - x, y: t.y - y } };
	});
	return {
		op: { type: 'crop', rect: { x, y, width, height } },
		document: { width, height, layers, region: cropped.region }
	};
}

// ------------------------------------------------------------------------------------------------------
// Words

function percent(value: number): string {
	return `${Math.round(value * 100)}%`;
}

function quoted(name: string): string {
	return `'${name}'`;
}

/** A layer's name in the document where it exists (before or after the operation). */
function nameOf(layerId: string, ...docs: EditorDocument[]): string {
	for (const doc of docs) {
		const layer = findLayer(doc, layerId);
		if (layer) return quoted(layer.name);
	}
	return 'a layer';
}

function sourceWords(source: LayerSource): string {
	switch (source.kind) {
		case 'photo':
			return `from the photo ${quoted(source.fileName)}`;
		case 'import':
			return `from the file ${quoted(source.fileName)}`;
		case 'webcam':
			return 'from a webcam capture';
		case 'stylized':
			return `stylized with ${source.recipe.model.id}`;
	}
}

/** "rembrandt-night-watch" or "rembrandt-night-watch 60% + my-photo.png 40%". */
export function describeStyles(recipe: StylizeRecipe): string {
	const name = (s: StylizeRecipe['styles'][number]) => s.catalogId ?? quoted(s.title);
	if (recipe.styles.length === 1) return name(recipe.styles[0]!);
	return recipe.styles.map((s) => `${name(s)} ${percent(s.weight)}`).join(' + ');
}

function maskWords(edit: MaskEdit, what: string): string {
	switch (edit.kind) {
		case 'stroke': {
			const verb = edit.tool === 'erase' ? 'Erased from' : 'Painted';
			return `${verb} ${what} (brush size ${edit.size}, hardness ${percent(edit.hardness)}, opacity ${percent(edit.opacity)})`;
		}
		case 'fill':
			return `Filled ${what}`;
		case 'clear':
			return `Cleared ${what}`;
		case 'invert':
			return `Inverted ${what}`;
		case 'faces': {
			const faces = edit.boxes.length === 1 ? '1 face' : `${edit.boxes.length} faces`;
			return edit.mode === 'protect'
				? `Set ${what} to everything but ${faces} (protect faces)`
				: `Set ${what} to ${faces} (stylize only the faces)`;
		}
	}
}

/** The operation in words for the history panel and the provenance manifest. */
export function describeOperation(op: Operation, before: EditorDocument, after: EditorDocument): string {
	switch (op.type) {
		case 'add-layer':
			return `Added layer ${nameOf(op.layerId, after)} ${sourceWords(op.source)}`;
		case 'remove-layer':
			return `Removed layer ${nameOf(op.layerId, before)}`;
		case 'reorder-layer':
			return `Moved layer ${nameOf(op.layerId, after)} from position ${op.from + 1} to ${op.to + 1}`;
		case 'set-visible':
			return `${op.visible ? 'Showed' : 'Hid'} layer ${nameOf(op.layerId, after)}`;
		case 'set-opacity':
			return `Set opacity of ${nameOf(op.layerId, after)} to ${percent(op.opacity)}`;
		case 'set-blend':
			return `Set blend of ${nameOf(op.layerId, after)} to ${op.blend === 'source-over' ? 'normal' : op.blend}`;
		case 'rename-layer':
			return `Renamed layer ${nameOf(op.layerId, before)} to ${quoted(op.name)}`;
		case 'transform-layer': {
			const t = op.transform;
			const scale = `${percent(t.scaleX)} x ${percent(t.scaleY)}`;
			return `Transformed layer ${nameOf(op.layerId, after)} (position ${Math.round(t.x)}, ${Math.round(t.y)}; scale ${scale}; rotation ${Math.round(t.rotation * 10) / 10}°)`;
		}
		case 'edit-mask': {
			const what =
				op.target.kind === 'region' ? 'the region mask' : `the mask of ${nameOf(op.target.layerId, after)}`;
			return maskWords(op.edit, what);
		}
		case 'crop':
			return `Cropped to ${op.rect.width} x ${op.rect.height} at ${op.rect.x}, ${op.rect.y}`;
		case 'stylize': {
			const r = op.recipe;
			const where = r.region ? ' in the painted region' : '';
			return `Stylized layer ${nameOf(r.input.layerId, before, after)} with model ${r.model.id} after ${describeStyles(r)} (strength ${r.settings.strength})${where}`;
		}
	}
}
