import { describe, expect, it } from 'vitest';
import {
	addLayer,
	addStylizedLayer,
	createDocument,
	createLayer,
	crop,
	describeOperation,
	DOCUMENT_ERRORS,
	editMask,
	layerById,
	removeLayer,
	renameLayer,
	reorderLayer,
	setBlend,
	setOpacity,
	setVisible,
	transformLayer
} from '../../src/lib/document/document';
import {
	applyChange,
	canRedo,
	canUndo,
	createProject,
	HISTORY_ERRORS,
	redoProject,
	referencedImages,
	undoProject
} from '../../src/lib/document/history';
import type { BlendMode, EditorDocument, ImageRef, Layer } from '../../src/lib/document/types';
import { photoProject, recipeFor, storedPng, stylizedProject } from '../helpers/editor';

const REF: ImageRef = { id: 'f'.repeat(64), width: 40, height: 30, mime: 'image/png' };

function photoLayer(name = 'Photo', image: ImageRef = REF): Layer {
	return createLayer({ name, image, source: { kind: 'photo', fileName: `${name}.png`, file: image } });
}

function docWith(...names: string[]): EditorDocument {
	return names.reduce((doc, name) => addLayer(doc, photoLayer(name)).document, createDocument(40, 30));
}

const names = (doc: EditorDocument) => doc.layers.map((l) => l.name);

