// The studio's state: what the user chose, the job's status, and the editor whose document the results
// become layers of. Components only read
// these fields and call these methods; the class owns the engine client and the decoded bitmaps.
import { createContext, untrack } from 'svelte';
import { type Catalog, findModel, findStyle, type StyleCard, takesStyleImage } from '../assets/catalog';
import { defaultOptions } from '../engine/options';
import { servedAssetUrl } from '../assets/paths';
import packageJson from '../../../package.json';
import { decodeImageFile, type DecodedImage, type EncodeFormat, pixelsOf } from '../canvas/decode';
import { EXPORT_EXTENSION, EXPORT_MIME } from '../canvas/compose';
import { documentRecord, type RecordSource, type RecordStyle } from '../provenance/record';
import { identityFor, rootPem } from '../provenance/browser/identity-store';
import { incomingRightsOf } from '../provenance/incoming';
import type { StyleSource } from '../provenance/c2pa/manifest';
import { signInWorker } from '../provenance/browser/sign';
import { isccBinding } from '../provenance/c2pa/soft-binding';
import { fingerprintEncoded } from '../canvas/fingerprint';
import { documentProvenanceInput, uploadedStyleSource } from '../provenance/painting-input';
import {
	aiUseGate,
	type ContentOrigin,
	type ContentRights,
	type DeclaredLicense,
	type IncomingRights,
	rightsVerdict,
	styleUseGate
} from '../provenance/rights/rights';
import { recordIngredients, type SourceRights, UNDECLARED } from '../provenance/rights/record-rights';
import { styleSourceFromCard } from '../provenance/sources';
import type { BackendPreference } from '../engine/backend';
import {
	type BackendName,
	CanceledError,
	DEFAULT_SETTINGS,
	MAX_BLENDED_STYLES,
	type Pixels,
	type Stage,
	type StylizeSettings
} from '../engine/types';
import type { EngineClient } from '../engine/worker/client';
import { EditorState } from './editor.svelte';
import { bytesOf, sha256Hex } from '../document/blob-store';
import type { FaceMaskMode, Layer, PictureStatements, StylizeRecipe, StyleUse } from '../document/types';
import { doneEntries, projectPictures } from '../document/history';
import { DETECTION_SIDE, type DetectorIdentity } from '../engine/faces';
import { type Face, facesInDocument, scaleFaces } from '../kernels/faces';
import type { Rect } from '../kernels/brush';
import { type ModelReleaseStatus, type PeopleRights, releaseCovers } from '../provenance/rights/people';
import { describeStyles, pictureFile } from '../document/document';

export type JobStatus = 'idle' | 'running' | 'done' | 'error' | 'canceled';

/** The face check of a picture: faces in the picture's pixels, or why the detector could not look. */
export type FaceCheck =
	| { status: 'idle' | 'checking' }
	| { status: 'done'; faces: Face[]; detector: DetectorIdentity }
	| { status: 'failed'; message: string };

/**
 * What the user declares about a picture in the document (the photo, a webcam picture, an imported image)
 * and what the file says about itself; kept by the file's sha256, so it follows the picture through undo.
 * What the user declares is saved with the project (PictureStatements); the rest is read again from the file.
 */
export interface PictureDeclaration {
	rights: ContentRights;
	/** The license terms, when the user says the picture is licensed to them. */
	license: DeclaredLicense;
	incoming: IncomingRights;
	/** The user confirmed their right to use it despite a do-not-use notice in the file. */
	confirmed: boolean;
	/** What the face detector found in it; the person question is pre-answered from it. */
	faces: FaceCheck;
	/** The IPTC model release status the maker records for the people in it. */
	modelRelease: ModelReleaseStatus;
	/** The user answered the person question themselves: the detector's pre-answer no longer changes it. */
	personStated: boolean;
}

/** What the user says about a file they brought, and what the file itself says. */
export interface ImportRights {
	origin: ContentOrigin;
	incoming: IncomingRights;
	/** The user confirmed their right to use it despite a do-not-use notice in the file. */
	confirmed: boolean;
}

/** A chosen style reference and its share of the blend (weights are normalised by the engine). */
export type StyleChoice = (
	{ kind: 'catalog'; card: StyleCard } | { kind: 'upload'; image: DecodedImage; rights: ImportRights }
) & {
	key: string;
	weight: number;
};

