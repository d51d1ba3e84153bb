// Memory as the image grows: tiled jobs at 1, 6 and 24 MP should need the same tensor memory (one
// tile's worth), while the process holds only the photo and the result at full size.
import type * as tfType from '@tensorflow/tfjs';
import type { StyleEngine, TilePainter, TileRequest } from '../src/lib/engine/engine';
import { createNodeEngine } from '../src/lib/node/node-engine';
import { type BenchContext, benchJob, timeJob } from './context';
import { contentImage, median, megapixels, progress, type RssSampler, round, sampleRss } from './util';

const MODEL_ID = 'arbitrary-wyf';

interface MemorySize {
	label: string;
	width: number;
	height: number;
	/** Tiles painted for real, in raster order; the rest are skipped (undefined: all). */
	paintTiles?: number;
}

const SIZES: readonly MemorySize[] = [
	{ label: '1MP', width: 1152, height: 864 },
	{ label: '6MP', width: 3000, height: 2000 },
	{ label: '24MP', width: 6000, height: 4000, paintTiles: 3 }
];
const QUICK_SIZES: readonly MemorySize[] = [
	{ label: '0.2MP', width: 512, height: 384 },
	{ label: '0.8MP', width: 1024, height: 768 },
	{ label: '3MP', width: 2048, height: 1536, paintTiles: 2 }
];

/**
 * Paints the first `limit` tiles with the engine and returns blank tiles for the rest; samples tensor
 * bytes and RSS after every painted tile and keeps the first request for a profile of one tile.
 */
class SamplingPainter implements TilePainter {
	readonly concurrency = 1;
	readonly tileMs: number[] = [];
	first: TileRequest | undefined;
	skipped = 0;
	maxTensorBytesAfterTile = 0;

	constructor(
		private readonly engine: StyleEngine,
		private readonly tf: typeof tfType,
		private readonly limit: number,
		private readonly rss: RssSampler
	) {}

	async paint(request: TileRequest): Promise<Float32Array> {
		this.first ??= request;
		if (this.tileMs.length >= this.limit) {
			this.skipped++;
			return new Float32Array(request.out.width * request.out.height * 3);
		}
		const start = performance.now();
		const rgb = await this.engine.paintTile(request);
		this.tileMs.push(performance.now() - start);
		this.maxTensorBytesAfterTile = Math.max(this.maxTensorBytesAfterTile, this.tf.memory().numBytes);
		this.rss.sample();
		return rgb;
	}
}

/** The wasm backend's heap (it grows to the largest need and never shrinks); undefined elsewhere. */
function wasmHeapBytes(tf: typeof tfType): number | undefined {
	const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
	return backend.wasm?.HEAPU8?.byteLength;
}

