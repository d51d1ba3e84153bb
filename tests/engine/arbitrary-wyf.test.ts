// The arbitrary-wyf model with its real weights on the wasm backend: what it paints, that it paints the
// same thing twice, that strength does what it says, that it frees its tensors, and that wrong, damaged
// or mismatched weights are refused with a clear error instead of a crash.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	type AssetFile,
	type Catalog,
	CatalogError,
	findModel,
	findStyle,
	takesStyleImage
} from '../../src/lib/assets/catalog';
import { type StyleEngine, type TileRequest, toTensor } from '../../src/lib/engine/engine';
import { spatialMean } from '../../src/lib/engine/band-means';
import { createModel } from '../../src/lib/engine/model';
import { readTileStats } from '../../src/lib/engine/readback';
import { BandReducer, FEED_SHARED, FeedBuffer, planBands } from '../../src/lib/engine/stats-bands';
import { CanceledError, EngineError, type Pixels, type StylizeSettings } from '../../src/lib/engine/types';
import {
	AssetIntegrityError,
	cachedPath,
	defaultCacheDir,
	readVerified
} from '../../src/lib/node/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import { decodeImage } from '../../src/lib/node/image-io';
import { createNodeEngine, useWasmBackend } from '../../src/lib/node/node-engine';
import { makeTempDir, removeDir } from '../helpers/images';
import { meanAbsDiff, smallPhoto } from '../helpers/pixels';
import { cacheReader, jobSettings } from '../helpers/engine';
import { expectMatchesReference, referenceContent } from '../helpers/reference';

type TF = Awaited<ReturnType<typeof useWasmBackend>>;

const MODEL_ID = 'arbitrary-wyf';
const SIDE = 160;

let tf: TF;
let catalog: Catalog;
let engine: StyleEngine;
let content: Pixels;
let style: Pixels;
let tempDir: string;
const cacheDir = defaultCacheDir(PROJECT_ROOT);

function settings(overrides: Partial<StylizeSettings> = {}): StylizeSettings {
	return jobSettings(MODEL_ID, content, { workingSide: SIDE, ...overrides });
}

beforeAll(async () => {
	tf = await useWasmBackend();
	catalog = await loadProjectCatalog();
	engine = await createNodeEngine(catalog);
	content = await smallPhoto('chelsea', SIDE);
	const styleCard = findStyle(catalog, 'rembrandt-night-watch');
	if (!styleCard) throw new Error('the catalog lost rembrandt-night-watch');
	style = await decodeImage(await readVerified(styleCard.files[0]!, cacheDir));
	tempDir = await makeTempDir();
});

afterAll(async () => {
	engine?.dispose();
	if (tempDir) await removeDir(tempDir);
});