describe('document operations', () => {
	it('adds layers on top by default and at a chosen index', () => {
		const doc = docWith('a', 'b');
		expect(names(doc)).toEqual(['a', 'b']);
		const change = addLayer(doc, photoLayer('under'), 0);
		expect(names(change.document)).toEqual(['under', 'a', 'b']);
		expect(change.op).toEqual({
			type: 'add-layer',
			layerId: change.document.layers[0]!.id,
			source: change.document.layers[0]!.source
		});
		// The document before is untouched: it is history's snapshot.
		expect(names(doc)).toEqual(['a', 'b']);
	});

	it('refuses a second layer with the same id, and a stylized layer without its recipe path', () => {
		const doc = docWith('a');
		expect(() => addLayer(doc, doc.layers[0]!)).toThrow(DOCUMENT_ERRORS.duplicateLayer);
		const stylized = createLayer({
			name: 's',
			image: REF,
			source: { kind: 'stylized', recipe: recipeFor(doc.layers[0]!) }
		});
		expect(() => addLayer(doc, stylized)).toThrow(DOCUMENT_ERRORS.notStylized);
		expect(() => addStylizedLayer(doc, photoLayer('x'))).toThrow(DOCUMENT_ERRORS.notStylized);
	});

	it('puts a stylized layer just above the layer it was painted from and records the recipe', () => {
		const doc = docWith('a', 'b');
		const recipe = recipeFor(doc.layers[0]!);
		const stylized = createLayer({ name: 's', image: REF, source: { kind: 'stylized', recipe } });
		const change = addStylizedLayer(doc, stylized);
		expect(names(change.document)).toEqual(['a', 's', 'b']);
		expect(change.op).toEqual({ type: 'stylize', layerId: stylized.id, recipe });
	});

	it('removes, reorders, shows and hides layers', () => {
		const doc = docWith('a', 'b', 'c');
		const [a, b, c] = doc.layers as [Layer, Layer, Layer];
		expect(names(removeLayer(doc, b.id).document)).toEqual(['a', 'c']);
		const moved = reorderLayer(doc, a.id, 2);
		expect(names(moved.document)).toEqual(['b', 'c', 'a']);
		expect(moved.op).toEqual({ type: 'reorder-layer', layerId: a.id, from: 0, to: 2 });
		expect(layerById(setVisible(doc, c.id, false).document, c.id).visible).toBe(false);
		expect(() => reorderLayer(doc, a.id, 3)).toThrow(DOCUMENT_ERRORS.badIndex);
		expect(() => removeLayer(doc, 'nope')).toThrow(DOCUMENT_ERRORS.noLayer);
	});

	it('checks opacity, blend, names and transforms', () => {
		const doc = docWith('a');
		const id = doc.layers[0]!.id;
		expect(layerById(setOpacity(doc, id, 0.5).document, id).opacity).toBe(0.5);
		for (const bad of [-0.1, 1.01, Number.NaN])
			expect(() => setOpacity(doc, id, bad)).toThrow(DOCUMENT_ERRORS.badOpacity);
		expect(layerById(setBlend(doc, id, 'multiply').document, id).blend).toBe('multiply');
		expect(() => setBlend(doc, id, 'plus-lighter' as BlendMode)).toThrow(DOCUMENT_ERRORS.badBlend);
		expect(layerById(renameLayer(doc, id, '  Ink  ').document, id).name).toBe('Ink');
		expect(() => renameLayer(doc, id, '   ')).toThrow(DOCUMENT_ERRORS.emptyName);
		expect(() => renameLayer(doc, id, 'x'.repeat(201))).toThrow(DOCUMENT_ERRORS.longName);
		const t = { x: 5, y: -3, scaleX: 2, scaleY: 0.5, rotation: 30 };
		expect(layerById(transformLayer(doc, id, t).document, id).transform).toEqual(t);
		expect(() => transformLayer(doc, id, { ...t, scaleX: 0 })).toThrow(DOCUMENT_ERRORS.badTransform);
		expect(() => transformLayer(doc, id, { ...t, rotation: Infinity })).toThrow(DOCUMENT_ERRORS.badTransform);
	});

	it('edits the region or a layer mask, which must be document-sized', () => {
		const doc = docWith('a');
		const id = doc.layers[0]!.id;
		const mask = { ...REF, id: '1'.repeat(64) };
		const stroke = {
			kind: 'stroke' as const,
			tool: 'brush' as const,
			size: 10,
			hardness: 0.5,
			opacity: 1,
			points: [{ x: 1, y: 2 }]
		};
		const region = editMask(doc, { kind: 'region' }, stroke, mask);
		expect(region.document.region).toEqual(mask);
		expect(region.op).toEqual({ type: 'edit-mask', target: { kind: 'region' }, edit: stroke, result: mask });
		expect(
			layerById(editMask(doc, { kind: 'layer', layerId: id }, { kind: 'fill' }, mask).document, id).mask
		).toEqual(mask);
		expect(editMask(region.document, { kind: 'region' }, { kind: 'clear' }, null).document.region).toBeNull();
		expect(() => editMask(doc, { kind: 'region' }, { kind: 'fill' }, { ...mask, width: 41 })).toThrow(
			DOCUMENT_ERRORS.maskSize
		);
	});

	it('crops: new size, every layer shifted, masks replaced by the cropped ones', () => {
		const mask = { ...REF, id: '1'.repeat(64) };
		let doc = docWith('a', 'b');
		const [a, b] = doc.layers as [Layer, Layer];
		doc = editMask(doc, { kind: 'layer', layerId: a.id }, { kind: 'fill' }, mask).document;
		const small = { id: '2'.repeat(64), width: 20, height: 10, mime: 'image/png' };
		const change = crop(
			doc,
			{ x: 10, y: 5, width: 20, height: 10 },
			{ region: null, masks: { [a.id]: small } }
		);
		expect(change.document.width).toBe(20);
		expect(change.document.height).toBe(10);
		expect(layerById(change.document, a.id).transform).toMatchObject({ x: -10, y: -5 });
		expect(layerById(change.document, a.id).mask).toEqual(small);
		expect(layerById(change.document, b.id).mask).toBeNull();
		expect(() => crop(doc, { x: 10, y: 5, width: 20, height: 10 }, { region: null, masks: {} })).toThrow(
			DOCUMENT_ERRORS.uncroppedMask
		);
		expect(() => crop(doc, { x: 30, y: 0, width: 20, height: 10 }, { region: null, masks: {} })).toThrow(
			DOCUMENT_ERRORS.badCrop
		);
		expect(() => crop(doc, { x: 0.5, y: 0, width: 20, height: 10 }, { region: null, masks: {} })).toThrow(
			DOCUMENT_ERRORS.badCrop
		);
	});

	it('refuses documents of no size or beyond the limit', () => {
		expect(() => createDocument(0, 10)).toThrow(DOCUMENT_ERRORS.badSize);
		expect(() => createDocument(30_001, 10)).toThrow(DOCUMENT_ERRORS.badSize);
	});

	it('describes operations in words with the layer names', () => {
		const doc = docWith('Ink');
		const id = doc.layers[0]!.id;
		const opacity = setOpacity(doc, id, 0.5);
		expect(describeOperation(opacity.op, doc, opacity.document)).toBe("Set opacity of 'Ink' to 50%");
		const removed = removeLayer(doc, id);
		expect(describeOperation(removed.op, doc, removed.document)).toBe("Removed layer 'Ink'");
		const renamed = renameLayer(doc, id, 'Wash');
		expect(describeOperation(renamed.op, doc, renamed.document)).toBe("Renamed layer 'Ink' to 'Wash'");
		const erase = {
			kind: 'stroke' as const,
			tool: 'erase' as const,
			size: 8,
			hardness: 1,
			opacity: 0.5,
			points: []
		};
		const erased = editMask(doc, { kind: 'layer', layerId: id }, erase, null);
		expect(describeOperation(erased.op, doc, erased.document)).toBe(
			"Erased from the mask of 'Ink' (brush size 8, hardness 100%, opacity 50%)"
		);
		const inverted = editMask(doc, { kind: 'region' }, { kind: 'invert' }, null);
		expect(describeOperation(inverted.op, doc, inverted.document)).toBe('Inverted the region mask');
		const stylized = createLayer({
			name: 's',
			image: REF,
			source: { kind: 'stylized', recipe: recipeFor(doc.layers[0]!) }
		});
		const stylize = addStylizedLayer(doc, stylized);
		expect(describeOperation(stylize.op, doc, stylize.document)).toBe(
			"Stylized layer 'Ink' with model arbitrary-wyf after rembrandt-night-watch (strength 0.8)"
		);
	});
});

