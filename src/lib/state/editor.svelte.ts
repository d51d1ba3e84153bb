// The editor's state: the open project (document + history), the selected layer, the tool and brush, the
// compare split, and the display pictures the Konva view draws. Every edit is a Change from
// src/lib/document/document.ts committed to the history; the project is autosaved after each change, and
// after each change of what the user stated about its pictures (saved with it, outside history).
// Full-resolution pixels stay in the blob store; the view gets bitmaps sized to what the screen shows at
// the current zoom (a power-of-two level, at most MAX_DISPLAY_SIDE long, made in the canvas worker and
// swapped as the zoom changes), so a 24 MP document stays responsive. Everything that decodes, paints, composites
// or encodes full-size pixels runs in the canvas worker (src/lib/canvas/canvas-worker.ts), never on the
// page's main thread.
import { createContext } from 'svelte';
import type { CropRect, LayerPicture, ViewTool } from '../canvas/document-view';
import {
	addLayer,
	addStylizedLayer,
	type Change,
	createDocument,
	createLayer,
	crop as cropDocument,
	editMask,
	findLayer,
	isBlendMode,
	removeLayer,
	renameLayer,
	reorderLayer,
	setBlend,
	setOpacity,
	setVisible,
	transformLayer
} from '../document/document';
import {
	applyChange,
	canRedo,
	canUndo,
	createProject,
	redoProject,
	statementsFor,
	undoProject
} from '../document/history';
import { MemoryBlobStore } from '../document/blob-store';
import { Autosave, AutosaveError } from '../document/autosave';
import {
	PROJECT_FILE_EXTENSION,
	PROJECT_FILE_MIME,
	PROJECT_VERSION,
	readProjectFile,
	sameData,
	writeProjectFile
} from '../document/project';
import { pictureStatementsSchema } from '../document/schema';
import type {
	BlendMode,
	EditorDocument,
	FaceMaskMode,
	ImageRef,
	Layer,
	LayerSource,
	MaskEdit,
	MaskTarget,
	PictureStatements,
	Project,
	StylizeRecipe,
	Transform
} from '../document/types';
import { DEFAULT_FACE_MASK } from '../kernels/faces';
import { CanceledError, type Pixels } from '../engine/types';
import type { EncodeFormat } from '../canvas/decode';
import { maskedPicture, paintOverlay } from '../canvas/mask-pictures';
import { PictureCache } from '../canvas/pictures';
import { CanvasWorkerClient } from '../canvas/canvas-client';
import type { CanvasJobs, MaskBase, MaskOp, Stored } from '../canvas/canvas-protocol';
import {
	type BrushSettings,
	clampCropRect,
	type MaskPixels,
	paintStroke,
	type PressureMode,
	type Rect,
	type StrokePoint,
	strokeDabs
} from '../kernels/brush';
import {
	type Box,
	displaySide,
	fitToView,
	layerAreaOf,
	type Size,
	STAGE_FIT_PADDING
} from '../kernels/geometry';

/** Longest side of the pictures the stage draws; full-resolution pixels stay in blobs. */
export const MAX_DISPLAY_SIDE = 4096;
/** A zoom that needs another display level waits this long for the next (a wheel turn is many steps). */
const LEVEL_DELAY_MS = 120;

/** The stage as the editor sizes its pictures for it. */
export interface StageViewport {
	/** The stage's size in CSS pixels. */
	stage: Size;
	/** CSS pixels per document pixel, for a document of `documentSize`, and where its corner is on the stage. */
	zoom: number;
	pan: { x: number; y: number };
	documentSize: Size;
	devicePixelRatio: number;
}
/** Autosave waits this long after a change, so a burst of edits is one write (flushed on pagehide). */
const AUTOSAVE_DELAY_MS = 250;

export const TOOLS: { id: ViewTool; label: string; hint: string }[] = [
	{ id: 'hand', label: 'Pan', hint: 'Drag to pan the view; the wheel zooms' },
	{ id: 'move', label: 'Move', hint: 'Move, scale and rotate the selected layer' },
	{ id: 'brush', label: 'Brush', hint: 'Paint the mask' },
	{ id: 'erase', label: 'Erase', hint: 'Erase from the mask' },
	{ id: 'crop', label: 'Crop', hint: 'Drag the box, then crop the document to it' }
];

export const BLEND_LABELS: Record<BlendMode, string> = {
	'source-over': 'Normal',
	multiply: 'Multiply',
	screen: 'Screen',
	overlay: 'Overlay',
	'soft-light': 'Soft light',
	'hard-light': 'Hard light',
	darken: 'Darken',
	lighten: 'Lighten',
	'color-dodge': 'Colour dodge',
	'color-burn': 'Colour burn',
	difference: 'Difference',
	exclusion: 'Exclusion',
	hue: 'Hue',
	saturation: 'Saturation',
	color: 'Colour',
	luminosity: 'Luminosity'
};