describe('arbitrary-wyf through the engine', () => {
	it('matches its reference image (chelsea at 96 px after The Night Watch)', async () => {
		const input = await referenceContent();
		const out = await engine.stylize({
			content: input,
			styles: [{ pixels: style, weight: 1 }],
			settings: settings({ workingSide: 96, output: { width: input.width, height: input.height } })
		});
		await expectMatchesReference('arbitrary-wyf', out);
	});

	it('paints at the requested output size, clearly unlike the photo', async () => {
		const same = await engine.stylize({
			content,
			styles: [{ pixels: style, weight: 1 }],
			settings: settings()
		});
		expect([same.width, same.height]).toEqual([content.width, content.height]);
		expect(same.data.length).toBe(content.width * content.height * 4);
		// Measured 72.6 for the cat after The Night Watch at 160 px.
		expect(meanAbsDiff(same, content)).toBeGreaterThan(25);

		// A different output size (not the content's aspect) is honoured exactly.
		const odd = await engine.stylize({
			content,
			styles: [{ pixels: style, weight: 1 }],
			settings: settings({ output: { width: 77, height: 50 } })
		});
		expect([odd.width, odd.height]).toEqual([77, 50]);
		expect(odd.data.length).toBe(77 * 50 * 4);
		// Opaque output.
		for (let i = 3; i < odd.data.length; i += 4) if (odd.data[i] !== 255) expect.fail(`alpha ${odd.data[i]}`);
	});

	it('gives byte-identical output for the same input', async () => {
		const first = await engine.stylize({
			content,
			styles: [{ pixels: style, weight: 1 }],
			settings: settings({ strength: 0.7 })
		});
		const second = await engine.stylize({
			content,
			styles: [{ pixels: style, weight: 1 }],
			settings: settings({ strength: 0.7 })
		});
		expect(Buffer.from(second.data).equals(Buffer.from(first.data))).toBe(true);
	});

	it('strength 0 stays closer to the photo than strength 1, and the two clearly differ', async () => {
		const none = await engine.stylize({
			content,
			styles: [{ pixels: style, weight: 1 }],
			settings: settings({ strength: 0 })
		});
		const full = await engine.stylize({
			content,
			styles: [{ pixels: style, weight: 1 }],
			settings: settings({ strength: 1 })
		});
		const between = meanAbsDiff(none, full);
		const noneToContent = meanAbsDiff(none, content);
		const fullToContent = meanAbsDiff(full, content);
		// Measured: 50.3 between them; 49.8 (strength 0) and 72.6 (strength 1) from the photo.
		expect(between).toBeGreaterThan(20);
		expect(noneToContent).toBeLessThan(fullToContent - 10);
	});

	it('a different style reference gives a different painting', async () => {
		const other = await smallPhoto('coffee', 128);
		const a = await engine.stylize({ content, styles: [{ pixels: style, weight: 1 }], settings: settings() });
		const b = await engine.stylize({ content, styles: [{ pixels: other, weight: 1 }], settings: settings() });
		// Measured 28.3.
		expect(meanAbsDiff(a, b)).toBeGreaterThan(10);
	});

	it('leaves no tensors behind after 10 runs', async () => {
		await engine.model(MODEL_ID);
		const before = tf.memory().numTensors;
		for (let run = 0; run < 10; run++) {
			await engine.stylize({
				content,
				styles: [{ pixels: style, weight: 1 }],
				settings: settings({ strength: run / 9, workingSide: 64, output: { width: 40, height: 30 } })
			});
		}
		expect(tf.memory().numTensors).toBe(before);
	});

	it('reads its statistics in a band as in one pass (a single band: the whole preview), freeing its tensors', async () => {
		const model = await engine.model(MODEL_ID);
		const styles = [{ pixels: style, weight: 1 }];
		const size = { width: content.width, height: content.height };
		const request = { modelId: MODEL_ID, preview: content, size, styles, strength: 0.7, options: {} };
		const before = tf.memory().numTensors;
		const banded = await engine.statsBand(request, planBands(content.height, 1)[0]!, new BandReducer(1));
		expect(tf.memory().numTensors).toBe(before);
		const whole = await readTileStats(
			tf.tidy(() =>
				model.imageStats!(toTensor(tf, content), {
					styles: [{ image: toTensor(tf, style), weight: 1 }],
					strength: 0.7,
					options: {}
				})
			)
		);
		expect(Object.keys(banded).sort()).toEqual(Object.keys(whole).sort());
		expect(Object.keys(whole)).toHaveLength(31);
		for (const [name, { data }] of Object.entries(whole)) {
			const other = banded[name]!.data;
			for (let i = 0; i < data.length; i++) {
				expect(Math.abs(other[i]! - data[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(data[i]!)));
			}
		}
	});

	it('paints a tile that follows a pass as with its statistics, freeing its tensors even when the pass fails', async () => {
		const styles = [{ pixels: style, weight: 1 }];
		const size = { width: content.width, height: content.height };
		const request = { modelId: MODEL_ID, preview: content, size, styles, strength: 0.7, options: {} };
		// The pass publishes what tiles follow (its style vector, each layer's statistics) into a feed.
		const feed = new FeedBuffer();
		const reducer = new BandReducer(1, (item, values) => feed.add(item, values));
		const stats = await engine.statsBand(request, planBands(content.height, 1)[0]!, reducer);
		const tile: TileRequest = {
			modelId: MODEL_ID,
			crop: content,
			work: size,
			origin: { x: 0, y: 0 },
			out: size,
			styles,
			strength: 0.7,
			preserveColors: false,
			options: {}
		};
		const before = tf.memory().numTensors;
		const withStats = await engine.paintTile({ ...tile, stats });
		const following = await engine.paintTile({ ...tile, follow: 1 }, feed.item);
		expect(following).toEqual(withStats);
		// A pass that fails after sharing its style vector: the tile waiting for its first layer fails.
		const failing = new FeedBuffer();
		failing.add(FEED_SHARED, await feed.item(FEED_SHARED));
		setTimeout(() => failing.fail(new Error('the statistics pass failed')), 0);
		await expect(engine.paintTile({ ...tile, follow: 2 }, failing.item)).rejects.toThrow(
			'the statistics pass failed'
		);
		await expect(engine.paintTile({ ...tile, follow: 3 })).rejects.toThrow(/follows a statistics pass/);
		expect(tf.memory().numTensors).toBe(before);
	});

	it('paints with tiny or very narrow style images and photos instead of crashing the backend', async () => {
		// The style network crashes wasm ("memory access out of bounds") on sides under 32 px; the model
		// must stretch such inputs, both the style reference and (strength < 1) the photo itself.
		const solid = (width: number, height: number, value: number): Pixels => ({
			width,
			height,
			data: new Uint8ClampedArray(width * height * 4).fill(value)
		});
		const cases: [string, Pixels, Pixels][] = [
			['1x1 style', content, solid(1, 1, 200)],
			['200x8 style', content, solid(200, 8, 90)],
			['3x2 photo', solid(3, 2, 120), style],
			['400x20 photo', solid(400, 20, 60), style]
		];
		for (const [what, photo, reference] of cases) {
			const output = { width: photo.width, height: photo.height };
			const painted = await engine.stylize({
				content: photo,
				styles: [{ pixels: reference, weight: 1 }],
				settings: settings({ strength: 0.5, workingSide: 128, output })
			});
			expect([painted.width, painted.height], what).toEqual([photo.width, photo.height]);
		}
		// The backend still works afterwards.
		const after = await engine.stylize({
			content,
			styles: [{ pixels: style, weight: 1 }],
			settings: settings()
		});
		expect(meanAbsDiff(after, content)).toBeGreaterThan(25);
	});

	it('rejects strength outside 0..1 with an EngineError', async () => {
		for (const strength of [-0.01, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
			const run = engine.stylize({
				content,
				styles: [{ pixels: style, weight: 1 }],
				settings: settings({ strength })
			});
			await expect(run, String(strength)).rejects.toThrow(EngineError);
			await expect(
				engine.stylize({ content, styles: [{ pixels: style, weight: 1 }], settings: settings({ strength }) }),
				String(strength)
			).rejects.toThrow(/0 to 1/);
		}
	});

	it('rejects an unknown model id, naming the known ones', async () => {
		const run = engine.stylize({
			content,
			styles: [{ pixels: style, weight: 1 }],
			settings: settings({ modelId: 'no-such-model' })
		});
		await expect(run).rejects.toThrow(CatalogError);
		await expect(
			engine.stylize({
				content,
				styles: [{ pixels: style, weight: 1 }],
				settings: settings({ modelId: 'no-such-model' })
			})
		).rejects.toThrow(/"no-such-model" is not a known model \(known: [^)]*\barbitrary-wyf\b/);
	});

	it('rejects a job without a style image', async () => {
		await expect(engine.stylize({ content, styles: [], settings: settings() })).rejects.toThrow(
			/needs a style image/
		);
	});

	it('rejects an already-aborted job with CanceledError and paints nothing', async () => {
		const controller = new AbortController();
		controller.abort();
		const stages: string[] = [];
		await expect(
			engine.stylize(
				{ content, styles: [{ pixels: style, weight: 1 }], settings: settings() },
				{ signal: controller.signal, onProgress: (p) => stages.push(p.stage) }
			)
		).rejects.toThrow(CanceledError);
		expect(stages).toEqual([]);
	});

	it('cancels between stages when aborted mid-job, without leaking tensors', async () => {
		await engine.model(MODEL_ID);
		const before = tf.memory().numTensors;
		const controller = new AbortController();
		const stages: string[] = [];
		const run = engine.stylize(
			{ content, styles: [{ pixels: style, weight: 1 }], settings: settings() },
			{
				signal: controller.signal,
				onProgress: (p) => {
					stages.push(p.stage);
					if (p.stage === 'analysing-style') controller.abort();
				}
			}
		);
		await expect(run).rejects.toThrow(CanceledError);
		expect(stages).toEqual(['loading-model', 'analysing-style']);
		expect(tf.memory().numTensors).toBe(before);
	});
});

describe('arbitrary-wyf model directly', () => {
	const reader = cacheReader;

	it('loads, paints at the working size, and frees every tensor on dispose', async () => {
		const before = tf.memory().numTensors;
		const model = createModel(findModel(catalog, MODEL_ID), tf);
		expect(takesStyleImage(model.card)).toBe(true);
		await model.load(reader);
		expect(tf.memory().numTensors).toBeGreaterThan(before);
		const loaded = tf.memory().numTensors;

		// The engine hands the network sides that are multiples of 4 (see workingSize); so does this test.
		const contentTensor = tf.tidy(() => tf.image.resizeBilinear(toTensor(tf, content), [96, 144], true));
		const smallStyle = tf.tidy(() => tf.image.resizeBilinear(toTensor(tf, style), [100, 123], true));
		const out = model.stylize(contentTensor, {
			styles: [{ image: smallStyle, weight: 1 }],
			strength: 1,
			options: {}
		});
		expect(out.shape).toEqual([96, 144, 3]);
		const values = await out.data();
		expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...values)).toBeLessThanOrEqual(255);
		expect(() => model.stylize(contentTensor, { styles: [], strength: 1, options: {} })).toThrow(
			/needs a style image/
		);
		tf.dispose([out, contentTensor, smallStyle]);
		expect(tf.memory().numTensors).toBe(loaded);

		model.dispose();
		expect(tf.memory().numTensors).toBe(before);
		expect(() =>
			model.stylize(contentTensor, { styles: [{ image: smallStyle, weight: 1 }], strength: 1, options: {} })
		).toThrow(/not loaded/);
	});

	it('refuses a card whose style and transfer files are swapped, as not the whatsyourface pair', async () => {
		const card = findModel(catalog, MODEL_ID);
		const role = (r: string) => card.files.find((f) => f.role === r)!;
		const swaps: [string, AssetFile[]][] = [
			[
				'model.json files swapped',
				[
					{ ...role('transfer/model.json'), role: 'style/model.json' },
					role('style/group1-shard1of1.bin'),
					{ ...role('style/model.json'), role: 'transfer/model.json' },
					role('transfer/group1-shard1of1.bin')
				]
			],
			[
				'whole networks swapped',
				[
					{ ...role('transfer/model.json'), role: 'style/model.json' },
					{ ...role('transfer/group1-shard1of1.bin'), role: 'style/group1-shard1of1.bin' },
					{ ...role('style/model.json'), role: 'transfer/model.json' },
					{ ...role('style/group1-shard1of1.bin'), role: 'transfer/group1-shard1of1.bin' }
				]
			]
		];
		for (const [what, files] of swaps) {
			const before = tf.memory().numTensors;
			const model = createModel({ ...card, files }, tf);
			const load = model.load(reader);
			await expect(load, what).rejects.toThrow(EngineError);
			await expect(load, what).rejects.toThrow(/not the whatsyourface style\/transfer pair/);
			expect(tf.memory().numTensors, `${what}: tensors left behind`).toBe(before);
		}
	});

	it('refuses weights that fail their sha256 with AssetIntegrityError', async () => {
		const card = findModel(catalog, MODEL_ID);
		for (const tampered of ['style/model.json', 'transfer/group1-shard1of1.bin']) {
			const dir = path.join(tempDir, `cache-${tampered.replace(/\W/g, '-')}`);
			for (const file of card.files) {
				const dest = cachedPath(dir, file);
				await mkdir(path.dirname(dest), { recursive: true });
				if (file.role === tampered) {
					const bytes = await readFile(cachedPath(cacheDir, file));
					// One changed byte: still plausible JSON / weights, but not the published file.
					const at = Math.floor(bytes.length / 2);
					bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at);
					await writeFile(dest, bytes);
				} else {
					await copyFile(cachedPath(cacheDir, file), dest);
				}
			}
			const model = createModel(card, tf);
			const load = model.load((file) => readVerified(file, dir));
			await expect(load, tampered).rejects.toThrow(AssetIntegrityError);
			await expect(load, tampered).rejects.toThrow(/failed its sha256 check/);

			// The engine reports the same error, and a later job still fails the same way (nothing cached).
			const damaged = await createNodeEngine(catalog, dir);
			for (let attempt = 0; attempt < 2; attempt++) {
				await expect(
					damaged.stylize({ content, styles: [{ pixels: style, weight: 1 }], settings: settings() })
				).rejects.toThrow(AssetIntegrityError);
			}
			damaged.dispose();
		}
	});
});

describe('the instance norms’ mean over height and width', () => {
	it('is each channel’s float64 mean within float32 rounding, as tfjs’s own mean is', async () => {
		for (const shape of [
			[1, 171, 256, 16],
			[1, 7, 5, 3]
		] as const) {
			const x = tf.randomNormal([...shape], 3, 2, 'float32', 7) as import('@tensorflow/tfjs').Tensor4D;
			const values = await x.data();
			const channels = shape[3];
			const exact = new Float64Array(channels);
			values.forEach((v, i) => (exact[i % channels]! += v / (shape[1] * shape[2])));
			const error = async (mean: import('@tensorflow/tfjs').Tensor) => {
				expect(mean.shape).toEqual([1, 1, 1, channels]);
				const got = await mean.data();
				mean.dispose();
				return Math.max(...Array.from(got, (v, c) => Math.abs(v - exact[c]!)));
			};
			const ours = await error(spatialMean(tf, x));
			const theirs = await error(tf.mean(x, [1, 2], true));
			x.dispose();
			expect(ours).toBeLessThan(Math.max(2 * theirs, 2e-5));
		}
	});
});
