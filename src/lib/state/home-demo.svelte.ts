// The home page's live before/after: a public-domain picture repainted after a public-domain work by the
// engine, in the visitor's own browser, on the first visit. The result is kept in localStorage, so later
// visits show it at once without painting again.
import type { Catalog, StyleCard } from '../assets/catalog';
import { decodeImageFile, encodePixels, pixelsOf } from '../canvas/decode';
import { EngineClient } from '../engine/worker/client';
import type { Pixels } from '../engine/types';
import { fitWithin } from '../kernels/geometry';
import { readStorage, writeStorage } from './theme.svelte';
import { styleImageUrl } from './studio.svelte';

/** Vermeer's Girl with a Pearl Earring, after Hokusai's Great Wave: both public domain, both in the catalog. */
export const DEMO = {
	subject: 'vermeer-pearl-earring',
	style: 'hokusai-great-wave',
	model: 'arbitrary-wyf',
	/** Small enough to paint in seconds on a CPU. */
	workingSide: 384,
	/** The long side of the picture kept (a few hundred kB in localStorage). */
	outputSide: 720
} as const;
const STORAGE_KEY = `rakkan.home-demo.${DEMO.subject}.${DEMO.style}.${DEMO.model}.${DEMO.workingSide}`;

export class HomeDemo {
	readonly subject: StyleCard;
	readonly style: StyleCard;
	/** The painted picture as a data: URL, once made (or remembered). */
	after = $state<string | null>(null);
	status = $state<'idle' | 'painting' | 'done' | 'error'>('idle');
	progress = $state(0);
	error = $state<string | null>(null);
	private worker: Worker | null = null;

	/** `createWorker` starts the engine worker (the page names its module, so the bundler finds it). */
	constructor(
		catalog: Catalog,
		private readonly createWorker: () => Worker
	) {
		const find = (id: string) => {
			const card = catalog.styles.find((s) => s.id === id);
			if (!card) throw new Error(`The catalog has no style ${id}.`);
			return card;
		};
		this.subject = find(DEMO.subject);
		this.style = find(DEMO.style);
	}

	get beforeUrl(): string {
		return styleImageUrl(this.subject);
	}

	/** Shows the remembered painting, or paints it now. */
	async start(): Promise<void> {
		const remembered = readStorage(STORAGE_KEY);
		if (remembered?.startsWith('data:image/')) {
			this.after = remembered;
			this.status = 'done';
			return;
		}
		this.status = 'painting';
		this.worker = this.createWorker();
		const engine = new EngineClient(this.worker);
		try {
			const [content, style] = await Promise.all([load(this.subject), load(this.style)]);
			const result = await engine.stylize(
				{
					content,
					styles: [{ pixels: style, weight: 1 }],
					settings: {
						modelId: DEMO.model,
						strength: 1,
						preserveColors: false,
						workingSide: DEMO.workingSide,
						styleSide: 256,
						tile: 'auto',
						output: fitWithin(content.width, content.height, DEMO.outputSide)
					}
				},
				{ onProgress: (p) => (this.progress = p.fraction) }
			);
			const bytes = await encodePixels(result, 'jpeg', 0.85);
			this.after = await dataUrl(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
			writeStorage(STORAGE_KEY, this.after);
			this.status = 'done';
		} catch (error) {
			this.error = (error as Error).message;
			this.status = 'error';
		} finally {
			this.dispose();
		}
	}

	dispose(): void {
		this.worker?.terminate();
		this.worker = null;
	}
}

async function load(card: StyleCard): Promise<Pixels> {
	const response = await fetch(styleImageUrl(card));
	if (!response.ok) throw new Error(`${card.title} could not be loaded (HTTP ${response.status}).`);
	const { bitmap } = await decodeImageFile(await response.blob());
	try {
		return pixelsOf(bitmap);
	} finally {
		bitmap.close();
	}
}

function dataUrl(blob: Blob): Promise<string> {
	return new Promise((resolve, reject) => {
		const reader = new FileReader();
		reader.onload = () => resolve(reader.result as string);
		reader.onerror = () => reject(reader.error ?? new Error('The painting could not be read.'));
		reader.readAsDataURL(blob);
	});
}
