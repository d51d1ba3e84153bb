// The fast-style family (fast-wave, fast-udnie, fast-scream, fast-wreck) with its real weights on the wasm
// backend: what it paints, that it paints the same thing twice, that the engine's strength blend works,
// that it frees its tensors, that its instance-norm statistics can be supplied from outside (for tiling),
// and that wrong weights are refused with a clear error.
import type { Tensor, Tensor3D } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AssetFile, type Catalog, findModel } from '../../src/lib/assets/catalog';
import { StyleEngine, toPixels, toTensor } from '../../src/lib/engine/engine';
import { FastStyleModel } from '../../src/lib/engine/fast-style/model';
import { createModel } from '../../src/lib/engine/model';
import { readTileStats } from '../../src/lib/engine/readback';
import { EngineError, type Pixels, type StylizeSettings } from '../../src/lib/engine/types';
import type { useWasmBackend } from '../../src/lib/node/node-engine';
import { meanAbsDiff } from '../helpers/pixels';
import { cacheReader, jobSettings } from '../helpers/engine';
import { fixedLookContract, setUpModelTests } from '../helpers/fixed-look-contract';

type TF = Awaited<ReturnType<typeof useWasmBackend>>;

const MODEL_ID = 'fast-wave';
const STYLES = ['fast-wave', 'fast-udnie', 'fast-scream', 'fast-wreck'];
const SIDE = 128;
const NO_PARAMS = { styles: [], strength: 1, options: {} };

let tf: TF;
let catalog: Catalog;
let engine: StyleEngine;
let content: Pixels;
const reader = cacheReader;
const maxAbsDiff = (a: Tensor, b: Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);

function settings(overrides: Partial<StylizeSettings> = {}): StylizeSettings {
	return jobSettings(MODEL_ID, content, { workingSide: SIDE, ...overrides });
}

const paint = (overrides: Partial<StylizeSettings> = {}, photo = content) =>
	engine.stylize({ content: photo, styles: [], settings: settings(overrides) });

beforeAll(async () => {
	({ tf, catalog, engine, content } = await setUpModelTests('chelsea', SIDE));
});

afterAll(() => {
	engine?.dispose();
});

describe('fast-style through the engine', () => {
	// Measured 48.7 for the cat after The Great Wave at 128 px.
	fixedLookContract({
		modelId: MODEL_ID,
		minChange: 30,
		tf: () => tf,
		catalog: () => catalog,
		engine: () => engine,
		photo: () => content,
		referenceShows: 'after The Great Wave'
	});

	it('each of the four styles paints its own picture', async () => {
		const paintings = [];
		for (const modelId of STYLES) paintings.push(await paint({ modelId, workingSide: 96 }));
		for (let a = 0; a < paintings.length; a++) {
			for (let b = a + 1; b < paintings.length; b++) {
				// Measured 37 (scream vs wreck) to 79 (wave vs wreck) between pairs.
				expect(meanAbsDiff(paintings[a]!, paintings[b]!), `${STYLES[a]} vs ${STYLES[b]}`).toBeGreaterThan(15);
			}
		}
	});

	it('refuses a card whose Variable_3 is Variable_4 with an EngineError, and keeps working', async () => {
		const card = findModel(catalog, MODEL_ID);
		const wrong = {
			...card,
			files: card.files.map((f) =>
				f.role === 'Variable_3'
					? { ...card.files.find((g) => g.role === 'Variable_4')!, role: 'Variable_3' }
					: f
			)
		};
		const broken = new StyleEngine(tf, { ...catalog, models: [wrong] }, reader);
		const before = tf.memory().numTensors;
		for (let attempt = 0; attempt < 2; attempt++) {
			const run = broken.stylize({ content, styles: [], settings: settings() });
			await expect(run).rejects.toThrow(EngineError);
		}
		await expect(broken.stylize({ content, styles: [], settings: settings() })).rejects.toThrow(
			/fast-wave: these weights are not a fast style-transfer checkpoint \(Variable_3 \(file "Variable_3"\) holds 256 bytes; a \[3,3,32,64\] float32 tensor needs 73728\)/
		);
		expect(tf.memory().numTensors).toBe(before);
		broken.dispose();
		// The real engine still paints.
		expect(meanAbsDiff(await paint({ workingSide: 64 }), content)).toBeGreaterThan(30);
	});
});

