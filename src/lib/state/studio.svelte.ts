// The studio's state: what the user chose, the job's status, and the result. Components only read
// these fields and call these methods; the class owns the engine client and the decoded bitmaps.
import { createContext } from 'svelte';
import { type Catalog, findModel, type ModelCard, type StyleCard, takesStyleImage } from '../assets/catalog';
import { defaultOptions } from '../engine/options';
import { servedAssetUrl } from '../assets/paths';
import packageJson from '../../../package.json';
import {
	decodeImageFile,
	type DecodedImage,
	encodePixels,
	type ExportFormat,
	pixelsOf,
	pixelsToBitmap
} from '../canvas/decode';
import { identityFor, rootPem } from '../provenance/browser/identity-store';
import { incomingRightsOf } from '../provenance/incoming';
import { signImage } from '../provenance/manifest';
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
} from '../provenance/rights';
import { webCryptoSigner } from '../provenance/signer';
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

export type JobStatus = 'idle' | 'running' | 'done' | 'error' | 'canceled';
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

/** What a finished painting was made from, kept for its Content Credentials. */
interface PaintingRecord {
	model: ModelCard;
	styles: StyleChoice[];
	settings: StylizeSettings;
	tileSize: number;
	backend: BackendName;
}

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
	result = $state<{ bitmap: ImageBitmap; pixels: Pixels; seconds: number; made: PaintingRecord } | null>(
		null
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

	// Export: who signs, and what the image permits.
	creator = $state('');
	allowTraining = $state(false);
	exportFormat = $state<ExportFormat>('png');
	jpegQuality = $state(0.92);

	readonly rightsIngredients = $derived.by(() =>
		ingredientsOf({
			content: this.content
				? {
						...this.contentRights,
						license:
							this.contentRights.origin === 'licensed' && this.contentLicense.name.trim()
								? { ...this.contentLicense, name: this.contentLicense.name.trim() }
								: undefined,
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
				return `Done in ${this.result?.seconds.toFixed(1) ?? '?'} s`;
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

	constructor(
		readonly catalog: Catalog,
		private readonly engine: EngineClient
	) {}

	async start(): Promise<void> {
		await this.switchBackend(this.backendPreference);
	}

	async switchBackend(preference: BackendPreference): Promise<void> {
		this.backendPreference = preference;
		this.backend = null;
		try {
			const info = await this.engine.init(preference);
			this.backend = info.backend;
			this.backendReason = info.reason;
		} catch (error) {
			if (!(error instanceof CanceledError)) this.alert = (error as Error).message;
		}
	}

	async setContent(file: File): Promise<void> {
		const decoded = await this.decode(file);
		if (!decoded) return;
		this.content?.bitmap.close();
		this.content = decoded;
		this.contentIncoming = await incomingRightsOf(decoded.bytes);
		this.contentConfirmed = false;
		this.clearResult();
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

	async stylize(): Promise<void> {
		const content = this.content;
		const styles = this.takesStyle ? this.styles : [];
		if (!content || !this.canStylize) return;
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
			const settings: StylizeSettings = {
				modelId: this.modelId,
				strength: this.strength,
				preserveColors: this.preserveColors,
				workingSide: this.workingSide || Math.max(content.width, content.height),
				styleSide: this.styleSide,
				options: { ...this.options },
				tile: this.tileSize,
				output: { width: content.width, height: content.height }
			};
			const made: PaintingRecord = {
				model: this.model,
				styles: [...styles],
				settings,
				tileSize: 0,
				backend: this.backend ?? 'wasm'
			};
			const result = await this.engine.stylize(
				{ content: pixelsOf(content.bitmap), styles: stylePixels, settings },
				{
					signal: job.signal,
					onProgress: (p) => {
						this.progress = p.fraction;
						this.stage = p.stage;
						this.tiles = p.tiles ?? this.tiles;
						if (p.tiles) made.tileSize = p.tiles.total;
					},
					onNotice: (message, backend) => {
						this.notice = message;
						this.backend = backend;
					}
				}
			);
			const bitmap = await pixelsToBitmap(result);
			if (this.job !== job) return bitmap.close();
			this.clearResult();
			made.backend = this.backend ?? made.backend;
			this.result = { bitmap, pixels: result, seconds: (performance.now() - started) / 1000, made };
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
	 * The result at the photo's full size, as PNG or JPEG, with XMP and signed Content Credentials naming
	 * the photo, every style with its weight, the model with its license, and the recipe.
	 */
	async exportSigned(
		format: ExportFormat = this.exportFormat
	): Promise<{ blob: Blob; filename: string } | null> {
		const result = this.result;
		const content = this.content;
		if (!result || !content) return null;
		const base = content.name.replace(/\.[^.]+$/, '') || 'rakkan';
		const filename = `${base}-rakkan.${format === 'png' ? 'png' : 'jpg'}`;
		const { made } = result;
		const weights = made.styles.map((s) => s.weight);
		const total = weights.reduce((sum, w) => sum + w, 0) || 1;
		const styles = await Promise.all(
			made.styles.map((style, i) =>
				style.kind === 'catalog'
					? styleSourceFromCard(style.card, weights[i]! / total)
					: uploadedStyleSource(style.image.name, style.image.bytes, weights[i]! / total, {
							status: style.rights.origin,
							note: 'an image the user brought; rights as they declared them'
						})
			)
		);
		const input = paintingProvenance({
			title: filename,
			versions: { rakkan: packageJson.version, tfjs: packageJson.dependencies['@tensorflow/tfjs'] },
			creator: this.creator.trim() || undefined,
			allowTraining: this.allowTraining,
			content: { title: content.name, bytes: content.bytes, width: content.width, height: content.height },
			styles,
			model: made.model,
			settings: {
				strength: made.settings.strength,
				preserveColors: made.settings.preserveColors,
				workingSide: made.settings.workingSide,
				styleSide: made.settings.styleSide,
				options: made.settings.options,
				tilePlan: made.tileSize > 1 ? { tiles: made.tileSize, tile: made.settings.tile } : undefined
			},
			output: { width: result.pixels.width, height: result.pixels.height },
			backend: made.backend
		});
		const identity = await identityFor(this.signerName);
		const encoded = await encodePixels(result.pixels, format, this.jpegQuality);
		const signed = await signImage(encoded, input, webCryptoSigner(identity.privateKey, [identity.leaf]));
		return { blob: new Blob([signed as Uint8Array<ArrayBuffer>], { type: `image/${format}` }), filename };
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
		this.clearResult();
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

	private clearResult(): void {
		this.result?.bitmap.close();
		this.result = null;
		if (this.status !== 'running') this.status = 'idle';
	}
}

export function styleImageUrl(card: StyleCard): string {
	return servedAssetUrl(card.files[0]!.url);
}

export const [getStudio, setStudio] = createContext<StudioState>();