const STAGE_WORDS: Record<Stage, string> = {
	'loading-model': 'Loading the model',
	'analysing-style': 'Reading the style',
	painting: 'Painting',
	finishing: 'Finishing'
};

/** Long sides the network can paint at; 0 paints at the photo's full size (in tiles when large). */
export const WORKING_SIDES = [512, 768, 1024, 1536, 2048, 4096, 0] as const;
/** The size a style reference is analysed at: smaller reads broad strokes, larger fine texture. */
/** Tile sides offered in the studio; 'auto' lets the device decide, 0 paints in one pass. */
export const TILE_SIDES = ['auto', 256, 512, 768, 1024, 0] as const;
/** Long sides offered for the export; 0 keeps the document's full size. */
export const EXPORT_LONG_SIDES = [0, 4096, 2048, 1024, 512, 256] as const;
export const STYLE_SIDES = [128, 192, 256, 384, 512] as const;
export const DEFAULT_MODEL_ID = 'arbitrary-wyf';

export class StudioState {
	modelId = $state<string>(DEFAULT_MODEL_ID);
	readonly model = $derived.by(() => findModel(this.catalog, this.modelId));
	/** Whether the chosen model paints after style references (otherwise it has its own look). */
	readonly takesStyle = $derived(takesStyleImage(this.model));
	/** The chosen model's own controls (e.g. manga-ink's line weight), by name. */
	options = $state<Record<string, number>>({});
	styles = $state<StyleChoice[]>([]);
	/** When on, clicking a style adds it to the blend (up to four) instead of replacing the choice. */
	blend = $state(false);
	strength = $state<number>(DEFAULT_SETTINGS.strength);
	preserveColors = $state<boolean>(DEFAULT_SETTINGS.preserveColors);
	styleSide = $state<number>(DEFAULT_SETTINGS.styleSide);
	workingSide = $state<number>(DEFAULT_SETTINGS.workingSide);
	status = $state<JobStatus>('idle');
	progress = $state(0);
	stage = $state<Stage | null>(null);
	tiles = $state<{ done: number; total: number } | null>(null);
	/** While the tiles read their statistics together: the layers they have passed, and in all. */
	layers = $state<{ done: number; total: number } | null>(null);
	/** Tile side in working pixels, 'auto' for the device's choice, 0 for a single pass. */
	tileSize = $state<number | 'auto'>('auto');
	/** Something the engine wants the user to know that did not stop the job (a GPU reset). */
	notice = $state<string | null>(null);
	/** A problem with the user's input or the job, shown in an alert; the studio keeps working. */
	alert = $state<string | null>(null);
	backend = $state<BackendName | null>(null);
	backendReason = $state('');
	backendPreference = $state<BackendPreference>('auto');
	/** How long the last finished stylize took. */
	seconds = $state(0);
	/** The document's layers, history and autosave; stylizing adds a layer to it. */
	readonly editor = new EditorState((message) => (this.alert = message));
	/** Whether the document has a stylized layer (the stage then shows the result, not the photo). */
	readonly hasPainting = $derived(
		this.editor.document?.layers.some((layer) => layer.source.kind === 'stylized') ?? false
	);
	/** What the document's export is made of: the one record everything below is derived from. */
	readonly record = $derived(this.editor.project ? documentRecord(this.editor.project) : null);

	/** What was declared and read about each picture, by the file's sha256. */
	declarations = $state<Record<string, PictureDeclaration>>({});
	/** What the user stated about each picture: what the project saves. */
	private readonly statements = $derived(
		Object.fromEntries(Object.entries(this.declarations).map(([key, d]) => [key, statementsOf(d)]))
	);
	/** Whether the faces found in the pictures are drawn on the stage. */
	showFaces = $state(true);

	// Export: who signs, and what the image permits.
	creator = $state('');
	allowTraining = $state(false);
	exportFormat = $state<EncodeFormat>('png');
	/** JPEG and WebP quality, 0..1. */
	exportQuality = $state(0.92);
	/** Long side of the export in pixels; 0 is the document's full size. */
	exportLongSide = $state(0);

