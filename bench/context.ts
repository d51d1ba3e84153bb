// What every benchmark section shares: tfjs, the catalog, the asset cache, the style reference, the
// quick flag; and how a section builds a job and times it.
import type * as tfType from '@tensorflow/tfjs';
import { type Catalog, findModel, takesStyleImage } from '../src/lib/assets/catalog';
import type { JobControl, StyleEngine, StylizeJob } from '../src/lib/engine/engine';
import { DEFAULT_SETTINGS, type Pixels } from '../src/lib/engine/types';

export interface BenchContext {
	tf: typeof tfType;
	catalog: Catalog;
	cacheDir: string;
	/** The style reference, decoded at its full size (the engine resizes it to styleSide). */
	style: Pixels;
	/** --quick: smaller images and fewer runs, a smoke test of every section. */
	quick: boolean;
}

/**
 * A job at strength 1 that paints the content at its own size (working side = its long side,
 * output = its size); arbitrary-style models get the style reference, fixed-look models none.
 */
export function benchJob(
	ctx: BenchContext,
	modelId: string,
	content: Pixels,
	tile: number | 'auto'
): StylizeJob {
	const card = findModel(ctx.catalog, modelId);
	return {
		content,
		styles: takesStyleImage(card) ? [{ pixels: ctx.style, weight: 1 }] : [],
		settings: {
			modelId,
			strength: 1,
			preserveColors: false,
			workingSide: Math.max(content.width, content.height),
			styleSide: DEFAULT_SETTINGS.styleSide,
			tile,
			output: { width: content.width, height: content.height }
		}
	};
}

export interface JobTiming {
	/** engine.stylize end to end. */
	ms: number;
	/** From the first 'painting' progress to 'finishing': the tiles alone, without style analysis and
	 * the whole-image statistics that tiled jobs read first. */
	paintingMs: number;
	tiles: number;
}

/** Runs one job and times it, whole and its painting stage. */
export async function timeJob(
	engine: StyleEngine,
	job: StylizeJob,
	control: Omit<JobControl, 'onProgress'> = {}
): Promise<JobTiming> {
	let paintingFrom: number | undefined;
	let paintingTo: number | undefined;
	let tiles = 0;
	const start = performance.now();
	await engine.stylize(job, {
		...control,
		onProgress: (p) => {
			if (p.stage === 'painting') {
				paintingFrom ??= performance.now();
				tiles = p.tiles?.total ?? tiles;
			} else if (p.stage === 'finishing') paintingTo ??= performance.now();
		}
	});
	const end = performance.now();
	return { ms: end - start, paintingMs: (paintingTo ?? end) - (paintingFrom ?? start), tiles };
}
