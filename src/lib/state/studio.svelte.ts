// The studio's state: what the user chose, the job's status, and the result. Components only read
// these fields and call these methods; the class owns the engine client and the decoded bitmaps.
import { createContext } from 'svelte';
import { type Catalog, type StyleCard } from '../assets/catalog';
import { servedAssetUrl } from '../assets/paths';
import { decodeImageFile, type DecodedImage, pixelsOf, pixelsToBitmap, pixelsToPng } from '../canvas/decode';
import type { BackendPreference } from '../engine/backend';
import { type BackendName, CanceledError, DEFAULT_SETTINGS, type Pixels, type Stage } from '../engine/types';
import type { EngineClient } from '../engine/worker/client';

export type JobStatus = 'idle' | 'running' | 'done' | 'error' | 'canceled';
export type StyleChoice = { kind: 'catalog'; card: StyleCard } | { kind: 'upload'; image: DecodedImage };

const STAGE_WORDS: Record<Stage, string> = {
	'loading-model': 'Loading the model',
	'analysing-style': 'Reading the style',
	painting: 'Painting',
	finishing: 'Finishing'
};

export const WORKING_SIDES = [512, 768, 1024, 1536] as const;
export const MODEL_ID = 'arbitrary-wyf';

export class StudioState {
	content = $state<DecodedImage | null>(null);
	style = $state<StyleChoice | null>(null);
	strength = $state<number>(DEFAULT_SETTINGS.strength);
	workingSide = $state<number>(DEFAULT_SETTINGS.workingSide);
	status = $state<JobStatus>('idle');
	progress = $state(0);
	stage = $state<Stage | null>(null);
	/** A problem with the user's input or the job, shown in an alert; the studio keeps working. */
	alert = $state<string | null>(null);
	backend = $state<BackendName | null>(null);
	backendReason = $state('');
	backendPreference = $state<BackendPreference>('auto');
	result = $state<{ bitmap: ImageBitmap; pixels: Pixels; seconds: number } | null>(null);

	readonly statusText = $derived.by(() => {
		switch (this.status) {
			case 'running':
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

	readonly canStylize = $derived(this.content !== null && this.style !== null && this.backend !== null);

	private job: AbortController | null = null;

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
		this.clearResult();
	}

	async uploadStyle(file: File): Promise<void> {
		const decoded = await this.decode(file);
		if (!decoded) return;
		this.releaseUploadedStyle();
		this.style = { kind: 'upload', image: decoded };
	}

	chooseStyle(card: StyleCard): void {
		this.releaseUploadedStyle();
		this.style = { kind: 'catalog', card };
	}

	async stylize(): Promise<void> {
		const content = this.content;
		const style = this.style;
		if (!content || !style) return;
		this.job?.abort();
		const job = new AbortController();
		this.job = job;
		this.status = 'running';
		this.progress = 0;
		this.stage = null;
		this.alert = null;
		const started = performance.now();
		try {
			const stylePixels =
				style.kind === 'upload' ? pixelsOf(style.image.bitmap) : await this.loadStyle(style.card);
			const result = await this.engine.stylize(
				{
					content: pixelsOf(content.bitmap),
					style: stylePixels,
					settings: {
						modelId: MODEL_ID,
						strength: this.strength,
						workingSide: this.workingSide,
						styleSide: DEFAULT_SETTINGS.styleSide,
						output: { width: content.width, height: content.height }
					}
				},
				{
					signal: job.signal,
					onProgress: (p) => {
						this.progress = p.fraction;
						this.stage = p.stage;
					}
				}
			);
			const bitmap = await pixelsToBitmap(result);
			if (this.job !== job) return bitmap.close();
			this.clearResult();
			this.result = { bitmap, pixels: result, seconds: (performance.now() - started) / 1000 };
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

	cancel(): void {
		this.job?.abort();
	}

	/** The result as a PNG at the photo's full size. */
	async exportPng(): Promise<{ blob: Blob; filename: string } | null> {
		if (!this.result || !this.content) return null;
		const base = this.content.name.replace(/\.[^.]+$/, '') || 'rakkan';
		return { blob: await pixelsToPng(this.result.pixels), filename: `${base}-rakkan.png` };
	}

	dispose(): void {
		this.job?.abort();
		this.engine.dispose();
		this.content?.bitmap.close();
		this.releaseUploadedStyle();
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

	private releaseUploadedStyle(): void {
		if (this.style?.kind === 'upload') this.style.image.bitmap.close();
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