	/** The pictures of the record with what was declared about them (the photo first, as the content). */
	readonly pictures = $derived.by(() =>
		testKeys(this.record?.sources ?? []).map(({ source, testKey }) => {
			const declaration = this.declarations[source.key] ?? null;
			return { source, testKey, declaration, rights: sourceRightsOf(declaration) };
		})
	);
	/** The photo (or webcam picture) the document started from, with its declaration. */
	readonly photo = $derived(this.pictures.find((p) => p.testKey === 'content') ?? null);
	/** The faces found in every visible picture layer (photo, webcam, imports), in document pixels: the stage's boxes. */
	readonly faceBoxes = $derived.by(() =>
		(this.editor.document?.layers ?? [])
			.filter((layer) => layer.visible)
			.flatMap((layer) => this.facesOf(layer))
	);
	/**
	 * The faces of the picture a stylize paints from (the selected picture layer, else the bottom one), in
	 * document pixels: what Protect faces and Stylize only the faces make the region from.
	 */
	readonly inputFaces = $derived.by(() => {
		const input = this.editor.stylizeInput();
		return input ? this.facesOf(input) : [];
	});
	readonly rightsIngredients = $derived.by(() =>
		this.record
			? recordIngredients(this.record, {
					catalog: this.catalog,
					sources: Object.fromEntries(this.pictures.map((p) => [p.source.key, p.rights])),
					uploadedStyles: Object.fromEntries(
						this.uploadedStyleRights.map((u) => [u.sha256, { ...u.rights, name: u.name }])
					)
				})
			: []
	);
	/** The rights verdict on what the document's export is made of (never on the pickers). */
	readonly verdict = $derived(rightsVerdict(this.rightsIngredients));
	/** Uploaded style images with what was declared and read about them, by the image's sha256. */
	private uploadedStyleRights = $state<
		{ sha256: string; name: string; bytes: Uint8Array; rights: ImportRights }[]
	>([]);
	/** Files whose own credentials forbid this use, until the user confirms their right. */
	readonly blockedImports = $derived.by(() => {
		const gates = [];
		for (const { source, testKey, declaration } of this.pictures) {
			if (!declaration) continue;
			const gate = aiUseGate(declaration.incoming, source.name, {
				subject: 'content',
				confirmed: declaration.confirmed
			});
			if (gate.warning) gates.push({ key: testKey, gate });
		}
		for (const style of this.takesStyle ? this.styles : []) {
			if (style.kind !== 'upload') continue;
			const gate = styleUseGate(style.rights.incoming, style.image.name, {
				confirmed: style.rights.confirmed
			});
			if (gate.warning) gates.push({ key: style.key, gate });
		}
		return gates;
	});

	readonly statusText = $derived.by(() => {
		switch (this.status) {
			case 'running':
				if (this.stage === 'painting' && this.tiles && this.layers) {
					return `Painting ${this.tiles.total} tiles together: layer ${this.layers.done} of ${this.layers.total}…`;
				}
				if (this.stage === 'painting' && this.tiles && this.tiles.total > 1) {
					return `Painting tile ${Math.min(this.tiles.done + 1, this.tiles.total)} of ${this.tiles.total}…`;
				}
				return this.stage ? `${STAGE_WORDS[this.stage]}…` : 'Starting…';
			case 'done':
				return `Done in ${this.seconds.toFixed(1)} s`;
			case 'canceled':
				return 'Canceled';
			case 'error':
				return 'Failed';
			default:
				return 'Ready';
		}
	});

	readonly canStylize = $derived(
		this.editor.document !== null &&
			(!this.takesStyle || this.styles.length > 0) &&
			this.backend !== null &&
			this.blockedImports.every(({ gate }) => !gate.blocked)
	);

	private job: AbortController | null = null;
	private uploads = 0;
	/** Stops handing the statements to the editor. */
	private readonly stopSavingStatements: () => void;

	constructor(
		readonly catalog: Catalog,
		private readonly engine: EngineClient
	) {
		// A changed statement is saved with the project, like an edit (but outside history).
		this.stopSavingStatements = $effect.root(() => {
			$effect(() => {
				const statements = this.statements;
				untrack(() => this.editor.setStatements(statements));
			});
		});
	}

	/** Starts the engine and brings back the autosaved document, if any, at the same time. */
	async start(): Promise<void> {
		await Promise.all([this.restore(), this.switchBackend(this.backendPreference)]);
	}

