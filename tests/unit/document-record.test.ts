import { describe, expect, it } from 'vitest';
import {
	addLayer,
	addStylizedLayer,
	createLayer,
	editMask,
	removeLayer,
	setOpacity,
	setVisible
} from '../../src/lib/document/document';
import { applyChange, undoProject } from '../../src/lib/document/history';
import { documentRecord } from '../../src/lib/provenance/record';
import { EDIT_ACTIONS } from '../../src/lib/provenance/c2pa/manifest';
import {
	MODEL_SHA,
	recipeFor,
	SECOND_STYLE_SHA,
	STYLE_SHA,
	photoProject,
	storedPng,
	stylizedProject
} from '../helpers/editor';

describe('the document record', () => {
	it('a photo alone: the photo as the one ingredient and its adding as the action', async () => {
		const { project, photo } = await photoProject();
		const facts = documentRecord(project);
		expect(facts.sources).toEqual([
			{
				key: photo.image.id,
				kind: 'photo',
				name: 'harbour.png',
				ref: photo.image,
				layers: [{ id: photo.id, name: 'Background' }]
			}
		]);
		expect(facts.styles).toEqual([]);
		expect(facts.models).toEqual([]);
		expect(facts.edits).toEqual([
			{
				action: 'c2pa.edited',
				description: "Added layer 'Background' from the photo 'harbour.png'",
				parameters: { type: 'add-layer', layerId: photo.id, source: photo.source },
				when: new Date('2026-01-02T03:04:05.000Z')
			}
		]);
	});

	it('a stylized layer brings its model, its style with weight, and the photo it was painted from', async () => {
		const { project, photo, stylized } = await stylizedProject();
		// Hiding the photo does not remove it: the visible stylized layer was painted from it.
		const hidden = applyChange(project, setVisible(project.document, photo.id, false));
		const facts = documentRecord(hidden);
		expect(facts.sources.map((p) => [p.name, p.layers.map((l) => l.id)])).toEqual([
			['harbour.png', [stylized.id]]
		]);
		expect(facts.models).toEqual([
			{ id: 'arbitrary-wyf', sha256: [MODEL_SHA], layers: [{ id: stylized.id, name: 'Night Watch' }] }
		]);
		expect(facts.styles).toEqual([
			{
				catalogId: 'rembrandt-night-watch',
				title: 'The Night Watch',
				sha256: STYLE_SHA,
				weight: 1,
				layers: [{ id: stylized.id, name: 'Night Watch' }]
			}
		]);
		expect(facts.edits.map((a) => [a.action, a.description])).toEqual([
			['c2pa.edited', "Added layer 'Background' from the photo 'harbour.png'"],
			[
				'c2pa.filtered',
				"Stylized layer 'Background' with model arbitrary-wyf after rembrandt-night-watch (strength 0.8)"
			],
			['c2pa.edited', "Hid layer 'Background'"]
		]);
		expect(facts.edits[1]!.when).toEqual(new Date('2026-01-02T03:05:00.000Z'));
		// Even with the photo layer deleted, history still knows what the stylized layer was painted from.
		const deleted = applyChange(project, removeLayer(project.document, photo.id));
		expect(documentRecord(deleted).sources.map((p) => [p.name, p.layers.map((l) => l.id)])).toEqual([
			['harbour.png', [stylized.id]]
		]);
		expect(facts.edits.every((a) => (EDIT_ACTIONS as readonly string[]).includes(a.action))).toBe(true);
	});

	it('leaves out what the visible result does not use: hidden, transparent or removed layers', async () => {
		const { project, stylized, photo } = await stylizedProject();
		const hidden = applyChange(project, setVisible(project.document, stylized.id, false));
		const facts = documentRecord(hidden);
		expect(facts.models).toEqual([]);
		expect(facts.styles).toEqual([]);
		expect(facts.stylizations).toEqual([]);
		expect(facts.sources.map((p) => p.layers.map((l) => l.id))).toEqual([[photo.id]]);
		const clear = applyChange(project, setOpacity(project.document, stylized.id, 0));
		expect(documentRecord(clear).models).toEqual([]);
		const gone = applyChange(project, removeLayer(project.document, stylized.id));
		expect(documentRecord(gone).models).toEqual([]);
		// The history keeps the stylize as something that was done, followed by the removal.
		expect(documentRecord(gone).edits.map((a) => a.action)).toEqual([
			'c2pa.edited',
			'c2pa.filtered',
			'c2pa.edited'
		]);
	});

	it('lists only done actions: an undone change is not in the manifest', async () => {
		const { project, stylized } = await stylizedProject();
		const faded = applyChange(project, setOpacity(project.document, stylized.id, 0.5));
		expect(documentRecord(faded).edits.at(-1)!.description).toBe("Set opacity of 'Night Watch' to 50%");
		expect(documentRecord(undoProject(faded)).edits).toHaveLength(2);
	});

	it('traces a stylized layer painted from a stylized layer back to the photo, across styles and models', async () => {
		const { project, store, stylized, photo } = await stylizedProject();
		const recipe = recipeFor(stylized, null, 0.5);
		recipe.model = { id: 'manga-ink', sha256: [] };
		recipe.styles = [
			{ catalogId: null, title: 'my-sketch.png', sha256: SECOND_STYLE_SHA, weight: 0.25 },
			{ catalogId: 'rembrandt-night-watch', title: 'The Night Watch', sha256: STYLE_SHA, weight: 0.75 }
		];
		const second = createLayer({
			name: 'Ink',
			image: await storedPng(store, 40, 30, 50),
			source: { kind: 'stylized', recipe }
		});
		let p = applyChange(project, addStylizedLayer(project.document, second));
		for (const layer of p.document.layers.slice(0, 2))
			p = applyChange(p, setVisible(p.document, layer.id, false));
		const facts = documentRecord(p);
		expect(facts.sources.map((x) => [x.name, x.layers.map((l) => l.id)])).toEqual([
			['harbour.png', [second.id]]
		]);
		// Only the layer that shows is a stylization of the export; the hidden one it was painted from is not.
		expect(facts.models.map((m) => m.id)).toEqual(['manga-ink']);
		expect(facts.stylizations.map((s) => [s.layer.name, s.model.id, s.from])).toEqual([
			['Ink', 'manga-ink', [photo.image.id]]
		]);
		expect(facts.styles.map((s) => [s.title, s.weight])).toEqual([
			['my-sketch.png', 0.25],
			['The Night Watch', 0.75]
		]);
		expect(facts.edits[2]!.description).toBe(
			"Stylized layer 'Night Watch' with model manga-ink after 'my-sketch.png' 25% + rembrandt-night-watch 75% (strength 0.5)"
		);
	});

	it('a painted mask is a drawing action with its settings, its points counted', async () => {
		const { project, store } = await photoProject();
		const region = await storedPng(store, 40, 30, 255);
		const points = [
			{ x: 1, y: 1 },
			{ x: 20, y: 10 }
		];
		const stroke = {
			kind: 'stroke' as const,
			tool: 'brush' as const,
			size: 12,
			hardness: 0.5,
			opacity: 1,
			points
		};
		const painted = applyChange(project, editMask(project.document, { kind: 'region' }, stroke, region));
		const action = documentRecord(painted).edits[1]!;
		expect(action.action).toBe('c2pa.drawing');
		expect(action.description).toBe('Painted the region mask (brush size 12, hardness 50%, opacity 100%)');
		expect(action.parameters).toEqual({
			type: 'edit-mask',
			target: { kind: 'region' },
			edit: { kind: 'stroke', tool: 'brush', size: 12, hardness: 0.5, opacity: 1, pointCount: 2 },
			result: region
		});
	});

	it('webcam and imported layers are ingredients too', async () => {
		const { project, store } = await photoProject();
		const capture = await storedPng(store, 40, 30, 10);
		const webcam = createLayer({
			name: 'Me',
			image: capture,
			source: { kind: 'webcam', capturedAt: '2026-01-02T05:00:00.000Z' }
		});
		const file = await storedPng(store, 20, 20, 30);
		const imported = createLayer({
			name: 'Logo',
			image: file,
			source: { kind: 'import', fileName: 'logo.png', file }
		});
		let p = applyChange(project, addLayer(project.document, webcam));
		p = applyChange(p, addLayer(p.document, imported));
		expect(documentRecord(p).sources.map((x) => [x.kind, x.name])).toEqual([
			['photo', 'harbour.png'],
			['webcam', 'Webcam picture 2026-01-02T05:00:00.000Z'],
			['import', 'logo.png']
		]);
	});
});
