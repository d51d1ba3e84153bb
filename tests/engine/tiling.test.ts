// Tiled painting on the real arbitrary-wyf network: tiles share whole-image statistics so the result
// matches a single pass closely enough that no seam shows. A 1 MP picture's tiles read them together,
// the same on any number of threads; larger ones read them from a copy, on painter threads on one thread
// while tiles follow them on the other (or in bands, one per thread), and paint the same picture;
// progress counts tiles; cancel stops between tiles, or ends tiles reading together at once.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStyle } from '../../src/lib/assets/catalog';
import type { StyleEngine, StylizeJob } from '../../src/lib/engine/engine';
import { CanceledError, DEFAULT_SETTINGS, type Pixels, type Progress } from '../../src/lib/engine/types';
import { psnr } from '../../src/lib/kernels/tiling';
import { cachedPath, defaultCacheDir, readVerified } from '../../src/lib/node/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import { decodeImage } from '../../src/lib/node/image-io';
import { createNodeEngine, useWasmBackend } from '../../src/lib/node/node-engine';
import { createTileWorkerPool } from '../../src/lib/node/tile-pool';
import type { StatsRequest, TilePainter, TileRequest } from '../../src/lib/engine/engine';
import type { TilePool } from '../../src/lib/engine/tile-pool';
import { planBands } from '../../src/lib/engine/stats-bands';
import type { StatsBand } from '../../src/lib/kernels/tiling';

let engine: StyleEngine;
let tf: Awaited<ReturnType<typeof useWasmBackend>>;
let photo: Pixels;
let style: Pixels;

function job(tile: number, extra: Partial<StylizeJob['settings']> = {}): StylizeJob {
	return {
		content: photo,
		styles: [{ pixels: style, weight: 1 }],
		settings: {
			...DEFAULT_SETTINGS,
			modelId: 'arbitrary-wyf',
			workingSide: 1536,
			tile,
			output: { width: photo.width, height: photo.height },
			...extra
		}
	};
}

beforeAll(async () => {
	const catalog = await loadProjectCatalog();
	tf = await useWasmBackend();
	engine = await createNodeEngine(catalog);
	const cacheDir = defaultCacheDir(PROJECT_ROOT);
	// A detailed public-domain picture as the photo: Hokusai's wave at 1536 x 1024.
	const wave = cachedPath(cacheDir, findStyle(catalog, 'hokusai-great-wave')!.files[0]!);
	photo = await decodeImage(new Uint8Array(await sharp(wave).resize(1536, 1024).png().toBuffer()));
	style = await decodeImage(
		await readVerified(findStyle(catalog, 'rembrandt-night-watch')!.files[0]!, cacheDir)
	);
});