	async switchBackend(preference: BackendPreference): Promise<void> {
		this.backendPreference = preference;
		this.backend = null;
		try {
			const info = await this.engine.init(preference);
			this.backend = info.backend;
			this.backendReason = info.reason;
			// The backend asked for could not start: say so where engine messages appear, not only in the
			// small print under the selector.
			this.notice = preference !== 'auto' && info.backend !== preference ? info.reason : null;
			// A new engine drops a face check in flight (and a failed one may now succeed): look again.
			for (const [key, declaration] of Object.entries(this.declarations))
				if (declaration.faces.status === 'idle' || declaration.faces.status === 'failed')
					void this.checkFaces(key);
		} catch (error) {
			if (!(error instanceof CanceledError)) this.alert = (error as Error).message;
		}
	}

	/** Starts a new document from a photo (or a webcam picture); a bad file changes nothing. */
	async setContent(file: File, kind: 'photo' | 'webcam' = 'photo'): Promise<void> {
		const bytes = await this.checkedBytes(file);
		if (!bytes) return;
		const incoming = await incomingRightsOf(bytes);
		if (await this.editor.startFromPhoto(new Blob([bytes as Uint8Array<ArrayBuffer>]), file.name, kind)) {
			const key = await sha256Hex(bytes);
			this.declare(key, incoming);
			void this.checkFaces(key);
			if (this.status !== 'running') this.status = 'idle';
		}
	}

	/**
	 * Adds an image as a layer on top. It goes through the same rights flow as the photo: its own credentials
	 * and XMP are read and gate it, and it waits for the user's declarations in the Rights panel.
	 */
	async importLayer(file: File): Promise<void> {
		const bytes = await this.checkedBytes(file);
		if (!bytes) return;
		const incoming = await incomingRightsOf(bytes);
		const key = await sha256Hex(bytes);
		this.declare(key, incoming);
		await this.editor.importLayer(
			new File([bytes as Uint8Array<ArrayBuffer>], file.name, { type: file.type })
		);
		// Its file is stored now: the detector reads it from there.
		void this.checkFaces(key);
	}

	/** Opens a .rakkan project file: validated in full first, so a bad file changes nothing. */
	async openProject(file: File): Promise<void> {
		this.alert = null;
		const statements = await this.editor.openProjectFile(file);
		if (statements) await this.readPictures(statements);
	}

	/** Brings back the autosaved document after a reload or a crash, with what the user stated. */
	async restore(): Promise<void> {
		const statements = await this.editor.restore();
		if (statements) await this.readPictures(statements);
	}

	/**
	 * Takes what the user stated about the pictures of a project just opened (over what was stated about the
	 * same files before; a picture without statements keeps those, or starts undeclared), and reads what each
	 * picture says about itself and the faces in it, for those not read yet.
	 */
	private async readPictures(statements: Record<string, PictureStatements>): Promise<void> {
		const project = this.editor.project;
		if (!project) return;
		const keys = [...projectPictures(project).keys()];
		// Those already read first, all at once, so no save holds a mix of earlier and opened statements.
		for (const key of keys) {
			const declaration = this.declarations[key];
			const stated = statements[key];
			if (declaration && stated) takeStatements(declaration, stated);
		}
		for (const key of keys) {
			if (this.declarations[key]) continue;
			const bytes = await bytesOf(await this.editor.blobs.get(key));
			this.declare(key, await incomingRightsOf(bytes));
			const stated = statements[key];
			if (stated) takeStatements(this.declarations[key]!, stated);
			void this.checkFaces(key);
		}
	}

	/** Starts the declarations of a picture (nothing declared yet), keeping any made before. */
	private declare(key: string, incoming: IncomingRights): void {
		this.declarations[key] ??= {
			rights: { ...UNDECLARED },
			license: { name: '', allowsCommercialUse: false, allowsDerivatives: true },
			incoming,
			confirmed: false,
			faces: { status: 'idle' },
			modelRelease: 'MR-NON',
			personStated: false
		};
	}

	/** The file's bytes once it decodes as an image (a bad file is reported and gives null). */
	private async checkedBytes(file: File): Promise<Uint8Array | null> {
		const decoded = await this.decode(file);
		if (!decoded) return null;
		decoded.bitmap.close();
		return decoded.bytes;
	}

