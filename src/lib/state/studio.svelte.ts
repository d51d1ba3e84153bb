// The studio's state: what the user chose, the job's status, and the editor whose document the results
// become layers of. Components only read
// these fields and call these methods; the class owns the engine client and the decoded bitmaps.
import { createContext } from 'svelte';
import { type Catalog, findModel, findStyle, type StyleCard, takesStyleImage } from '../assets/catalog';
import { defaultOptions } from '../engine/options';
import { servedAssetUrl } from '../assets/paths';
import packageJson from '../../../package.json';
import { decodeImageFile, type DecodedImage, type EncodeFormat, pixelsOf } from '../canvas/decode';
import { EXPORT_EXTENSION, EXPORT_MIME } from '../canvas/compose';
import { documentProvenance } from '../document/provenance';
import { identityFor, rootPem } from '../provenance/browser/identity-store';
import { incomingRightsOf } from '../provenance/incoming';
import { signImage, type StyleSource } from '../provenance/c2pa/manifest';
import { paintingProvenance, uploadedStyleSource } from '../provenance/painting-input';
import {
	aiUseGate,
	type ContentOrigin,
	type ContentRights,
	type DeclaredLicense,
	type IncomingRights,
	ingredientsOf,
	rightsVerdict,
	styleUseGate
} from '../provenance/rights/rights';
import { webCryptoSigner } from '../provenance/c2pa/signer';
import { modelSourceFromCard, styleSourceFromCard } from '../provenance/sources';
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
import { sha256Hex } from '../document/blob-store';
import type { FaceMaskMode, StylizeRecipe, StyleUse } from '../document/types';
import { doneEntries } from '../document/history';
import { DETECTION_SIDE, type DetectorIdentity } from '../engine/faces';
import { type Face, scaleFaces } from '../kernels/faces';
import { type ModelReleaseStatus, type PeopleRights, releaseCovers } from '../provenance/rights/people';
import { describeStyles } from '../document/document';

export type JobStatus = 'idle' | 'running' | 'done' | 'error' | 'canceled';

/** The face check of the photo: faces in document pixels, or why the detector could not look. */
export type FaceCheck =
	| { status: 'idle' | 'checking' }
	| { status: 'done'; faces: Face[]; detector: DetectorIdentity }
	| { status: 'failed'; message: string };
