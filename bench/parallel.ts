// Tiles spread over worker threads (the CLI's tile pool): throughput with one thread and with one per
// core, the pools warmed first so thread start-up and model loading are not timed.
import os from 'node:os';
import { createNodeEngine } from '../src/lib/node/node-engine';
import { createTileWorkerPool } from '../src/lib/node/tile-pool';
import { type BenchContext, benchJob, type JobTiming, timeJob } from './context';
import { contentImage, median, megapixels, progress, round, time } from './util';

const MODEL_ID = 'arbitrary-wyf';
/** The speedup with N threads the pool aims for, as a fraction of N (1.8x on 2 threads). */
const TARGET_EFFICIENCY = 0.9;

export async function benchParallel(ctx: BenchContext) {
	const [width, height, tile] = ctx.quick ? [512, 384, 128] : [1536, 1024, 384];
	const runs = ctx.quick ? 1 : 2;
	const threads = os.availableParallelism();
	const content = contentImage(width, height, 9);
	const engine = await createNodeEngine(ctx.catalog, ctx.cacheDir);
	try {
		// The main thread analyses the style; the pool reads the whole-image statistics in bands (on 2+
		// threads; the main thread reads them on 1) and paints.
		await engine.model(MODEL_ID);
		const job = benchJob(ctx, MODEL_ID, content, tile);
		// A first paint: another picture each time, so the whole-image statistics are never cached.
		let seed = 200;
		const firstPaint = () => benchJob(ctx, MODEL_ID, contentImage(width, height, seed++), tile);
		const tiles = engine.plan(job).tiles.tiles.length;
		const mp = megapixels(content);
		const measure = async (size: number) => {
			const pool = createTileWorkerPool(ctx.cacheDir, size);
			try {
				progress(`parallel: ${size} thread(s), start-up and warm job`);
				// A fresh picture, so every thread also runs its statistics bands once before anything is timed;
				// then the re-painted picture, so its statistics are cached for the re-paints.
				const warmMs = await time(() => engine.stylize(firstPaint(), { painter: pool }));
				await engine.stylize(job, { painter: pool });
				const samples: JobTiming[] = [];
				const repaints: JobTiming[] = [];
				for (let i = 0; i < runs; i++) {
					progress(`parallel: ${size} thread(s), run ${i + 1} of ${runs}`);
					samples.push(await timeJob(engine, firstPaint(), { painter: pool }));
					repaints.push(await timeJob(engine, job, { painter: pool }));
				}
				const ms = median(samples.map((s) => s.ms));
				const paintingMs = median(samples.map((s) => s.paintingMs));
				return {
					threads: size,
					ms: round(ms),
					megapixelsPerSecond: round(mp / (ms / 1000), 4),
					paintingMs: round(paintingMs),
					beforePaintingMs: round(median(samples.map((s) => s.ms - s.paintingMs))),
					paintingMegapixelsPerSecond: round(mp / (paintingMs / 1000), 4),
					repaintMs: round(median(repaints.map((s) => s.ms))),
					startUpAndWarmJobMs: round(warmMs),
					samplesMs: samples.map((s) => round(s.ms))
				};
			} finally {
				await pool.dispose();
			}
		};
		const one = await measure(1);
		const many = await measure(threads);
		const speedup = one.ms / many.ms;
		return {
			model: MODEL_ID,
			width,
			height,
			tileSize: tile,
			tiles,
			runs,
			availableParallelism: threads,
			oneThread: one,
			nThreads: many,
			speedup: round(speedup, 3),
			paintingSpeedup: round(one.paintingMs / many.paintingMs, 3),
			beforePaintingSpeedup: round(one.beforePaintingMs / many.beforePaintingMs, 3),
			repaintSpeedup: round(one.repaintMs / many.repaintMs, 3),
			targetSpeedup: round(TARGET_EFFICIENCY * threads, 2),
			meetsTarget: speedup >= TARGET_EFFICIENCY * threads
		};
	} finally {
		engine.dispose();
	}
}

export const PARALLEL_NOTES = [
	'parallel: arbitrary-wyf on a synthetic 1536x1024 image in 384 px tiles (512x384 in 128 px tiles under --quick), working side = output = full size, tiles painted by createTileWorkerPool(cacheDir, n) worker threads (each its own tfjs wasm engine) with n = 1 and n = os.availableParallelism(). Each pool first runs one untimed job on a fresh picture (thread start-up, model load and warm-up, and a statistics pass, in every thread: startUpAndWarmJobMs) and one on the re-painted picture, then the median of 2 timed jobs (1 with --quick). megapixelsPerSecond: image megapixels over the whole job, including the whole-image statistics read before the first tile: on 1 thread in one pass on the main thread, on N threads in N bands of the 1024 px copy, one per thread, reduced layer by layer (see src/lib/engine/stats-bands.ts); paintingMegapixelsPerSecond over the painting stage alone. speedup = ms(1 thread) / ms(N threads) for first paints (another synthetic picture each run, so the whole-image statistics are computed each time), aim >= 0.9 x N (targetSpeedup); repaintSpeedup the same for re-paints of one picture (statistics cached); paintingSpeedup the same for the painting stage; beforePaintingMs is the rest of a first paint (style analysis and, above all, the statistics pass), beforePaintingSpeedup its speed-up. The machine shares its cores with the main thread, the OS and anything else running, so N threads on N cores cannot reach N.'
];