/** What the stage draws: the document's size, its layers and the mask being painted, as pictures. */
export interface Scene {
	/** The document these pictures show (the scene lags a moment behind each change). */
	document: EditorDocument;
	width: number;
	height: number;
	layers: LayerPicture[];
	/** The mask being painted, as a red overlay picture, or null. */
	overlay: OffscreenCanvas | ImageBitmap | null;
	/** The content photo alone, for the before/after split. */
	before: LayerPicture | null;
}

export class EditorState {
	project = $state.raw<Project | null>(null);
	readonly document = $derived(this.project?.document ?? null);
	selectedId = $state<string | null>(null);
	readonly selectedLayer = $derived(
		this.document && this.selectedId ? (findLayer(this.document, this.selectedId) ?? null) : null
	);
	tool = $state<ViewTool>('hand');
	brush = $state({ size: 40, hardness: 0.8, opacity: 1 });
	/** What a pen's pressure changes (a mouse paints at full size and opacity). */
	pressure = $state<PressureMode>('size');
	/** The brush paints the region to stylize, or the selected layer's own mask. */
	maskTarget = $state<MaskTarget>({ kind: 'region' });
	/** The before/after split (0..1 of the width), or null when not comparing. */
	compare = $state<number | null>(null);
	/** The crop box the view shows, in document pixels. */
	cropBox = $state<CropRect | null>(null);
	/** Autosave could not write (storage full): the document is still open and can be saved as a file. */
	storageProblem = $state<string | null>(null);
	/** Where autosave stands: nothing to save yet, a save waiting or running, saved, or failed. */
	autosaveState = $state<'idle' | 'pending' | 'saved' | 'failed'>('idle');
	scene = $state.raw<Scene | null>(null);
	readonly canUndo = $derived(this.project ? canUndo(this.project.history) : false);
	readonly canRedo = $derived(this.project ? canRedo(this.project.history) : false);

	readonly blobs = new MemoryBlobStore();
	/** Paints masks and encodes new pictures at full size, off the main thread (keeps the last mask). */
	private readonly edits = new CanvasWorkerClient();
	/** Hashes, decodes, makes display masks and exports, off the main thread. */
	private readonly reads = new CanvasWorkerClient();
	private readonly autosave = new Autosave();
	private autosaveTimer: ReturnType<typeof setTimeout> | null = null;
	/**
	 * What the user stated about pictures, by the sha256 of each file (the studio keeps it current); a
	 * project is saved with the statements about its own pictures.
	 */
	private statements: Record<string, PictureStatements> = {};
	/** The statements about the project's pictures as last saved or opened. */
	private savedStatements: Record<string, PictureStatements> = {};
	/** When the statements about a project's pictures last changed: a change of the project, though not an
	 * edit, so it moves the project's saved time (which project opens last, the file's date) without one. */
	private stated: { projectId: string; at: string } | null = null;
	private readonly pictures = new PictureCache();
	private sceneRequest = 0;
	/** What the stage shows (null until it reports), and the display level the scene was made for. */
	private viewport: StageViewport | null = null;
	private sceneSide = 0;
	/** The document area whose own pixels the scene shows (zoomed in past the largest level), or null. */
	private sceneDetail: Box | null = null;
	private levelTimer: ReturnType<typeof setTimeout> | null = null;
	/** The mask being painted, at display size, as the scene last showed it. */
	private overlayMask: MaskPixels | null = null;
	/** A copy of it the canvas worker made, for the next stroke to paint on (taken once). */
	private spareMask: MaskPixels | null = null;
	/** Copies of it and its overlay made ahead for the next stroke. */
	private nextStroke: { mask: MaskPixels; overlay: OffscreenCanvas } | null = null;
	private stroke: {
		points: StrokePoint[];
		mask: MaskPixels;
		overlay: OffscreenCanvas;
		settings: BrushSettings;
	} | null = null;
	/** Edits run one after another, so a slow stroke is recorded before the next edit reads the document. */
	private queue: Promise<unknown> = Promise.resolve();

	constructor(private readonly report: (message: string) => void) {}

	// --------------------------------------------------------------------------------------------------
	// Documents

	/** Starts a new document from a photo (or a webcam picture): the bottom layer, the document's size. */
	async startFromPhoto(file: Blob, fileName: string, kind: 'photo' | 'webcam'): Promise<boolean> {
		return this.run(async () => {
			const ref = await this.measured(await this.storeFile(file));
			const source: LayerSource =
				kind === 'photo' ? { kind: 'photo', fileName, file: ref } : { kind: 'webcam', capturedAt: now() };
			const layer = createLayer({ name: fileName, image: ref, source });
			const project = createProject(createDocument(ref.width, ref.height), fileName.replace(/\.[^.]+$/, ''));
			this.selectedId = layer.id;
			this.maskTarget = { kind: 'region' };
			this.setProject(applyChange(project, addLayer(project.document, layer)));
			return true;
		}, false);
	}