export async function benchMemory(ctx: BenchContext) {
	const { tf } = ctx;
	const tile = ctx.quick ? 256 : 'auto';
	const rss = sampleRss();
	const rssAtStart = rss.sample();
	const engine = await createNodeEngine(ctx.catalog, ctx.cacheDir);
	try {
		await engine.model(MODEL_ID);
		const sizes = [];
		for (const size of ctx.quick ? QUICK_SIZES : SIZES) {
			progress(`memory: ${size.label} (${size.width}x${size.height})`);
			const content = contentImage(size.width, size.height, 11);
			const job = benchJob(ctx, MODEL_ID, content, tile);
			const plan = engine.plan(job);
			const total = plan.tiles.tiles.length;
			const painter = new SamplingPainter(engine, tf, size.paintTiles ?? total, rss);
			const baselineBytes = tf.memory().numBytes;
			const tensorsBefore = tf.memory().numTensors;
			rss.reset();
			const rssBefore = rss.sample();
			let timing = { ms: 0, paintingMs: 0, tiles: 0 };
			// tf.profile returns one shared object that the next profile overwrites: copy what is needed.
			const { peakBytes } = await tf.profile(async () => {
				timing = await timeJob(engine, job, { painter });
			});
			const jobPeakRss = rss.peak;
			const leakedTensors = tf.memory().numTensors - tensorsBefore;

			// One tile alone, profiled: the tensor peak of painting a tile.
			const request = painter.first;
			if (!request) throw new Error('the job painted no tile');
			const tilePeakBytes = (await tf.profile(() => engine.paintTile(request))).peakBytes;
			const tileMs = median(painter.tileMs);
			const paintedMs = painter.tileMs.reduce((a, b) => a + b, 0);
			sizes.push({
				label: size.label,
				width: size.width,
				height: size.height,
				megapixels: round(megapixels(size), 2),
				tileSize: plan.tileSize,
				tileWork: request.work,
				tiles: total,
				tilesPainted: painter.tileMs.length,
				tilesSkipped: painter.skipped,
				baselineTensorBytes: baselineBytes,
				peakTensorBytes: peakBytes,
				peakTensorBytesAboveBaseline: peakBytes - baselineBytes,
				tilePeakTensorBytesAboveBaseline: tilePeakBytes - baselineBytes,
				maxTensorBytesAfterTile: painter.maxTensorBytesAfterTile,
				leakedTensors,
				wasmHeapBytes: wasmHeapBytes(tf),
				rssBeforeBytes: rssBefore,
				peakRssBytes: jobPeakRss,
				imageBytes: 2 * size.width * size.height * 4,
				ms: round(timing.ms),
				setupMs: round(timing.ms - timing.paintingMs),
				msPerTile: round(tileMs),
				msPerTileMegapixel: round(tileMs / megapixels(request.work)),
				estimatedFullMs: round(timing.ms - paintedMs + total * tileMs)
			});
		}
		return {
			model: MODEL_ID,
			tile,
			rssAtStartBytes: rssAtStart,
			peakRssBytes: Math.max(rss.peak, ...sizes.map((s) => s.peakRssBytes)),
			sizes
		};
	} finally {
		rss.stop();
		engine.dispose();
	}
}

export const MEMORY_NOTES = [
	"memory: arbitrary-wyf tiled jobs at 1152x864, 3000x2000 and 6000x4000 (512x384, 1024x768 and 2048x1536 in 256 px tiles under --quick), tile 'auto' (768 px on wasm), working side = output = full size, on the main thread. This section runs first, in a fresh engine, so the process's RSS and the wasm heap have not yet been grown by the single-pass runs of the other sections.",
	'peakTensorBytes: profile.peakBytes of tf.profile around the whole engine.stylize job (style analysis, the whole-image statistics, every painted tile), the largest tfjs-tracked byte count after any kernel; baselineTensorBytes is what was allocated before (the loaded model), peakTensorBytesAboveBaseline the job itself. tilePeakTensorBytesAboveBaseline: the same for engine.paintTile of the first tile alone, profiled after the job. maxTensorBytesAfterTile: tf.memory().numBytes sampled after each painted tile (equal to the baseline when nothing is held between tiles). Flat numbers across sizes mean tensor memory does not grow with the image. The peak of a job is usually not a tile but the whole-image statistics pass (the transfer network run up to its instance-norm layers on a preview of at most 1024 px long side, before the first tile); both it and a tile have fixed sizes, so neither grows with the photo. These count tensor bytes, not the wasm heap (wasmHeapBytes after the job: it grows to the largest need and never shrinks).',
	'The 24 MP job (the 3 MP one under --quick) paints only its first 3 tiles (2) for real through the engine: a wrapping TilePainter returns blank tiles for the rest, which are still cropped, composited and counted, so the job has its full-size buffers but not the painting time. Every tile of a job has the same size, so the tensor peak is that of a fully painted job. msPerTile: the median of the painted tiles; estimatedFullMs = ms - the painted tiles + tiles x msPerTile, the job fully painted on one thread.',
	'peakRssBytes: process.memoryUsage.rss() sampled every 20 ms and after every painted tile during the job (the peak since the job started; garbage from earlier sizes may still count); imageBytes: the full-size RGBA photo plus the RGBA result the job holds, the part of RSS that must grow with the image. memory.peakRssBytes: the largest sample of the section; machine.processMaxRssBytes (end of run) is the OS peak for the whole process, worker threads included.'
];