describe('tiled painting', () => {
	it('matches the single pass at 1536x1024 within 28 dB PSNR, and reports each tile', async () => {
		const single = await engine.stylize(job(0));
		const progress: Progress[] = [];
		const tiled = await engine.stylize(job(512), { onProgress: (p) => progress.push(p) });
		const plan = engine.plan(job(512)).tiles;
		expect([plan.columns, plan.rows]).toEqual([4, 3]);
		const db = psnr(single.data, tiled.data);
		console.info(`tiled vs single pass at 1536x1024: ${db.toFixed(2)} dB`);
		expect(db).toBeGreaterThanOrEqual(28);
		const counts = progress.filter((p) => p.tiles).map((p) => p.tiles!.done);
		expect(counts).toEqual(Array.from({ length: plan.tiles.length + 1 }, (_, i) => i));
		expect(progress.at(-1)?.fraction).toBe(1);
	});

	it('reads a 1 MP picture’s statistics in its tiles together, matching the single pass within 40 dB', async () => {
		const at1152 = (tile: number) => job(tile, { workingSide: 1152, output: { width: 1152, height: 768 } });
		const single = await engine.stylize(at1152(0));
		const before = tf.memory().numTensors;
		const tiled = await engine.stylize(at1152(512));
		expect(tf.memory().numTensors).toBe(before);
		const db = psnr(single.data, tiled.data);
		console.info(`tiled (statistics read in the tiles) vs single pass at 1152x768: ${db.toFixed(2)} dB`);
		// A 3/4 copy's statistics gave 38.3 dB here.
		expect(db).toBeGreaterThanOrEqual(40);
	});

	it('ends the tiles reading statistics together when canceled mid-run, leaking nothing, and paints on', async () => {
		const picture = job(256, { workingSide: 768, strength: 0.9 });
		expect(engine.plan(picture).tiles.tiles.length).toBeGreaterThan(4);
		await engine.model('arbitrary-wyf');
		const before = tf.memory().numTensors;
		for (const after of [0, 300]) {
			const controller = new AbortController();
			const done: number[] = [];
			const run = engine.stylize(picture, {
				signal: controller.signal,
				onProgress: (p) => {
					if (p.tiles) done.push(p.tiles.done);
					if (p.stage === 'painting' && !p.layers) setTimeout(() => controller.abort(), after);
				}
			});
			await expect(run).rejects.toThrow(CanceledError);
			// They were all running, waiting for each other: none was finished and composited.
			expect(Math.max(...done)).toBe(0);
			expect(tf.memory().numTensors).toBe(before);
		}
		const painted = await engine.stylize(picture);
		expect([painted.width, painted.height]).toEqual([photo.width, photo.height]);
	});

	it('lines up position-dependent drawing across tiles (manga-ink screentones)', async () => {
		const manga = (tile: number): StylizeJob => ({
			content: photo,
			styles: [],
			settings: {
				...DEFAULT_SETTINGS,
				modelId: 'manga-ink',
				workingSide: 768,
				tile,
				output: { width: 768, height: 512 }
			}
		});
		const single = await engine.stylize(manga(0));
		const tiled = await engine.stylize(manga(256));
		expect(engine.plan(manga(256)).tiles.tiles.length).toBeGreaterThan(4);
		const db = psnr(single.data, tiled.data);
		console.info(`manga-ink tiled vs single pass at 768x512: ${db.toFixed(2)} dB`);
		expect(db).toBeGreaterThanOrEqual(28);
	});

	it('reuses whole-image statistics only for the same picture, style and settings', async () => {
		// The engine above has painted this photo at strength 1; another strength must not reuse those
		// statistics: its tiles match what a fresh engine (nothing cached) paints.
		const half = job(256, { workingSide: 512, strength: 0.5 });
		await engine.stylize(job(256, { workingSide: 512 }));
		const afterCached = await engine.stylize(half);
		const fresh = await createNodeEngine(await loadProjectCatalog());
		try {
			expect(Buffer.from((await fresh.stylize(half)).data).equals(Buffer.from(afterCached.data))).toBe(true);
		} finally {
			fresh.dispose();
		}
	});

	it('stops within one tile when canceled', async () => {
		const controller = new AbortController();
		const done: number[] = [];
		// Tile by tile: a painter of its own has the tiles read the statistics of a copy first.
		const run = engine.stylize(job(256, { workingSide: 768 }), {
			painter: onThisThread(),
			signal: controller.signal,
			onProgress: (p) => {
				if (p.tiles) done.push(p.tiles.done);
				if (p.tiles?.done === 2) controller.abort();
			}
		});
		await expect(run).rejects.toThrow(CanceledError);
		expect(Math.max(...done)).toBeLessThanOrEqual(3);
		expect(engine.plan(job(256, { workingSide: 768 })).tiles.tiles.length).toBeGreaterThan(6);
	});
});

/** This engine's own tiles, one at a time: a painter without `together`, so tiles take a copy's statistics. */
function onThisThread(): TilePainter {
	return { concurrency: 1, paint: (request) => engine.paintTile(request) };
}