describe('history', () => {
	it('records each change with its operation, label, time and whole snapshots', async () => {
		const { project, photo } = await photoProject();
		const at = new Date('2026-01-02T04:00:00.000Z');
		const next = applyChange(project, setOpacity(project.document, photo.id, 0.25), at);
		expect(next.history.cursor).toBe(2);
		const entry = next.history.entries[1]!;
		expect(entry.at).toBe(at.toISOString());
		expect(entry.label).toBe("Set opacity of 'Background' to 25%");
		expect(entry.op).toEqual({ type: 'set-opacity', layerId: photo.id, opacity: 0.25 });
		expect(entry.before).toBe(project.document);
		expect(entry.after).toBe(next.document);
		expect(next.updatedAt).toBe(at.toISOString());
	});

	it('undo restores the exact earlier document and redo the later one', async () => {
		const { project, photo } = await photoProject();
		const a = applyChange(project, setOpacity(project.document, photo.id, 0.25));
		const b = applyChange(a, setBlend(a.document, photo.id, 'screen'));
		const undone = undoProject(b);
		expect(undone.document).toEqual(a.document);
		expect(canRedo(undone.history)).toBe(true);
		const twice = undoProject(undone);
		expect(twice.document).toEqual(project.document);
		const back = undoProject(twice);
		expect(back.document.layers).toEqual([]);
		expect(canUndo(back.history)).toBe(false);
		expect(() => undoProject(back)).toThrow(HISTORY_ERRORS.nothingToUndo);
		const redone = redoProject(redoProject(redoProject(back)));
		expect(redone.document).toEqual(b.document);
		expect(() => redoProject(redone)).toThrow(HISTORY_ERRORS.nothingToRedo);
	});

	it('a new change after undo drops the redo tail, and nothing is capped', async () => {
		const { project, photo } = await photoProject();
		let p = project;
		for (let i = 1; i <= 300; i++) p = applyChange(p, setOpacity(p.document, photo.id, i / 300));
		expect(p.history.entries).toHaveLength(301);
		p = undoProject(undoProject(p));
		p = applyChange(p, setVisible(p.document, photo.id, false));
		expect(p.history.entries).toHaveLength(300);
		expect(p.history.cursor).toBe(300);
		expect(canRedo(p.history)).toBe(false);
		expect(p.history.entries.at(-1)!.op).toEqual({ type: 'set-visible', layerId: photo.id, visible: false });
	});

	it('refuses to record a change a project file could not hold', async () => {
		const { project, photo } = await photoProject();
		const wild = {
			kind: 'stroke' as const,
			tool: 'brush' as const,
			size: 10,
			hardness: 2,
			opacity: 1,
			points: []
		};
		const stroke = editMask(project.document, { kind: 'region' }, wild, null);
		expect(() => applyChange(project, stroke)).toThrow(DOCUMENT_ERRORS.unrecordable);
		const recipe = recipeFor(photo, null, 1.5);
		const layer = createLayer({ name: 's', image: photo.image, source: { kind: 'stylized', recipe } });
		expect(() => applyChange(project, addStylizedLayer(project.document, layer))).toThrow(
			DOCUMENT_ERRORS.unrecordable
		);
		expect(createProject(project.document, ` ${'n'.repeat(500)} `).name).toBe('n'.repeat(200));
		expect(createProject(project.document, '   ').name).toBe('Untitled');
	});

	it('lists every image the project refers to, in the document and in history', async () => {
		const { project, store, stylized, photo } = await stylizedProject();
		const region = await storedPng(store, 40, 30, 255);
		const masked = applyChange(
			project,
			editMask(project.document, { kind: 'region' }, { kind: 'fill' }, region)
		);
		const cleared = applyChange(
			masked,
			editMask(masked.document, { kind: 'region' }, { kind: 'clear' }, null)
		);
		const ids = [...referencedImages(cleared).keys()].sort();
		// The region is gone from the document but still in history, so undo can bring it back.
		expect(ids).toEqual([photo.image.id, stylized.image.id, region.id].sort());
		expect(ids.every((id) => store.has(id))).toBe(true);
	});
});