	/** Adds an image file as a new layer on top. */
	async importLayer(file: File): Promise<void> {
		await this.change(async (doc) => {
			const ref = await this.measured(await this.storeFile(file));
			const layer = createLayer({
				name: file.name,
				image: ref,
				source: { kind: 'import', fileName: file.name, file: ref }
			});
			this.selectedId = layer.id;
			return addLayer(doc, layer);
		});
	}

	/**
	 * Adds the engine's output as a stylized layer, masked by the region when it was applied to one. The
	 * pixels are handed to the canvas worker to encode (the caller no longer reads them).
	 */
	async addStylized(pixels: Pixels, recipe: StylizeRecipe, name: string): Promise<void> {
		await this.change(async (doc) => {
			const image = this.store(
				await this.edits.run('encode-png', { pixels }, { transfer: [pixels.data.buffer as ArrayBuffer] })
			);
			const input = findLayer(doc, recipe.input.layerId);
			const layer = createLayer({
				name,
				image,
				source: { kind: 'stylized', recipe },
				mask: recipe.region,
				transform: input?.transform
			});
			this.selectedId = layer.id;
			return addStylizedLayer(doc, layer);
		});
	}

	/** The layer stylize paints from: the selected photo, webcam or imported layer, else the bottom one. */
	stylizeInput(): Layer | null {
		const doc = this.document;
		if (!doc) return null;
		const selected = this.selectedLayer;
		if (selected && selected.source.kind !== 'stylized') return selected;
		return doc.layers.find((layer) => layer.source.kind !== 'stylized') ?? null;
	}

	// --------------------------------------------------------------------------------------------------
	// Layer operations

	select(layerId: string | null): void {
		this.selectedId = layerId;
		if (this.maskTarget.kind === 'layer') this.maskTarget = { kind: 'region' };
		void this.refreshScene();
	}

	setVisible(layerId: string, visible: boolean) {
		return this.change((doc) => setVisible(doc, layerId, visible));
	}

	setOpacity(layerId: string, opacity: number) {
		return this.change((doc) => setOpacity(doc, layerId, opacity));
	}

	setBlend(layerId: string, blend: string) {
		return this.change((doc) => {
			if (!isBlendMode(blend)) throw new Error(`"${blend}" is not a blend mode.`);
			return setBlend(doc, layerId, blend);
		});
	}

	rename(layerId: string, name: string) {
		return this.change((doc) => renameLayer(doc, layerId, name));
	}

	reorder(layerId: string, to: number) {
		return this.change((doc) => reorderLayer(doc, layerId, to));
	}

	remove(layerId: string) {
		return this.change((doc) => {
			if (this.selectedId === layerId) this.selectedId = null;
			return removeLayer(doc, layerId);
		});
	}

	transform(layerId: string, transform: Transform) {
		return this.change((doc) => transformLayer(doc, layerId, transform));
	}

	/** The brush paints the selected layer's own mask (true) or the region to stylize (false). */
	editLayerMask(on: boolean): void {
		const layer = this.selectedLayer;
		this.maskTarget = on && layer ? { kind: 'layer', layerId: layer.id } : { kind: 'region' };
		void this.refreshScene();
	}

	/** Crops the document to the crop box (rounded to whole pixels and clamped to the document). */
	crop(): Promise<void> {
		return this.change(async (doc) => {
			const box = this.cropBox;
			if (!box) throw new Error('Draw a crop box first.');
			const rect = clampCropRect(box, doc.width, doc.height);
			const cut = async (ref: ImageRef) =>
				(await this.editedMask({ id: ref.id, blob: await this.blobs.get(ref.id) }, ref, {
					kind: 'crop',
					rect
				}))!;
			const masks: Record<string, ImageRef | null> = {};
			for (const layer of doc.layers) {
				if (layer.mask) masks[layer.id] = await cut(layer.mask);
			}
			return cropDocument(doc, rect, { region: doc.region ? await cut(doc.region) : null, masks });
		});
	}

	// --------------------------------------------------------------------------------------------------
	// Masks

	/** Fill, clear or invert the mask being painted. */
	maskEdit(edit: Extract<MaskEdit, { kind: 'fill' | 'clear' | 'invert' }>): Promise<void> {
		return this.change(async (doc) => {
			const target = this.maskTarget;
			if (edit.kind === 'clear' && target.kind === 'region') return editMask(doc, target, edit, null);
			const op: MaskOp =
				edit.kind === 'invert'
					? { kind: 'invert' }
					: { kind: 'solid', value: edit.kind === 'fill' ? 255 : 0 };
			return editMask(doc, target, edit, await this.editTargetMask(doc, target, op));
		});
	}