	/**
	 * Looks for faces in a downscaled copy of a picture, in the engine worker, and pre-answers the person
	 * question from what it finds. A detector that cannot run is said so: the faces stay unchecked.
	 */
	private async checkFaces(key: string): Promise<void> {
		const declaration = this.declarations[key];
		if (!declaration || declaration.faces.status === 'checking' || declaration.faces.status === 'done')
			return;
		declaration.faces = { status: 'checking' };
		let faces: FaceCheck;
		try {
			const { pixels, width } = await this.editor.shrunkPixels(key, DETECTION_SIDE);
			const scan = await this.engine.detectFaces(pixels);
			faces = {
				status: 'done',
				faces: scaleFaces(scan.faces, width / pixels.width),
				detector: scan.detector
			};
		} catch (error) {
			// A new engine drops a check in flight; switchBackend looks again.
			faces =
				error instanceof CanceledError
					? { status: 'idle' }
					: { status: 'failed', message: (error as Error).message };
		}
		const current = this.declarations[key];
		if (!current) return;
		current.faces = faces;
		if (!current.personStated) preAnswerPerson(current);
	}

	/**
	 * The person question about a picture: a real person is shown, or (faces found) the maker says it is not a
	 * real person, which makes the model release "not applicable".
	 */
	setPersonShown(key: string, shown: boolean): void {
		const declaration = this.pictures.find((p) => p.testKey === key)?.declaration;
		if (!declaration) return;
		declaration.personStated = true;
		declaration.rights.showsIdentifiablePerson = shown;
		const found = declaration.faces.status === 'done' && declaration.faces.faces.length > 0;
		if (!shown && found) declaration.modelRelease = 'MR-NAP';
		else if (shown && declaration.modelRelease === 'MR-NAP') declaration.modelRelease = 'MR-NON';
	}

	/**
	 * Protect faces ('protect') or Stylize only the faces ('faces') of the picture a stylize paints from:
	 * the region becomes a feathered face mask.
	 */
	async faceRegion(mode: FaceMaskMode): Promise<void> {
		const faces = this.inputFaces;
		if (faces.length === 0) return;
		this.editor.maskTarget = { kind: 'region' };
		await this.editor.faceMaskEdit(mode, faces);
	}

	/**
	 * The faces found in a picture layer's file, where the layer shows them in the document (none for a
	 * stylized layer, or until the detector has looked).
	 */
	private facesOf(layer: Layer): Rect[] {
		const file = pictureFile(layer);
		if (!file) return [];
		const faces = this.declarations[file.id]?.faces;
		if (faces?.status !== 'done') return [];
		return facesInDocument(faces.faces, layer.transform, layer.image.width / file.width);
	}

	async uploadStyle(file: File): Promise<void> {
		const image = await this.decode(file);
		if (!image) return;
		const sha256 = await sha256Hex(image.bytes);
		let upload = this.uploadedStyleRights.find((u) => u.sha256 === sha256);
		if (!upload) {
			const rights: ImportRights = {
				origin: 'unknown',
				incoming: await incomingRightsOf(image.bytes),
				confirmed: false
			};
			this.uploadedStyleRights.push({ sha256, name: image.name, bytes: image.bytes, rights });
			upload = this.uploadedStyleRights.at(-1)!;
		}
		// The same (state) object: what the user declares about the choice is what the verdict reads.
		const rights = upload.rights;
		this.addStyle({ kind: 'upload', image, rights, key: `upload:${++this.uploads}`, weight: 1 });
	}

	/** Selects a catalog style; in blend mode, toggles it in or out of the blend. */
	chooseModel(id: string): void {
		this.modelId = id;
		this.options = defaultOptions(this.model.family);
	}

	chooseStyle(card: StyleCard): void {
		const key = `catalog:${card.id}`;
		if (this.blend && this.styles.some((s) => s.key === key)) {
			this.removeStyle(key);
			return;
		}
		this.addStyle({ kind: 'catalog', card, key, weight: 1 });
	}

	removeStyle(key: string): void {
		const style = this.styles.find((s) => s.key === key);
		if (style?.kind === 'upload') style.image.bitmap.close();
		this.styles = this.styles.filter((s) => s !== style);
	}

	isChosen(card: StyleCard): boolean {
		return this.styles.some((s) => s.key === `catalog:${card.id}`);
	}