describe('fast-style model directly', () => {
	async function loaded(id = MODEL_ID): Promise<FastStyleModel> {
		const model = createModel(findModel(catalog, id), tf);
		expect(model).toBeInstanceOf(FastStyleModel);
		await model.load(reader);
		return model as FastStyleModel;
	}

	it('paints any size (padding to a multiple of 4 inside), frees its tensors, and refuses when unloaded', async () => {
		const before = tf.memory().numTensors;
		const model = await loaded();
		const afterLoad = tf.memory().numTensors;
		const photo = toTensor(tf, content);
		for (const [height, width] of [
			[37, 23],
			[1, 1],
			[2, 9],
			[64, 48]
		] as const) {
			const input = tf.tidy(() => tf.image.resizeBilinear(photo, [height, width], true));
			const out = model.stylize(input, NO_PARAMS);
			expect(out.shape).toEqual([height, width, 3]);
			const values = await out.data();
			expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
			expect(Math.max(...values)).toBeLessThanOrEqual(255);
			tf.dispose([input, out]);
		}
		photo.dispose();
		expect(tf.memory().numTensors).toBe(afterLoad);
		model.dispose();
		expect(tf.memory().numTensors).toBe(before);
		const zeros = tf.zeros([8, 8, 3]) as Tensor3D;
		expect(() => model.stylize(zeros, NO_PARAMS)).toThrow(/not loaded/);
		zeros.dispose();
	});

	it('stylizeWithStats(x, normStats(x)) equals stylize(x), and the TileStats form does too', async () => {
		const model = await loaded();
		const x = tf.tidy(() => tf.image.resizeBilinear(toTensor(tf, content), [48, 72], true));
		const start = tf.memory().numTensors;
		const stats = model.normStats(x);
		expect(stats).toHaveLength(16);
		expect(stats.map((s) => s.mean.shape[0])).toEqual([32, 64, ...Array(11).fill(128), 64, 32, 3]);
		const plain = model.stylize(x, NO_PARAMS);
		const withStats = model.stylizeWithStats(x, stats);
		expect(maxAbsDiff(plain, withStats)).toBe(0);
		const tileStats = await readTileStats(model.imageStats(x));
		expect(Object.keys(tileStats)).toHaveLength(32);
		const viaInterface = model.stylize(x, NO_PARAMS, tileStats);
		expect(maxAbsDiff(plain, viaInterface)).toBe(0);
		tf.dispose([plain, withStats, viaInterface, stats]);
		expect(tf.memory().numTensors).toBe(start);

		// Statistics of another image change the painting; malformed statistics are refused.
		const other = tf.tidy(() => tf.image.resizeBilinear(toTensor(tf, content), [48, 72], true).reverse(1));
		const otherStats = model.normStats(other);
		const [a, b] = [model.stylize(x, NO_PARAMS), model.stylizeWithStats(x, otherStats)];
		// Measured 101 (the mirrored cat's statistics).
		expect(tf.tidy(() => a.sub(b).abs().mean().dataSync()[0]!)).toBeGreaterThan(20);
		expect(() => model.stylizeWithStats(x, otherStats.slice(1))).toThrow(/statistics for 16 layers, got 15/);
		expect(() => model.stylizeWithStats(x, [otherStats[1]!, ...otherStats.slice(1)])).toThrow(
			/layer 0 statistics must have 32 channels/
		);
		tf.dispose([a, b, other, otherStats]);
		expect(tf.memory().numTensors).toBe(start);
		x.dispose();
		model.dispose();
	});

	it('a tile painted with the whole picture’s statistics matches the whole painting better', async () => {
		const model = await loaded();
		const whole = tf.tidy(() => tf.image.resizeBilinear(toTensor(tf, content), [96, 144], true));
		const tile = tf.tidy(() => whole.slice([0, 0, 0], [96, 64, 3]));
		const stats = model.normStats(whole);
		const measure = tf.tidy(() => {
			// Compare away from the tile's cut edge, where padding differs anyway.
			const inner = (t: Tensor3D) => t.slice([8, 8, 0], [80, 40, 3]);
			const reference = inner(model.stylize(whole, NO_PARAMS));
			const own = inner(model.stylize(tile, NO_PARAMS));
			const shared = inner(model.stylizeWithStats(tile, stats));
			return [
				own.sub(reference).abs().mean().dataSync()[0]!,
				shared.sub(reference).abs().mean().dataSync()[0]!
			];
		});
		const [ownDiff, sharedDiff] = measure;
		// Measured: 25.3 with the tile's own statistics, 3.7 with the whole picture's.
		expect(sharedDiff).toBeLessThan(ownDiff!);
		tf.dispose([whole, tile, stats]);
		model.dispose();
	});

	it('refuses broken cards with a clear EngineError and leaves no tensors behind', async () => {
		const card = findModel(catalog, MODEL_ID);
		const role = (r: string) => card.files.find((f) => f.role === r)!;
		const cases: [string, AssetFile[], RegExp][] = [
			[
				'manifest.json is a weight file',
				card.files.map((f) =>
					f.role === 'manifest.json' ? { ...role('Variable_46'), role: 'manifest.json' } : f
				),
				/manifest\.json is not a JSON object/
			],
			[
				'a variable file missing from the card',
				card.files.filter((f) => f.role !== 'Variable_47'),
				/the catalog card has no file "Variable_47"/
			],
			[
				'two kernels swapped',
				card.files.map((f) =>
					f.role === 'Variable_42'
						? { ...role('Variable_45'), role: 'Variable_42' }
						: f.role === 'Variable_45'
							? { ...role('Variable_42'), role: 'Variable_45' }
							: f
				),
				/Variable_42 \(file "Variable_42"\) holds 31104 bytes; a \[3,3,32,64\] float32 tensor needs 73728/
			]
		];
		for (const [what, files, message] of cases) {
			const before = tf.memory().numTensors;
			const model = createModel({ ...card, files }, tf);
			const load = model.load(reader);
			await expect(load, what).rejects.toThrow(EngineError);
			await expect(load, what).rejects.toThrow(message);
			expect(tf.memory().numTensors, what).toBe(before);
		}
	});

	it('paints in the wave’s palette (blues, where the cat photo is brown)', async () => {
		const model = await loaded();
		const painted = tf.tidy(() => model.stylize(toTensor(tf, content), NO_PARAMS));
		const pixels = await toPixels(painted);
		painted.dispose();
		model.dispose();
		let blue = 0;
		for (let i = 0; i < pixels.data.length; i += 4) {
			if (pixels.data[i + 2]! > pixels.data[i]! + 20) blue++;
		}
		// Measured: 27% of pixels are clearly bluer than red after the wave; the cat photo has none.
		expect(blue / (pixels.width * pixels.height)).toBeGreaterThan(0.1);
	});
});
