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
	const runs = ctx.quick ? 1 : 3;
	const threads = os.availableParallelism();
	const content = contentImage(width, height, 9);
	const engine = await createNodeEngine(ctx.catalog, ctx.cacheDir);
	const pools = [1, threads].map((size) => createTileWorkerPool(ctx.cacheDir, size));
	try {
		// The main thread analyses the style; on 1 thread it also reads the whole-image statistics, on
		// more the pool reads them on one thread while the others paint tiles that follow them.
		await engine.model(MODEL_ID);
		const job = benchJob(ctx, MODEL_ID, content, tile);
		// A first paint: another picture each time, so the whole-image statistics are never cached.
		let seed = 200;
		const firstPaint = () => benchJob(ctx, MODEL_ID, contentImage(width, height, seed++), tile);
		const tiles = engine.plan(job).tiles.tiles.length;
		const mp = megapixels(content);
		const warmMs: number[] = [];
		for (const pool of pools) {
			progress(`parallel: ${pool.concurrency} thread(s), start-up and warm job`);
			// A fresh picture, so every thread also runs a statistics pass or follows one before anything
			// is timed; then the re-painted picture, so its statistics are cached for the re-paints.
			warmMs.push(await time(() => engine.stylize(firstPaint(), { painter: pool })));
			await engine.stylize(job, { painter: pool });
		}
		// The two pools take turns, so that a slow spell of a shared machine falls on both.
		const samples: JobTiming[][] = pools.map(() => []);
		const repaints: JobTiming[][] = pools.map(() => []);
		for (let i = 0; i < runs; i++) {
			for (const [p, pool] of pools.entries()) {
				progress(`parallel: ${pool.concurrency} thread(s), run ${i + 1} of ${runs}`);
				samples[p]!.push(await timeJob(engine, firstPaint(), { painter: pool }));
				repaints[p]!.push(await timeJob(engine, job, { painter: pool }));
			}
		}
		const summarize = (p: number) => {
			const pool = pools[p]!;
			const ms = median(samples[p]!.map((s) => s.ms));
			const paintingMs = median(samples[p]!.map((s) => s.paintingMs));
			return {
				threads: pool.concurrency,
				ms: round(ms),
				megapixelsPerSecond: round(mp / (ms / 1000), 4),
				paintingMs: round(paintingMs),
				beforePaintingMs: round(median(samples[p]!.map((s) => s.ms - s.paintingMs))),
				paintingMegapixelsPerSecond: round(mp / (paintingMs / 1000), 4),
				repaintMs: round(median(repaints[p]!.map((s) => s.ms))),
				startUpAndWarmJobMs: round(warmMs[p]!),
				samplesMs: samples[p]!.map((s) => round(s.ms))
			};
		};
		const [one, many] = [summarize(0), summarize(1)];
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
			repaintSpeedup: round(one.repaintMs / many.repaintMs, 3),
			targetSpeedup: round(TARGET_EFFICIENCY * threads, 2),
			meetsTarget: speedup >= TARGET_EFFICIENCY * threads
		};
	} finally {
		await Promise.all(pools.map((pool) => pool.dispose()));
		engine.dispose();
	}
}

export const PARALLEL_NOTES = [
	'parallel: arbitrary-wyf on a synthetic 1536x1024 image in 384 px tiles (512x384 in 128 px tiles under --quick, whose tiles read the statistics together; at full size 15 tiles, 2.2 MP in all, more than the 1.5 MP that do, so the path of larger pictures), working side = output = full size, tiles painted by createTileWorkerPool(cacheDir, n) worker threads (each its own tfjs wasm engine) with n = 1 and n = os.availableParallelism(), both pools alive at once. Each pool first runs one untimed job on a fresh picture (thread start-up, model load and warm-up, and a statistics pass: startUpAndWarmJobMs) and one on the re-painted picture; then the two pools take turns for 3 rounds (1 with --quick), so that a slow spell of the shared machine falls on both, and each figure is the median of its pool. megapixelsPerSecond: image megapixels over the whole job, including the whole-image statistics: on 1 thread read in one pass on the main thread before the first tile, on N threads read on one painter thread while the others paint tiles that follow the pass layer by layer (see src/lib/engine/stats-bands.ts; a quarter of the threads read it, in bands, from 8 up); paintingMegapixelsPerSecond over the painting stage, which on N threads begins with the pass; beforePaintingMs is the rest (style analysis and, on 1 thread, the statistics pass). speedup = ms(1 thread) / ms(N threads) for first paints (another synthetic picture each run, so the whole-image statistics are computed each time), aim >= 0.9 x N (targetSpeedup); repaintSpeedup the same for re-paints of one picture (statistics cached: the tiles alone). The machine shares its cores with the main thread, the OS and anything else running, so N threads on N cores cannot reach N.'
];