	/**
	 * Paints the stylize input layer (the selected photo or imported layer, else the bottom one) in the
	 * chosen style and adds the result as a new layer above it; with `region`, the new layer is masked by the
	 * painted region, so the style shows only there.
	 */
	async stylize({ region = false }: { region?: boolean } = {}): Promise<void> {
		const input = this.editor.stylizeInput();
		const styles = this.takesStyle ? this.styles : [];
		const regionMask = region ? (this.editor.document?.region ?? null) : null;
		if (!input || !this.canStylize) return;
		if (region && !regionMask) {
			this.alert = 'Paint the region to stylize with the brush first.';
			return;
		}
		this.job?.abort();
		const job = new AbortController();
		this.job = job;
		this.status = 'running';
		this.progress = 0;
		this.stage = null;
		this.tiles = null;
		this.layers = null;
		this.alert = null;
		this.notice = null;
		const started = performance.now();
		try {
			const stylePixels = await Promise.all(
				styles.map(async (style) => ({
					pixels: style.kind === 'upload' ? pixelsOf(style.image.bitmap) : await this.loadStyle(style.card),
					weight: style.weight
				}))
			);
			const { width, height } = input.image;
			const settings: StylizeSettings = {
				modelId: this.modelId,
				strength: this.strength,
				preserveColors: this.preserveColors,
				workingSide: this.workingSide || Math.max(width, height),
				styleSide: this.styleSide,
				options: { ...this.options },
				tile: this.tileSize,
				output: { width, height }
			};
			const recipe: StylizeRecipe = {
				model: { id: this.model.id, sha256: this.model.files.map((file) => file.sha256) },
				styles: await styleUses(styles),
				settings: {
					strength: settings.strength,
					preserveColors: settings.preserveColors,
					workingSide: settings.workingSide,
					styleSide: settings.styleSide,
					options: { ...this.options },
					tile: this.tileSize
				},
				backend: this.backend ?? 'wasm',
				input: { layerId: input.id, image: input.image },
				region: regionMask,
				...(regionMask ? this.regionFaces() : {})
			};
			const result = await this.engine.stylize(
				{ content: await this.editor.pixelsOf(input.image, job.signal), styles: stylePixels, settings },
				{
					signal: job.signal,
					onProgress: (p) => {
						this.progress = p.fraction;
						this.stage = p.stage;
						this.tiles = p.tiles ?? this.tiles;
						this.layers = p.layers ?? null;
					},
					onNotice: (message, backend) => {
						this.notice = message;
						this.backend = backend;
					}
				}
			);
			if (this.job !== job) return;
			recipe.backend = this.backend ?? recipe.backend;
			const name = `${this.model.title}${recipe.styles.length ? ` after ${describeStyles(recipe)}` : ''}`;
			await this.editor.addStylized(result, recipe, region ? `${name} (region)` : name);
			if (this.job !== job) return;
			this.seconds = (performance.now() - started) / 1000;
			this.progress = 1;
			this.status = 'done';
		} catch (error) {
			if (this.job !== job) return;
			if (error instanceof CanceledError) this.status = 'canceled';
			else {
				this.status = 'error';
				this.alert = (error as Error).message;
			}
		} finally {
			if (this.job === job) this.job = null;
		}
	}

	/** When the region comes from a face mask edit (the last one done on the region), what it was. */
	private regionFaces(): Pick<StylizeRecipe, 'regionFaces'> {
		const history = this.editor.project?.history;
		const last = history
			? doneEntries(history)
					.map((entry) => entry.op)
					.filter((op) => op.type === 'edit-mask' && op.target.kind === 'region')
					.at(-1)
			: undefined;
		if (last?.type !== 'edit-mask' || last.edit.kind !== 'faces') return {};
		return { regionFaces: { mode: last.edit.mode, count: last.edit.boxes.length } };
	}

	/** The user confirms their right to use an imported file whose own credentials forbid it. */
	confirmRights(key: string, confirmed: boolean): void {
		const picture = this.pictures.find((p) => p.testKey === key);
		if (picture?.declaration) picture.declaration.confirmed = confirmed;
		const style = this.styles.find((s) => s.key === key);
		if (style?.kind === 'upload') style.rights.confirmed = confirmed;
	}

	cancel(): void {
		this.job?.abort();
	}

	simulateGpuReset(): void {
		this.engine.simulateGpuReset();
	}