	/**
	 * The mask being painted becomes a feathered mask from the detected faces (document pixels): everything
	 * but the faces ('protect'), or only the faces. An ordinary mask edit: undoable, saved, editable after.
	 */
	faceMaskEdit(mode: FaceMaskMode, faces: readonly Rect[]): Promise<void> {
		const boxes = faces.map(({ x, y, width, height }) => ({ x, y, width, height }));
		return this.change(async (doc) => {
			const target = this.maskTarget;
			const op: MaskOp = { kind: 'faces', boxes, options: { ...DEFAULT_FACE_MASK, mode } };
			return editMask(
				doc,
				target,
				{ kind: 'faces', mode, boxes },
				await this.editTargetMask(doc, target, op)
			);
		});
	}

	/** A brush or eraser stroke begins: it is painted on the overlay at once, at display size. */
	strokeStart(point: StrokePoint): void {
		const scene = this.scene;
		if (!scene) return;
		const prepared = this.nextStroke ?? this.prepareStroke(scene);
		this.nextStroke = null;
		if (!prepared) return;
		this.stroke = {
			points: [point],
			...prepared,
			settings: { tool: this.tool === 'erase' ? 'erase' : 'brush', ...this.brush, pressure: this.pressure }
		};
		this.paintLive([point]);
	}

	/** Paints the stroke's newest segment on the overlay (the view redraws right after). */
	strokeMove(point: StrokePoint): void {
		const stroke = this.stroke;
		if (!stroke) return;
		const last = stroke.points.at(-1)!;
		stroke.points.push(point);
		this.paintLive([last, point]);
	}

	/** The stroke is painted on the full-size mask by the same kernel (in the canvas worker) and recorded. */
	strokeEnd(): Promise<void> {
		const stroke = this.stroke;
		this.stroke = null;
		if (!stroke) return Promise.resolve();
		const { tool, size, hardness, opacity, pressure } = stroke.settings;
		const pressed = pressure && pressure !== 'none' && stroke.points.some((p) => p.pressure !== undefined);
		const edit: MaskEdit = {
			kind: 'stroke',
			tool,
			size,
			hardness,
			opacity,
			...(pressed ? { pressure } : {}),
			points: stroke.points
		};
		return this.change(async (doc) => {
			const target = this.maskTarget;
			const op: MaskOp = { kind: 'stroke', points: stroke.points, settings: stroke.settings };
			return editMask(doc, target, edit, await this.editTargetMask(doc, target, op));
		});
	}

	/**
	 * Copies the display mask and its overlay for the next stroke ahead of time and shows the copy, so a
	 * 24 MP document's first dab neither waits for tens of megabytes to be copied nor swaps the stage's
	 * picture. The cached overlay stays as it was (undo shows it again).
	 */
	private prepareStroke(scene: Scene): { mask: MaskPixels; overlay: OffscreenCanvas } | null {
		const base = this.overlayMask;
		if (!base || this.scene !== scene) return null;
		const mask = this.spareMask ?? { ...base, data: base.data.slice() };
		this.spareMask = null;
		const overlay = new OffscreenCanvas(mask.width, mask.height);
		if (scene.overlay) overlay.getContext('2d')?.drawImage(scene.overlay, 0, 0);
		this.nextStroke = { mask, overlay };
		this.scene = { ...scene, overlay };
		return this.nextStroke;
	}

	private paintLive(points: StrokePoint[]): void {
		const stroke = this.stroke;
		const scene = this.scene;
		if (!stroke || !scene) return;
		const scale = stroke.mask.width / scene.width;
		const dabs = strokeDabs(points, stroke.settings.size).map((p) => ({
			...p,
			x: p.x * scale,
			y: p.y * scale
		}));
		const dirty = paintStroke(stroke.mask, dabs, { ...stroke.settings, size: stroke.settings.size * scale });
		if (dirty) paintOverlay(stroke.overlay, stroke.mask, dirty);
	}

	/**
	 * Edits the mask the brush paints, at full size, and stores the result: the region (none: black) or a
	 * layer's (none: white). A region left all black is no region (null).
	 */
	private async editTargetMask(
		doc: EditorDocument,
		target: MaskTarget,
		op: MaskOp
	): Promise<ImageRef | null> {
		const ref = maskOf(doc, target);
		const base: MaskBase = ref
			? { id: ref.id, blob: await this.blobs.get(ref.id) }
			: { fill: target.kind === 'region' ? 0 : 255 };
		return this.editedMask(base, doc, op, target.kind === 'region');
	}