/** A chosen style reference and its share of the blend (weights are normalised by the engine). */
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
	content = $state<DecodedImage | null>(null);
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
	/** Whether the document has a stylized layer (what the export signs as a painting). */
	readonly hasPainting = $derived(
		this.editor.document?.layers.some((layer) => layer.source.kind === 'stylized') ?? false
	);

	// Rights: what the user declares about the photo, and what the photo's own metadata says.
	contentRights = $state<ContentRights>({
		origin: 'unknown',
		showsIdentifiablePerson: false,
		consentRecorded: false
	});
	/** The license terms, when the user says the photo is licensed to them. */
	contentLicense = $state<DeclaredLicense>({ name: '', allowsCommercialUse: false, allowsDerivatives: true });
	contentIncoming = $state<IncomingRights>({});
	contentConfirmed = $state(false);
	/** What the face detector found in the photo; the person question is pre-answered from it. */
	faces = $state<FaceCheck>({ status: 'idle' });
	/** Whether the found faces are drawn on the stage. */
	showFaces = $state(true);
	/** The IPTC model release status the maker records for the people in the photo. */
	modelRelease = $state<ModelReleaseStatus>('MR-NON');
	/** The faces the detector found (none until it has looked). */
	readonly foundFaces = $derived(this.faces.status === 'done' ? this.faces.faces : []);
	/** The people facts signed with the photo: the detector's count, the release, the maker's statement. */
	readonly people: PeopleRights = $derived({
		faces:
			this.faces.status === 'done'
				? { checked: true, count: this.faces.faces.length, detector: this.faces.detector }
				: { checked: false, count: 0 },
		modelRelease: this.modelRelease,
		// Faces were found and the maker says no real person is shown: their statement, recorded as theirs.
		notARealPerson: this.foundFaces.length > 0 && !this.contentRights.showsIdentifiablePerson
	});

	// Export: who signs, and what the image permits.
	creator = $state('');
	allowTraining = $state(false);
	exportFormat = $state<EncodeFormat>('png');
	/** JPEG and WebP quality, 0..1. */
	exportQuality = $state(0.92);
	/** Long side of the export in pixels; 0 is the document's full size. */
	exportLongSide = $state(0);

	/** What the user declared about the photo; signed into the credentials with the photo. */
	readonly declaredContentRights: ContentRights = $derived({
		...this.contentRights,
		consentRecorded: releaseCovers(this.people),
		people: this.people,
		license:
			this.contentRights.origin === 'licensed' && this.contentLicense.name.trim()
				? { ...this.contentLicense, name: this.contentLicense.name.trim() }
				: undefined
	});

	readonly rightsIngredients = $derived.by(() =>
		ingredientsOf({
			content: this.content
				? {
						...this.declaredContentRights,
						name: this.content.name,
						incoming: this.contentIncoming,
						confirmed: this.contentConfirmed
					}
				: undefined,
			styles: (this.takesStyle ? this.styles : []).map((style, i) =>
				style.kind === 'catalog'
					? style.card
					: {
							source: 'upload' as const,
							id: `upload-${i + 1}`,
							name: style.image.name,
							origin: style.rights.origin,
							incoming: style.rights.incoming,
							confirmed: style.rights.confirmed
						}
			),
			model: this.model
		})
	);
	readonly verdict = $derived(rightsVerdict(this.rightsIngredients));
	/** Files whose own credentials forbid this use, until the user confirms their right. */
	readonly blockedImports = $derived.by(() => {
		const gates = [];
		if (this.content) {
			const gate = aiUseGate(this.contentIncoming, this.content.name, {
				subject: 'content',
				confirmed: this.contentConfirmed
			});
			if (gate.warning) gates.push({ key: 'content', gate });
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
		this.content !== null &&
			(!this.takesStyle || this.styles.length > 0) &&
			this.backend !== null &&
			this.blockedImports.every(({ gate }) => !gate.blocked)
	);

	private job: AbortController | null = null;
	private uploads = 0;
	private faceChecks = 0;

	constructor(
		readonly catalog: Catalog,
		private readonly engine: EngineClient
	) {}

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
			// A new engine drops a face check in flight (and a failed one may now succeed): look again.
			if (this.content && this.faces.status !== 'done') void this.checkFaces(this.content);
		} catch (error) {
			if (!(error instanceof CanceledError)) this.alert = (error as Error).message;
		}
	}

	/** Starts a new document from a photo (or a webcam picture); a bad file changes nothing. */
	async setContent(file: File, kind: 'photo' | 'webcam' = 'photo'): Promise<void> {
		const decoded = await this.decode(file);
		if (!decoded) return;
		const incoming = await incomingRightsOf(decoded.bytes);
		if (
			!(await this.editor.startFromPhoto(
				new Blob([decoded.bytes as Uint8Array<ArrayBuffer>]),
				decoded.name,
				kind
			))
		) {
			decoded.bitmap.close();
			return;
		}
		this.adoptContent(decoded, incoming);
	}

	/** Opens a .rakkan project file: validated in full first, so a bad file changes nothing. */
	async openProject(file: File): Promise<void> {
		this.alert = null;
		if (await this.editor.openProjectFile(file)) await this.contentFromDocument();
	}

	/** Brings back the autosaved document after a reload or a crash. */
	async restore(): Promise<void> {
		if (await this.editor.restore()) await this.contentFromDocument();
	}

	/** The photo (or webcam) layer's file becomes the content the rights panel and the credentials describe. */
	private async contentFromDocument(): Promise<void> {
		const photo = this.editor.document?.layers.find(
			(layer) => layer.source.kind === 'photo' || layer.source.kind === 'webcam'
		);
		if (!photo) return;
		const [ref, name] =
			photo.source.kind === 'photo' ? [photo.source.file, photo.source.fileName] : [photo.image, photo.name];
		const file = await this.editor.blobs.get(ref.id);
		const decoded = await this.decode(new File([file], name, { type: file.type }));
		if (!decoded) return;
		const incoming = await incomingRightsOf(decoded.bytes);
		// Another photo may have started a new document meanwhile: that one's content stands.
		if (this.editor.document?.layers.some((layer) => layer.id === photo.id))
			this.adoptContent(decoded, incoming);
		else decoded.bitmap.close();
	}

	private adoptContent(decoded: DecodedImage, incoming: IncomingRights): void {
		this.content?.bitmap.close();
		this.content = decoded;
		this.contentIncoming = incoming;
		this.contentConfirmed = false;
		if (this.status !== 'running') this.status = 'idle';
		void this.checkFaces(decoded);
	}

	/**
	 * Looks for faces in a downscaled copy of the photo, in the engine worker, and pre-answers the person
	 * question from what it finds. A detector that cannot run is said so: the faces stay unchecked.
	 */
	private async checkFaces(photo: DecodedImage): Promise<void> {
		// `content` holds a proxy of the photo, so a newer photo is told apart by a count, not by identity.
		const check = ++this.faceChecks;
		this.faces = { status: 'checking' };
		try {
			const pixels = pixelsOf(photo.bitmap, DETECTION_SIDE);
			const scan = await this.engine.detectFaces(pixels);
			if (check !== this.faceChecks) return;
			this.faces = {
				status: 'done',
				faces: scaleFaces(scan.faces, photo.width / pixels.width),
				detector: scan.detector
			};
			this.contentRights.showsIdentifiablePerson = scan.faces.length > 0;
		} catch (error) {
			if (check !== this.faceChecks || error instanceof CanceledError) return;
			this.faces = { status: 'failed', message: (error as Error).message };
		}
	}

	/** The person question: a real person is shown, or (faces found) the maker says it is not a real person. */
	setPersonShown(shown: boolean): void {
		this.contentRights.showsIdentifiablePerson = shown;
		if (!shown && this.foundFaces.length > 0) this.modelRelease = 'MR-NAP';
		else if (shown && this.modelRelease === 'MR-NAP') this.modelRelease = 'MR-NON';
	}

	/** Protect faces ('protect') or Stylize only the faces ('faces'): the region becomes a feathered face mask. */
	async faceRegion(mode: FaceMaskMode): Promise<void> {
		if (this.foundFaces.length === 0) return;
		this.editor.maskTarget = { kind: 'region' };
		await this.editor.faceMaskEdit(mode, this.foundFaces);
	}

	async uploadStyle(file: File): Promise<void> {
		const image = await this.decode(file);
		if (!image) return;
		const rights: ImportRights = {
			origin: 'unknown',
			incoming: await incomingRightsOf(image.bytes),
			confirmed: false
		};
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
				{ content: await this.editor.pixelsOf(input.image), styles: stylePixels, settings },
				{
					signal: job.signal,
					onProgress: (p) => {
						this.progress = p.fraction;
						this.stage = p.stage;
						this.tiles = p.tiles ?? this.tiles;
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
		if (key === 'content') this.contentConfirmed = confirmed;
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
	 * Content Credentials naming the photo, every style and model of every stylized layer, the recipes
	 * (per region when there are several), and the edits in the history.
	 */
	async exportSigned(
		format: EncodeFormat = this.exportFormat
	): Promise<{ blob: Blob; filename: string } | null> {
		const content = this.content;
		const project = this.editor.project;
		const paintings = this.editor.paintings();
		const top = paintings.at(-1);
		if (!project) return null;
		if (!top) throw new Error('Stylize the document first: the export signs a painting and its recipe.');
		if (!content) throw new Error("The document's photo could not be read, so the export cannot name it.");
		const facts = documentProvenance(project);
		const base = content.name.replace(/\.[^.]+$/, '') || 'rakkan';
		const filename = `${base}-rakkan.${EXPORT_EXTENSION[format]}`;
		const image = await this.editor.exportImage(format, this.exportQuality, this.exportLongSide);
		const input = paintingProvenance({
			title: filename,
			versions: { rakkan: packageJson.version, tfjs: packageJson.dependencies['@tensorflow/tfjs'] },
			creator: this.creator.trim() || undefined,
			allowTraining: this.allowTraining,
			content: {
				title: content.name,
				bytes: content.bytes,
				width: content.width,
				height: content.height,
				declared: $state.snapshot(this.declaredContentRights)
			},
			styles: await this.styleSources(facts.styles),
			model: findModel(this.catalog, top.model.id),
			settings: {
				...top.settings,
				tilePlan: top.settings.tile === 0 ? undefined : { tile: top.settings.tile }
			},
			output: { width: image.width, height: image.height },
			backend: top.backend
		});
		input.models = facts.models.map((model) => modelSourceFromCard(findModel(this.catalog, model.id)));
		input.edits = [...(input.edits ?? []), ...facts.actions];
		if (paintings.length > 1 || top.region) input.recipe.regions = paintings.map(regionRecipe);
		const identity = await identityFor(this.signerName);
		const signed = await signImage(image.bytes, input, webCryptoSigner(identity.privateKey, [identity.leaf]));
		return { blob: new Blob([signed as Uint8Array<ArrayBuffer>], { type: EXPORT_MIME[format] }), filename };
	}

	/** Style sources for the credentials, once per image; uploads still open keep the rights declared. */
	private async styleSources(uses: StyleUse[]): Promise<StyleSource[]> {
		const uploads = await Promise.all(
			this.styles.flatMap((style) =>
				style.kind === 'upload' ? [sha256Hex(style.image.bytes).then((sha256) => ({ sha256, style }))] : []
			)
		);
		return Promise.all(
			uses.map(async (use) => {
				const card = use.catalogId ? findStyle(this.catalog, use.catalogId) : undefined;
				if (card) return styleSourceFromCard(card, use.weight);
				const upload = uploads.find((u) => u.sha256 === use.sha256)?.style;
				return upload
					? uploadedStyleSource(upload.image.name, upload.image.bytes, use.weight, {
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
		this.job?.abort();
		this.engine.dispose();
		this.content?.bitmap.close();
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

/** What the credentials record for each stylized layer when a document has several, or a region. */
function regionRecipe(recipe: StylizeRecipe): Record<string, unknown> {
	return {
		model: recipe.model,
		styles: recipe.styles.map(({ catalogId, title, sha256, weight }) => ({
			catalogId,
			title,
			sha256,
			weight
		})),
		settings: recipe.settings,
		backend: recipe.backend,
		input: recipe.input.image.id,
		region: recipe.region?.id ?? null,
		regionFaces: recipe.regionFaces ?? null
	};
}

export function styleImageUrl(card: StyleCard): string {
	return servedAssetUrl(card.files[0]!.url);
}

export const [getStudio, setStudio] = createContext<StudioState>();