	/**
	 * The flattened document (full size, or `exportLongSide` long) as PNG, JPEG or WebP, with XMP and signed
	 * Content Credentials from the document's record: every picture whose pixels are in it, every style and
	 * model of every stylized layer that shows, the edits, and the rights verdict with every reason.
	 */
	async exportSigned(
		format: EncodeFormat = this.exportFormat
	): Promise<{ blob: Blob; filename: string } | null> {
		const record = this.record;
		if (!record) return null;
		if (record.layers.length === 0) throw new Error('Nothing in the document shows: show a layer first.');
		const base =
			(record.sources[0]?.name ?? this.editor.project?.name ?? '').replace(/\.[^.]+$/, '') || 'rakkan';
		const filename = `${base}-rakkan.${EXPORT_EXTENSION[format]}`;
		const image = await this.editor.exportImage(format, this.exportQuality, this.exportLongSide);
		const pictures: Record<string, { bytes: Uint8Array; declared: ContentRights }> = {};
		for (const { source, rights } of this.pictures) {
			const { origin, license, showsIdentifiablePerson, consentRecorded, people } = $state.snapshot(rights);
			pictures[source.key] = {
				bytes: await bytesOf(await this.editor.blobs.get(source.key)),
				declared: {
					origin,
					...(license ? { license } : {}),
					showsIdentifiablePerson,
					consentRecorded,
					...(people ? { people } : {})
				}
			};
		}
		const top = record.stylizations.at(-1);
		const input = documentProvenanceInput({
			title: filename,
			versions: { rakkan: packageJson.version, tfjs: packageJson.dependencies['@tensorflow/tfjs'] },
			creator: this.creator.trim() || undefined,
			allowTraining: this.allowTraining,
			catalog: this.catalog,
			record,
			verdict: $state.snapshot(this.verdict),
			pictures,
			styles: await this.styleSources(record.styles),
			output: { width: image.width, height: image.height },
			tilePlan: top && top.settings.tile !== 0 ? { tile: top.settings.tile } : undefined
		});
		// The file's bytes go to the fingerprint worker and back, then to the signing worker: never copied here.
		const { code, bytes } = await fingerprintEncoded(image.bytes);
		input.softBinding = isccBinding(code);
		const identity = await identityFor(this.signerName);
		const blob = await signInWorker({
			bytes,
			type: EXPORT_MIME[format],
			input,
			privateKey: identity.privateKey,
			certChain: [identity.leaf]
		});
		return { blob, filename };
	}

	/** Style sources for the credentials, once per image; uploads still open keep the rights declared. */
	private async styleSources(uses: RecordStyle[]): Promise<StyleSource[]> {
		return Promise.all(
			uses.map(async (use) => {
				const card = use.catalogId ? findStyle(this.catalog, use.catalogId) : undefined;
				if (card) return styleSourceFromCard(card, use.weight);
				const upload = this.uploadedStyleRights.find((u) => u.sha256 === use.sha256);
				return upload
					? uploadedStyleSource(upload.name, upload.bytes, use.weight, {
							status: upload.rights.origin,
							note: 'an image the user brought; rights as they declared them'
						})
					: {
							title: use.title,
							format: 'application/octet-stream',
							sha256: use.sha256,
							weight: use.weight,
							rights: { status: 'unknown', note: 'an image the user brought; its rights were not declared' }
						};
			})
		);
	}

	/** The public root of this browser's signing identity, for others who choose to trust it. */
	async exportTrustRoot(): Promise<{ blob: Blob; filename: string }> {
		const pem = rootPem(await identityFor(this.signerName));
		return { blob: new Blob([pem], { type: 'application/x-pem-file' }), filename: 'rakkan-trust-root.pem' };
	}

	private get signerName(): string {
		return this.creator.trim() || 'Rakkan user';
	}

	dispose(): void {
		this.stopSavingStatements();
		this.job?.abort();
		this.engine.dispose();
		for (const style of this.styles) this.removeStyle(style.key);
		this.editor.dispose();
	}

	private async decode(file: File): Promise<DecodedImage | null> {
		this.alert = null;
		try {
			return await decodeImageFile(file);
		} catch (error) {
			this.alert = `${file.name}: ${(error as Error).message}`;
			return null;
		}
	}

	private async loadStyle(card: StyleCard): Promise<Pixels> {
		const response = await fetch(styleImageUrl(card));
		if (!response.ok)
			throw new Error(`The style "${card.title}" could not be loaded (HTTP ${response.status}).`);
		const { bitmap } = await decodeImageFile(await response.blob());
		try {
			return pixelsOf(bitmap);
		} finally {
			bitmap.close();
		}
	}