	/**
	 * Runs a mask edit in the canvas worker (which keeps the last mask it wrote decoded, so the next stroke
	 * paints it in place) and stores the result with the box where it is not black, so the record can tell a
	 * mask that hides all. With `dropBlank`, an all-black result is not stored (null).
	 */
	private async editedMask(
		base: MaskBase,
		size: { width: number; height: number },
		op: MaskOp,
		dropBlank = false
	): Promise<ImageRef | null> {
		const { width, height } = size;
		const result = await this.edits.run('mask', { base, width, height, op, dropBlank });
		return result ? this.store(result) : null;
	}

	/** Keeps bytes the canvas worker encoded and hashed under their reference. */
	private store({ bytes, ref }: Stored): ImageRef {
		this.blobs.adopt(ref.id, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: ref.mime }));
		return ref;
	}

	/** Keeps a user's image file under its reference (hashed in the canvas worker). */
	private async storeFile(file: Blob): Promise<ImageRef> {
		const ref = await this.reads.run('ref', { blob: file });
		this.blobs.adopt(ref.id, new Blob([file], { type: ref.mime }));
		return ref;
	}

	/** A stored mask at display size, with its red overlay picture (decoded and drawn in the worker). */
	private async maskView(
		ref: ImageRef | null,
		fill: number,
		size: { width: number; height: number }
	): Promise<CanvasJobs['mask-view']['output']> {
		const blob = ref ? await this.blobs.get(ref.id) : null;
		return this.reads.run('mask-view', { blob, fill, ...size });
	}

	/**
	 * A picture's reference with the box where it is not transparent (JPEG has no transparency), so the
	 * record can leave out a layer that puts nothing in the export.
	 */
	private async measured(ref: ImageRef): Promise<ImageRef> {
		if (ref.mime === 'image/jpeg') return ref;
		const visibleBox = await this.reads.run('shown-box', { blob: await this.blobs.get(ref.id), channel: 3 });
		return { ...ref, visibleBox };
	}

	// --------------------------------------------------------------------------------------------------
	// The view

	/** The stage zoomed, panned or resized: when it needs another display level, the scene is made again. */
	viewChanged(viewport: StageViewport): void {
		this.viewport = viewport;
		const doc = this.document;
		if (!doc || !this.sceneOutdated(doc)) return;
		if (this.levelTimer !== null) clearTimeout(this.levelTimer);
		this.levelTimer = setTimeout(() => {
			this.levelTimer = null;
			const now = this.document;
			if (now && this.sceneOutdated(now)) void this.refreshScene();
		}, LEVEL_DELAY_MS);
	}

	/**
	 * The scene's pictures no longer suit the view: another level, or (zoomed in past the largest level) the
	 * view with a quarter of it around comes near the edge of the area shown in full.
	 */
	private sceneOutdated(doc: Size): boolean {
		if (this.displaySideOf(doc) !== this.sceneSide) return true;
		const wanted = this.detailAreaOf(doc, 0.25);
		if (!wanted || !this.sceneDetail) return (wanted === null) !== (this.sceneDetail === null);
		const shown = this.sceneDetail;
		return (
			wanted.x < shown.x ||
			wanted.y < shown.y ||
			wanted.x + wanted.width > shown.x + shown.width ||
			wanted.y + wanted.height > shown.y + shown.height
		);
	}

	/**
	 * Zoomed in past the largest display level: the part of the document the stage shows, with `margin` of
	 * the view's size around it, within the document, in whole pixels; else null.
	 */
	private detailAreaOf(doc: Size, margin: number): Box | null {
		const view = this.viewport;
		const longSide = Math.max(doc.width, doc.height);
		if (!view || view.documentSize.width !== doc.width || view.documentSize.height !== doc.height) {
			return null;
		}
		if (displaySide(longSide, view.zoom * view.devicePixelRatio, longSide) <= MAX_DISPLAY_SIDE) return null;
		const width = view.stage.width / view.zoom;
		const height = view.stage.height / view.zoom;
		const left = Math.max(0, Math.floor(-view.pan.x / view.zoom - width * margin));
		const top = Math.max(0, Math.floor(-view.pan.y / view.zoom - height * margin));
		const right = Math.min(doc.width, Math.ceil(-view.pan.x / view.zoom + width * (1 + margin)));
		const bottom = Math.min(doc.height, Math.ceil(-view.pan.y / view.zoom + height * (1 + margin)));
		if (right <= left || bottom <= top) return null;
		return { x: left, y: top, width: right - left, height: bottom - top };
	}

	/**
	 * The long side of the display pictures for `doc`: what the stage shows of it at its zoom, in device
	 * pixels (a document the stage has not fitted yet is taken as fitted), rounded up to a level.
	 */
	private displaySideOf(doc: Size): number {
		const longSide = Math.max(doc.width, doc.height);
		const view = this.viewport;
		if (!view || view.stage.width <= 0 || view.stage.height <= 0) {
			return Math.min(MAX_DISPLAY_SIDE, longSide);
		}
		const shown =
			view.documentSize.width === doc.width && view.documentSize.height === doc.height
				? view.zoom
				: fitToView(doc, view.stage, STAGE_FIT_PADDING).scale;
		return displaySide(longSide, shown * view.devicePixelRatio, MAX_DISPLAY_SIDE);
	}

	// --------------------------------------------------------------------------------------------------
	// History

	undo(): Promise<void> {
		return this.run(async () => {
			if (this.project && canUndo(this.project.history)) this.setProject(undoProject(this.project));
		}, undefined);
	}

	redo(): Promise<void> {
		return this.run(async () => {
			if (this.project && canRedo(this.project.history)) this.setProject(redoProject(this.project));
		}, undefined);
	}

	// --------------------------------------------------------------------------------------------------
	// Persistence

	/**
	 * Brings back the autosaved project, if any, and gives what the user stated about its pictures (null when
	 * nothing was restored).
	 */
	async restore(): Promise<Record<string, PictureStatements> | null> {
		return this.run(async () => {
			const saved = await this.autosave.loadLatestProject();
			if (!saved) return null;
			this.adoptBlobs(saved.blobs);
			this.selectedId = saved.project.document.layers.at(-1)?.id ?? null;
			const statements = this.adoptProject(saved.project, { save: false });
			this.savedStatements = statements;
			return statements;
		}, null);
	}

	/**
	 * What the user stated about pictures changed (the studio sends every statement it holds): the project
	 * is saved when those about its own pictures did. Not an edit: no history entry, undo leaves them alone.
	 */
	setStatements(statements: Record<string, PictureStatements>): void {
		for (const [key, stated] of Object.entries(statements)) {
			const checked = pictureStatementsSchema.safeParse(stated);
			if (checked.success) this.statements[key] = checked.data;
			else
				this.report(
					`What you stated about a picture could not be saved: ${checked.error.issues[0]?.message}`
				);
		}
		const project = this.project;
		if (project && !sameData(statementsFor(project, this.statements), this.savedStatements)) {
			this.stated = { projectId: project.id, at: now() };
			this.scheduleAutosave();
		}
	}

	/** The project as saved: with the statements about its pictures, at the current version. */
	private saved(project: Project): Project & { declarations: Record<string, PictureStatements> } {
		const { stated } = this;
		const updatedAt =
			stated?.projectId === project.id && stated.at > project.updatedAt ? stated.at : project.updatedAt;
		return {
			...project,
			version: PROJECT_VERSION,
			updatedAt,
			declarations: statementsFor(project, this.statements)
		};
	}

	/** The project as a .rakkan file: project.json and every image it refers to. */
	async saveProjectFile(): Promise<{ blob: Blob; filename: string }> {
		const project = this.project;
		if (!project) throw new Error('There is no document to save.');
		const bytes = await writeProjectFile(this.saved(project), this.blobs);
		return {
			blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: PROJECT_FILE_MIME }),
			filename: `${project.name || 'rakkan'}${PROJECT_FILE_EXTENSION}`
		};
	}

	/**
	 * Opens a .rakkan file and gives what the user stated about its pictures (null when it was refused); it is
	 * checked in full first, so a corrupt or foreign file changes nothing.
	 */
	async openProjectFile(file: File): Promise<Record<string, PictureStatements> | null> {
		return this.run(
			async () => {
				const opened = await readProjectFile(new Uint8Array(await file.arrayBuffer()));
				this.adoptBlobs(opened.blobs);
				this.selectedId = opened.project.document.layers.at(-1)?.id ?? null;
				this.maskTarget = { kind: 'region' };
				return this.adoptProject(opened.project);
			},
			null,
			(message) => `${file.name}: ${message}`
		);
	}

	/**
	 * Makes a saved project the open one; its statements join those held (over any about the same files)
	 * and are given back. The open project holds none itself: they are added when it is saved.
	 */
	private adoptProject(
		{ declarations = {}, ...project }: Project,
		options?: { save: boolean }
	): Record<string, PictureStatements> {
		Object.assign(this.statements, declarations);
		this.setProject(project, options);
		return declarations;
	}

	/** Writes the pending autosave now (the page is being hidden or closed). */
	flushAutosave(): Promise<void> {
		if (this.autosaveTimer === null) return Promise.resolve();
		clearTimeout(this.autosaveTimer);
		this.autosaveTimer = null;
		return this.saveNow();
	}

	private scheduleAutosave(): void {
		this.autosaveState = 'pending';
		if (this.autosaveTimer !== null) clearTimeout(this.autosaveTimer);
		this.autosaveTimer = setTimeout(() => {
			this.autosaveTimer = null;
			void this.saveNow();
		}, AUTOSAVE_DELAY_MS);
	}

	private async saveNow(): Promise<void> {
		const project = this.project;
		if (!project) return;
		const saved = this.saved(project);
		try {
			await this.autosave.saveProject(saved, this.blobs);
			this.savedStatements = saved.declarations;
			this.storageProblem = null;
			if (this.project === project && this.autosaveTimer === null) this.autosaveState = 'saved';
		} catch (error) {
			this.autosaveState = 'failed';
			this.storageProblem =
				error instanceof AutosaveError ? error.message : `Autosave failed: ${(error as Error).message}`;
		}
	}

	private adoptBlobs(blobs: Map<string, Blob>): void {
		for (const [id, blob] of blobs) this.blobs.adopt(id, blob);
	}

	// --------------------------------------------------------------------------------------------------
	// Internals

	/** Runs `make` on the current document and commits its change; a refused change becomes an alert. */
	private change(make: (doc: EditorDocument) => Change | Promise<Change>): Promise<void> {
		return this.run(async () => {
			const project = this.project;
			if (!project) return;
			const change = await make(project.document);
			if (this.project !== project) return;
			this.setProject(applyChange(project, change));
		}, undefined);
	}

	/**
	 * Runs edits one after another (a slow stroke is recorded before the next edit reads the document). A
	 * refused edit is reported (worded by `explain`) and gives `failed`.
	 */
	private run<T>(task: () => Promise<T>, failed: T, explain = (message: string) => message): Promise<T> {
		const next = this.queue.then(task).catch((error: unknown) => {
			this.report(explain((error as Error).message));
			return failed;
		});
		this.queue = next;
		return next;
	}

	private setProject(project: Project, { save = true } = {}): void {
		this.project = project;
		if (this.selectedId && !findLayer(project.document, this.selectedId)) this.selectedId = null;
		if (this.maskTarget.kind === 'layer' && !findLayer(project.document, this.maskTarget.layerId)) {
			this.maskTarget = { kind: 'region' };
		}
		if (save) this.scheduleAutosave();
		void this.refreshScene();
	}

	// --------------------------------------------------------------------------------------------------
	// Pixels

	/** An image's full-resolution pixels (what the engine paints from), decoded in the canvas worker. */
	async pixelsOf(ref: ImageRef, signal?: AbortSignal): Promise<Pixels> {
		return (await this.reads.run('pixels', { blob: await this.blobs.get(ref.id) }, { signal })).pixels;
	}

	/** A stored image shrunk to fit `maxSide` (decoded in the canvas worker), and its full width. */
	async shrunkPixels(imageId: string, maxSide: number): Promise<{ pixels: Pixels; width: number }> {
		return this.reads.run('pixels', { blob: await this.blobs.get(imageId), maxSide });
	}

	/**
	 * The document flattened (at full size, or `longSide` long) and encoded for download, in the canvas
	 * worker.
	 */
	async exportImage(
		format: EncodeFormat,
		quality: number,
		longSide = 0,
		signal?: AbortSignal
	): Promise<{ bytes: Uint8Array; width: number; height: number }> {
		const doc = this.document;
		if (!doc) throw new Error('There is no document to export.');
		const blobs: Record<string, Blob> = {};
		for (const layer of doc.layers) {
			for (const ref of [layer.image, layer.mask]) if (ref) blobs[ref.id] = await this.blobs.get(ref.id);
		}
		return this.reads.run('export', { document: doc, blobs, longSide, format, quality }, { signal });
	}

	/** The recipes of the document's visible stylized layers, bottom to top. */
	paintings(): StylizeRecipe[] {
		return (this.document?.layers ?? []).flatMap((layer) =>
			layer.visible && layer.source.kind === 'stylized' ? [layer.source.recipe] : []
		);
	}

	/** Makes the stage's pictures for the current document (stale requests are dropped). */
	private async refreshScene(): Promise<void> {
		const doc = this.document;
		const request = ++this.sceneRequest;
		if (!doc) {
			this.scene = null;
			return;
		}
		try {
			const side = this.displaySideOf(doc);
			const scale = side / Math.max(doc.width, doc.height);
			const size = {
				width: Math.max(1, Math.round(doc.width * scale)),
				height: Math.max(1, Math.round(doc.height * scale))
			};
			const used: string[] = [];
			const overlayVariant = `overlay ${size.width}`;
			const overlayFor = (ref: ImageRef) =>
				this.pictures.get(
					ref.id,
					overlayVariant,
					async () => (await this.maskView(ref, 0, size)).overlay!,
					used
				);
			// Zoomed in past the largest level: the part of each layer in and around the view, in full.
			const detail = this.detailAreaOf(doc, 0.5);
			const cropOf = (layer: Layer) => (detail ? layerAreaOf(detail, layer.transform, layer.image) : null);
			const pictureFor = (layer: Layer, crop: Box | null) =>
				crop ? this.detailPicture(layer.image, crop, used) : this.displayPicture(layer.image, scale, used);
			const layers = await Promise.all(
				doc.layers.map(async (layer): Promise<LayerPicture> => {
					const crop = cropOf(layer);
					const picture = await pictureFor(layer, crop);
					const area = crop ?? { x: 0, y: 0, width: layer.image.width, height: layer.image.height };
					const source = layer.mask
						? maskedPicture(picture, await overlayFor(layer.mask), layer.transform, area, doc)
						: picture;
					return { ...pictureOf(layer), source, ...(crop ? { crop } : {}) };
				})
			);
			const photo = doc.layers.find((layer) => layer.source.kind !== 'stylized');
			const photoCrop = photo ? cropOf(photo) : null;
			const before = photo
				? {
						...pictureOf(photo),
						source: await pictureFor(photo, photoCrop),
						...(photoCrop ? { crop: photoCrop } : {}),
						visible: true,
						opacity: 1,
						blend: 'source-over' as const
					}
				: null;
			const target = maskOf(doc, this.maskTarget);
			const view = await this.maskView(target, this.maskTarget.kind === 'region' ? 0 : 255, size);
			let overlay: ImageBitmap | OffscreenCanvas | null = null;
			if (target) {
				// The view's overlay is the cached one's twin: kept when none is cached yet, else closed.
				const viewOverlay = view.overlay!;
				let taken = false;
				overlay = await this.pictures.get(
					target.id,
					overlayVariant,
					async () => {
						taken = true;
						return viewOverlay;
					},
					used
				);
				if (!taken) viewOverlay.close();
			}
			if (request !== this.sceneRequest) return;
			this.overlayMask = view.mask;
			this.spareMask = view.spare;
			const scene = { document: doc, width: doc.width, height: doc.height, layers, overlay, before };
			this.scene = scene;
			this.sceneSide = side;
			this.sceneDetail = detail;
			this.nextStroke = null;
			this.pictures.keepOnly(used);
			setTimeout(() => this.prepareStroke(scene), 0);
		} catch (error) {
			// A read canceled with a job (a stylize stopped while its photo was decoded) is shown again later.
			if (error instanceof CanceledError) {
				if (request === this.sceneRequest) void this.refreshScene();
				return;
			}
			this.report(`The document could not be shown: ${(error as Error).message}`);
		}
	}

	/** The image at display size (`scale` of its pixels, at most 1), made in the canvas worker and kept while in use. */
	private displayPicture(ref: ImageRef, scale: number, used: string[]): Promise<ImageBitmap> {
		const width = Math.max(1, Math.round(ref.width * scale));
		const height = Math.max(1, Math.round(ref.height * scale));
		const full = width >= ref.width && height >= ref.height;
		return this.pictures.get(
			ref.id,
			`picture ${width}`,
			async () =>
				this.reads.run('display', {
					blob: await this.blobs.get(ref.id),
					...(full ? {} : { size: { width, height } })
				}),
			used
		);
	}

	/** The part `crop` of an image's own pixels (zoomed in past the largest level), made in the canvas worker. */
	private detailPicture(ref: ImageRef, crop: Box, used: string[]): Promise<ImageBitmap> {
		const { x, y, width, height } = crop;
		return this.pictures.get(
			ref.id,
			`detail ${x} ${y} ${width} ${height}`,
			async () => this.reads.run('display', { blob: await this.blobs.get(ref.id), crop }),
			used
		);
	}

	dispose(): void {
		void this.flushAutosave();
		if (this.levelTimer !== null) clearTimeout(this.levelTimer);
		this.pictures.dispose();
		this.edits.dispose();
		this.reads.dispose();
	}
}

function pictureOf(layer: Layer): Omit<LayerPicture, 'source'> {
	const { id, visible, opacity, blend, transform } = layer;
	return { id, visible, opacity, blend, transform, width: layer.image.width, height: layer.image.height };
}

/** The mask a target names in the document (null: none painted). */
function maskOf(doc: EditorDocument, target: MaskTarget): ImageRef | null {
	return target.kind === 'region' ? doc.region : (findLayer(doc, target.layerId)?.mask ?? null);
}

function now(): string {
	return new Date().toISOString();
}

export const [getEditor, setEditor] = createContext<EditorState>();
