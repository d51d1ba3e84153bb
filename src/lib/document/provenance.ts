// What a document's Content Credentials must say, from the project alone (pure, for the studio and tests):
// the ingredients the visible result actually uses (photos and captures, styles with their weights, models
// with their file hashes), traced through stylized layers back to what they were painted from, and the
// done history in words as C2PA edit actions with their times.
import type { EditAction, EditStep } from '../provenance/c2pa/manifest';
import { describeOperation } from './document';
import { doneEntries } from './history';
import type { ImageRef, Layer, Operation, Project, StyleUse, StylizeRecipe } from './types';

export interface PictureIngredient {
	kind: 'photo' | 'import' | 'webcam';
	/** The file's name, or "Webcam capture" with its time. */
	name: string;
	/** The file as the user gave it (for a webcam capture: the captured pixels). */
	ref: ImageRef;
	/** The visible layers that use it, directly or through a stylized layer painted from it. */
	layerIds: string[];
}

export interface StyleIngredient extends StyleUse {
	layerIds: string[];
}

export interface ModelIngredient {
	id: string;
	sha256: string[];
	layerIds: string[];
}

/** A stylized layer the visible result uses (directly or as the input of another), with its recipe. */
export interface Stylization {
	layerId: string;
	name: string;
	recipe: StylizeRecipe;
}

export interface DocumentProvenance {
	pictures: PictureIngredient[];
	/** Every stylize behind the visible result (visible layers bottom to top, each followed by its inputs). */
	stylizations: Stylization[];
	styles: StyleIngredient[];
	models: ModelIngredient[];
	/** The done history, oldest first, as the manifest's edit steps. */
	actions: EditStep[];
}

/** Every layer that ever was in the project, by id (a layer's source never changes once it exists). */
function layersEverSeen(project: Project): Map<string, Layer> {
	const layers = new Map<string, Layer>();
	const docs = [project.document, ...project.history.entries.flatMap((e) => [e.before, e.after])];
	for (const doc of docs)
		for (const layer of doc.layers) if (!layers.has(layer.id)) layers.set(layer.id, layer);
	return layers;
}

/** Adds `layerId` to the entry with this key, creating it with `make` the first time. */
function use<T extends { layerIds: string[] }>(
	into: Map<string, T>,
	key: string,
	layerId: string,
	make: () => T
): void {
	const entry = into.get(key) ?? make();
	into.set(key, entry);
	if (!entry.layerIds.includes(layerId)) entry.layerIds.push(layerId);
}

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

export function documentProvenance(project: Project): DocumentProvenance {
	const everSeen = layersEverSeen(project);
	const pictures = new Map<string, PictureIngredient>();
	const styles = new Map<string, StyleIngredient>();
	const models = new Map<string, ModelIngredient>();
	const stylizations = new Map<string, Stylization>();

	/** Records what `layer` is made from, for the visible layer `shownId`, following stylize inputs. */
	const trace = (layer: Layer, shownId: string, seen: Set<string>): void => {
		if (seen.has(layer.id)) return;
		seen.add(layer.id);
		const source = layer.source;
		switch (source.kind) {
			case 'photo':
			case 'import': {
				const kind = source.kind;
				use<PictureIngredient>(pictures, source.file.id, shownId, () => ({
					kind,
					name: source.fileName,
					ref: source.file,
					layerIds: []
				}));
				return;
			}
			case 'webcam':
				use<PictureIngredient>(pictures, layer.image.id, shownId, () => ({
					kind: 'webcam',
					name: `Webcam capture ${source.capturedAt}`,
					ref: layer.image,
					layerIds: []
				}));
				return;
			case 'stylized': {
				const { model, styles: used, input } = source.recipe;
				if (!stylizations.has(layer.id)) {
					stylizations.set(layer.id, { layerId: layer.id, name: layer.name, recipe: source.recipe });
				}
				use(models, model.id, shownId, () => ({ id: model.id, sha256: [...model.sha256], layerIds: [] }));
				for (const style of used) {
					use(styles, `${style.sha256} ${style.weight}`, shownId, () => ({ ...style, layerIds: [] }));
				}
				const from = everSeen.get(input.layerId);
				if (from) trace(from, shownId, seen);
				return;
			}
		}
	};

	for (const layer of project.document.layers) {
		if (layer.visible && layer.opacity > 0) trace(layer, layer.id, new Set());
	}

	const actions = doneEntries(project.history).map((entry): EditStep => ({
		action: actionOf(entry.op),
		description: describeOperation(entry.op, entry.before, entry.after),
		parameters: parametersOf(entry.op),
		when: new Date(entry.at)
	}));
	return {
		pictures: [...pictures.values()],
		stylizations: [...stylizations.values()],
		styles: [...styles.values()],
		models: [...models.values()],
		actions
	};
}
