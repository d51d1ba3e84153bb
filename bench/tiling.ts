// What tiling costs: the same 1 MP job in a single pass and in 512 px tiles, on the main thread.
import { overlapFor } from '../src/lib/kernels/tiling';
import { createNodeEngine } from '../src/lib/node/node-engine';
import { type BenchContext, benchJob, type JobTiming, timeJob } from './context';
import { contentImage, median, progress, round } from './util';

const MODEL_ID = 'arbitrary-wyf';
/** The overhead the tiled path aims to stay under. */
const TARGET_OVERHEAD = 1.3;

export async function benchTiling(ctx: BenchContext) {
	const [width, height, tile] = ctx.quick ? [384, 288, 256] : [1152, 864, 512];
	const runs = ctx.quick ? 1 : 3;
	const content = contentImage(width, height, 5);
	const engine = await createNodeEngine(ctx.catalog, ctx.cacheDir);
	try {
		await engine.model(MODEL_ID);
		const single = benchJob(ctx, MODEL_ID, content, 0);
		const tiled = benchJob(ctx, MODEL_ID, content, tile);
		// A first paint of a picture: another (equally sized) picture each time, so no statistics are cached.
		let seed = 100;
		const firstPaint = () => benchJob(ctx, MODEL_ID, contentImage(width, height, seed++), tile);
		const plan = engine.plan(tiled);
		const paintedPixels = plan.workTiles.reduce((sum, t) => sum + t.width * t.height, 0);
		progress(`tiling: ${width}x${height}, warm runs`);
		await engine.stylize(single);
		await engine.stylize(tiled);
		const samples = { single: [] as JobTiming[], tiled: [] as JobTiming[], repaint: [] as JobTiming[] };
		for (let i = 0; i < runs; i++) {
			progress(`tiling: ${width}x${height}, run ${i + 1} of ${runs}`);
			samples.single.push(await timeJob(engine, single));
			samples.tiled.push(await timeJob(engine, firstPaint()));
			samples.repaint.push(await timeJob(engine, tiled));
		}
		const singleMs = median(samples.single.map((s) => s.ms));
		const tiledMs = median(samples.tiled.map((s) => s.ms));
		const repaintMs = median(samples.repaint.map((s) => s.ms));
		const tiledPaintingMs = median(samples.tiled.map((s) => s.paintingMs));
		const overhead = tiledMs / singleMs;
		const repaintOverhead = repaintMs / singleMs;
		return {
			model: MODEL_ID,
			width,
			height,
			runs,
			tileSize: tile,
			overlap: overlapFor(tile),
			tiles: plan.tiles.tiles.length,
			paintedAreaRatio: round(paintedPixels / (plan.work.width * plan.work.height), 3),
			singleMs: round(singleMs),
			tiledMs: round(tiledMs),
			tiledPaintingMs: round(tiledPaintingMs),
			tiledSetupMs: round(median(samples.tiled.map((s) => s.ms - s.paintingMs))),
			overhead: round(overhead, 3),
			repaintMs: round(repaintMs),
			repaintOverhead: round(repaintOverhead, 3),
			targetOverhead: TARGET_OVERHEAD,
			meetsTarget: overhead <= TARGET_OVERHEAD,
			repaintMeetsTarget: repaintOverhead <= TARGET_OVERHEAD,
			samplesMs: {
				single: samples.single.map((s) => round(s.ms)),
				tiled: samples.tiled.map((s) => round(s.ms)),
				repaint: samples.repaint.map((s) => round(s.ms))
			}
		};
	} finally {
		engine.dispose();
	}
}

export const TILING_NOTES = [
	'tiling: arbitrary-wyf on a synthetic 1152x864 image (384x288 with tile 256 under --quick), working side = output = full size, on the main thread (no worker threads): singleMs with tile 0 (one pass), tiledMs with tile 512; one warm run of each, then the median of 3 (1 with --quick), interleaved. overhead = tiledMs / singleMs (aim <= 1.3), tiledMs being a first paint (each run another synthetic picture of the same size, so the whole-image statistics are computed); repaintOverhead = repaintMs / singleMs for a re-paint of the same picture, style and settings (the statistics come from the engine cache). paintedAreaRatio: the pixels the network paints in all tiles (overlaps painted twice or more) over the image pixels, the floor of the overhead when time is proportional to area. tiledSetupMs: the tiled job before its tiles start (style analysis and the style vector; the tiles, 1.22 MP in all, read the whole-image instance-norm statistics together, at most 1.5 MP, so no pass over a downscaled copy runs first), tiledPaintingMs the tiles themselves, statistics included.'
];