describe('statistics on painter threads', () => {
	let pool: TilePool;

	beforeAll(() => {
		pool = createTileWorkerPool(defaultCacheDir(PROJECT_ROOT), 2);
	});

	afterAll(async () => {
		await pool.dispose();
	});

	/** The pool, with the passes it is asked for and the tiles that follow one recorded. */
	function recording(reshape?: (request: StatsRequest) => [StatsBand[], number]) {
		const passes: { bands: StatsBand[]; depth: number }[] = [];
		const following: number[] = [];
		const painter = {
			concurrency: pool.concurrency,
			paint: (request: TileRequest) => {
				if (request.follow !== undefined) following.push(request.follow);
				return pool.paint(request);
			},
			statistics: (request: StatsRequest, bands: StatsBand[], depth?: number) => {
				const [asked, deep] = reshape?.(request) ?? [bands, depth ?? 0];
				passes.push({ bands: asked, depth: deep });
				return pool.statistics(request, asked, deep);
			}
		};
		return { painter, passes, following };
	}

	it('reads them on one thread while the other paints tiles that follow them, painting what the main thread paints', async () => {
		const onMainThread = await engine.stylize(job(512, { workingSide: 1024 }), { painter: onThisThread() });
		const fresh = await createNodeEngine(await loadProjectCatalog());
		try {
			const { painter, passes, following } = recording();
			const onThreads = await fresh.stylize(job(512, { workingSide: 1024 }), { painter });
			// One band, the whole 768 x 512 copy (of a 1024 px working size); the other thread holds three
			// tiles at a time, as many pixels as the copy (see followDepth).
			expect(passes).toEqual([
				{ bands: [{ index: 0, rows: { start: 0, end: 512 }, owned: { start: 0, end: 512 } }], depth: 3 }
			]);
			expect(following.length).toBeGreaterThanOrEqual(2);
			const db = psnr(onMainThread.data, onThreads.data);
			console.info(`tiles following the statistics on 2 threads vs the main thread: ${db.toFixed(2)} dB`);
			expect(db).toBeGreaterThanOrEqual(55);
		} finally {
			fresh.dispose();
		}
	});

	it('reads them in one band per thread (as on many threads) and paints the same picture', async () => {
		const onMainThread = await engine.stylize(job(512, { workingSide: 1024 }), { painter: onThisThread() });
		const fresh = await createNodeEngine(await loadProjectCatalog());
		try {
			// Two bands, as a quarter of 8 threads would read; no thread is left to follow.
			const { painter, passes, following } = recording((request) => [planBands(request.size.height, 2), 0]);
			const onThreads = await fresh.stylize(job(512, { workingSide: 1024 }), { painter });
			// Two bands splitting the 768 x 512 copy, each seeing 32 rows of the other.
			expect(passes.map(({ bands }) => bands.map((b) => [b.rows, b.owned]))).toEqual([
				[
					[
						{ start: 0, end: 288 },
						{ start: 0, end: 256 }
					],
					[
						{ start: 224, end: 512 },
						{ start: 256, end: 512 }
					]
				]
			]);
			// The engine offered the tiles as followers; with no thread free, they took the statistics.
			expect(following.length).toBeGreaterThan(0);
			const db = psnr(onMainThread.data, onThreads.data);
			console.info(`statistics in 2 bands on 2 threads vs one pass on the main thread: ${db.toFixed(2)} dB`);
			expect(db).toBeGreaterThanOrEqual(55);
		} finally {
			fresh.dispose();
		}
	});

	it('reads them in the tiles together on 1 and on 2 threads, painting what this thread paints', async () => {
		// Another strength than the tests above painted, so that nothing is cached for it.
		const picture = job(512, { workingSide: 1024, strength: 0.8 });
		const here = await engine.stylize(picture);
		const onePool = createTileWorkerPool(defaultCacheDir(PROJECT_ROOT), 1);
		try {
			for (const painter of [onePool, pool]) {
				const fresh = await createNodeEngine(await loadProjectCatalog());
				const asked: number[] = [];
				const together: TilePainter['together'] = (requests, bands, shared) => {
					asked.push(requests.length);
					return painter.together(requests, bands, shared);
				};
				const painted = await fresh.stylize(picture, {
					painter: { concurrency: painter.concurrency, paint: (r) => painter.paint(r), together }
				});
				expect(asked).toEqual([engine.plan(picture).tiles.tiles.length]);
				expect(psnr(here.data, painted.data)).toBe(Infinity);
				// A re-paint takes the statistics the tiles read.
				const again = await fresh.stylize(picture, { painter });
				expect(psnr(here.data, again.data)).toBe(Infinity);
				fresh.dispose();
			}
		} finally {
			await onePool.dispose();
		}
	});

	it('ends a pass when one band fails, without leaving the other waiting, and the threads go on', async () => {
		const small = async (pixels: Pixels, width: number, height: number) =>
			decodeImage(
				new Uint8Array(
					await sharp(Buffer.from(pixels.data), {
						raw: { width: pixels.width, height: pixels.height, channels: 4 }
					})
						.resize(width, height, { fit: 'fill' })
						.png()
						.toBuffer()
				)
			);
		const request: StatsRequest = {
			modelId: 'arbitrary-wyf',
			preview: await small(photo, 384, 256),
			size: { width: 384, height: 256 },
			styles: [{ pixels: await small(style, 256, 256), weight: 1 }],
			strength: 1,
			options: {}
		};
		// The second band starts off the networks' stride: it fails at the first strided layer, where the
		// first band waits for it (or is about to).
		const crooked: StatsBand[] = [
			{ index: 0, rows: { start: 0, end: 160 }, owned: { start: 0, end: 128 } },
			{ index: 1, rows: { start: 97, end: 256 }, owned: { start: 128, end: 256 } }
		];
		await expect(pool.statistics(request, crooked).stats).rejects.toThrow(/multiples of the stride/);
		const stats = await pool.statistics(request, planBands(256, 2)).stats;
		expect(Object.keys(stats)).toHaveLength(31);
	});
});