	private addStyle(style: StyleChoice): void {
		if (!this.blend) {
			for (const old of this.styles) this.removeStyle(old.key);
		} else if (this.styles.length >= MAX_BLENDED_STYLES) {
			this.alert = `A blend takes up to ${MAX_BLENDED_STYLES} styles; remove one first.`;
			if (style.kind === 'upload') style.image.bitmap.close();
			return;
		}
		this.styles = [...this.styles, style];
	}
}

/**
 * Each picture with its key in data-testids: `content` for the first photo or webcam picture (the one the
 * document started from), `import-<n>` for the n-th imported image (from 0), `picture-<n>` for any other.
 */
function testKeys(sources: readonly RecordSource[]): { source: RecordSource; testKey: string }[] {
	let imports = 0;
	let others = 0;
	let content = false;
	return sources.map((source) => {
		if (source.kind === 'import') return { source, testKey: `import-${imports++}` };
		if (!content) {
			content = true;
			return { source, testKey: 'content' };
		}
		return { source, testKey: `picture-${others++}` };
	});
}

/** The people facts of a picture: the detector's count, the model release, the maker's statement. */
export function peopleOf({ faces, modelRelease, rights }: PictureDeclaration): PeopleRights {
	const found = faces.status === 'done' ? faces.faces.length : 0;
	return {
		faces:
			faces.status === 'done'
				? { checked: true, count: found, detector: faces.detector }
				: { checked: false, count: 0 },
		modelRelease,
		// Faces were found and the maker says no real person is shown: their statement, recorded as theirs.
		notARealPerson: found > 0 && !rights.showsIdentifiablePerson
	};
}

/** What the user stated about a picture, as the project saves it. */
function statementsOf({
	rights,
	license,
	confirmed,
	modelRelease,
	personStated
}: PictureDeclaration): PictureStatements {
	return {
		origin: rights.origin,
		license: { ...license },
		confirmed,
		modelRelease,
		...(personStated ? { showsRealPerson: rights.showsIdentifiablePerson } : {})
	};
}

/** Takes what the user stated about a picture in a saved project. */
function takeStatements(declaration: PictureDeclaration, stated: PictureStatements): void {
	declaration.rights.origin = stated.origin;
	declaration.license = { ...stated.license };
	declaration.confirmed = stated.confirmed;
	declaration.modelRelease = stated.modelRelease;
	declaration.personStated = stated.showsRealPerson !== undefined;
	if (stated.showsRealPerson !== undefined)
		declaration.rights.showsIdentifiablePerson = stated.showsRealPerson;
	else preAnswerPerson(declaration);
}

/** The person question answered from the faces found (left as it is until the detector has looked). */
function preAnswerPerson(declaration: PictureDeclaration): void {
	if (declaration.faces.status === 'done')
		declaration.rights.showsIdentifiablePerson = declaration.faces.faces.length > 0;
}

/** A declaration as the rights model reads it (a licensed picture without terms has no license). */
function sourceRightsOf(declaration: PictureDeclaration | null): SourceRights {
	if (!declaration) return UNDECLARED;
	const { rights, license, incoming, confirmed } = declaration;
	const name = license.name.trim();
	const people = peopleOf(declaration);
	return {
		...rights,
		consentRecorded: releaseCovers(people),
		people,
		license: rights.origin === 'licensed' && name ? { ...license, name } : undefined,
		incoming,
		confirmed
	};
}

/** The styles as the recipe records them: catalog id or title, the image's sha256, the blend share. */
async function styleUses(styles: StyleChoice[]): Promise<StyleUse[]> {
	const total = styles.reduce((sum, style) => sum + style.weight, 0) || 1;
	return Promise.all(
		styles.map(async (style) =>
			style.kind === 'catalog'
				? {
						catalogId: style.card.id,
						title: style.card.title,
						sha256: style.card.files[0]!.sha256,
						weight: style.weight / total
					}
				: {
						catalogId: null,
						title: style.image.name,
						sha256: await sha256Hex(style.image.bytes),
						weight: style.weight / total
					}
		)
	);
}

export function styleImageUrl(card: StyleCard): string {
	return servedAssetUrl(card.files[0]!.url);
}

export const [getStudio, setStudio] = createContext<StudioState>();
