// TF Lite import on the real files: the flatbuffer reader (what it finds in each model, and that damaged
// files end in a clear EngineError instead of a crash or a hang), and the two TF Lite model families
// (magenta-arbitrary, anime-hayao) through the engine on the wasm backend: size, a clear change,
// determinism, strength, freed tensors, reference images, and mismatched weights refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	type AssetFile,
	type Catalog,
	fileByRole,
	findModel,
	findStyle,
	takesStyleImage
} from '../../src/lib/assets/catalog';
import { type StyleEngine, toTensor } from '../../src/lib/engine/engine';
import { createModel } from '../../src/lib/engine/model';
import { loadTflite, operatorNames, parseTflite, TfliteFormatError } from '../../src/lib/engine/tflite';
import { EngineError, type Pixels, type StylizeSettings } from '../../src/lib/engine/types';
import { psnr } from '../../src/lib/kernels/tiling';
import { defaultCacheDir, readVerified } from '../../src/lib/node/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import { decodeImage } from '../../src/lib/node/image-io';
import { createNodeEngine, useWasmBackend } from '../../src/lib/node/node-engine';
import { meanAbsDiff, smallPhoto } from '../helpers/pixels';
import { seededRandom } from '../helpers/random';
import { expectMatchesReference, referenceContent } from '../helpers/reference';

type TF = Awaited<ReturnType<typeof useWasmBackend>>;

const SIDE = 128;
const cacheDir = defaultCacheDir(PROJECT_ROOT);
const reader = (file: AssetFile) => readVerified(file, cacheDir);

let tf: TF;
let catalog: Catalog;
let engine: StyleEngine;
let content: Pixels;
let starryNight: Pixels;
let nightWatch: Pixels;
/** The three TF Lite files by role. */
const files: Record<'predict' | 'transfer' | 'anime', Uint8Array> = {
	predict: new Uint8Array(0),
	transfer: new Uint8Array(0),
	anime: new Uint8Array(0)
};

function settings(modelId: string, overrides: Partial<StylizeSettings> = {}): StylizeSettings {
	return {
		modelId,
		strength: 1,
		preserveColors: false,
		workingSide: SIDE,
		styleSide: 256,
		tile: 0,
		output: { width: content.width, height: content.height },
		...overrides
	};
}

const magenta = (overrides: Partial<StylizeSettings> = {}, style = starryNight, photo = content) =>
	engine.stylize({
		content: photo,
		styles: [{ pixels: style, weight: 1 }],
		settings: settings('magenta-arbitrary', overrides)
	});
const anime = (overrides: Partial<StylizeSettings> = {}, photo = content) =>
	engine.stylize({ content: photo, styles: [], settings: settings('anime-hayao', overrides) });

beforeAll(async () => {
	tf = await useWasmBackend();
	catalog = await loadProjectCatalog();
	engine = await createNodeEngine(catalog);
	content = await smallPhoto('chelsea', SIDE);
	const style = async (id: string) => decodeImage(await reader(findStyle(catalog, id)!.files[0]!));
	starryNight = await style('van-gogh-starry-night');
	nightWatch = await style('rembrandt-night-watch');
	const card = findModel(catalog, 'magenta-arbitrary');
	files.predict = await reader(fileByRole(card, 'predict.tflite'));
	files.transfer = await reader(fileByRole(card, 'transfer.tflite'));
	files.anime = await reader(fileByRole(findModel(catalog, 'anime-hayao'), 'generator.tflite'));
});

afterAll(() => {
	engine?.dispose();
});

/** Where a flatbuffer table's field lives (or null), for patching a real file in place. */
function fieldAt(view: DataView, table: number, field: number): number | null {
	const vtable = table - view.getInt32(table, true);
	if (4 + 2 * field >= view.getUint16(vtable, true)) return null;
	const offset = view.getUint16(vtable + 4 + 2 * field, true);
	return offset ? table + offset : null;
}
const follow = (view: DataView, at: number) => at + view.getUint32(at, true);

/** Byte ranges of the file that are tensor data (not structure): damaging those only changes weights. */
function dataRanges(bytes: Uint8Array): [number, number][] {
	return parseTflite(bytes)
		.buffers.filter((b) => b.byteLength > 0)
		.map((b) => [b.byteOffset - bytes.byteOffset, b.byteOffset - bytes.byteOffset + b.byteLength]);
}

/** Parses, rebuilds and (if that works) runs a possibly damaged file on a tiny input; returns what
 * happened. Anything but success or an EngineError fails the test. */
function tryFile(bytes: Uint8Array): 'ok' | 'refused' {
	const before = tf.memory().numTensors;
	try {
		const graph = loadTflite(tf, bytes, { emulateQuantization: true });
		try {
			tf.tidy(() => {
				const inputs = graph.inputs.map((input) =>
					tf.zeros(input.shape.map((d, i) => (i === 1 || i === 2 ? Math.min(d, 16) : Math.max(d, 1))))
				);
				for (const out of graph.run(inputs)) out.dataSync();
			});
		} finally {
			graph.dispose();
		}
		return 'ok';
	} catch (error) {
		if (!(error instanceof EngineError)) throw error;
		return 'refused';
	} finally {
		expect(tf.memory().numTensors).toBe(before);
	}
}

describe('the TF Lite reader on the real files', () => {
	it('finds the operators, tensors, inputs and outputs of each model', () => {
		const predict = parseTflite(files.predict);
		expect(predict.subgraphs).toHaveLength(1);
		expect(predict.subgraphs[0]!.tensors).toHaveLength(174);
		expect(predict.subgraphs[0]!.operators).toHaveLength(66);
		expect(predict.buffers).toHaveLength(174);
		expect(operatorNames(predict)).toEqual([
			'QUANTIZE',
			'CONV_2D',
			'DEPTHWISE_CONV_2D',
			'ADD',
			'MEAN',
			'DEQUANTIZE'
		]);

		const transfer = parseTflite(files.transfer);
		expect(transfer.subgraphs[0]!.tensors).toHaveLength(420);
		expect(transfer.subgraphs[0]!.operators).toHaveLength(285);
		expect(operatorNames(transfer).sort()).toEqual(
			[
				'ADD',
				'CONV_2D',
				'DEQUANTIZE',
				'LOGISTIC',
				'MEAN',
				'MIRROR_PAD',
				'MUL',
				'RESIZE_NEAREST_NEIGHBOR',
				'RSQRT',
				'SQUARED_DIFFERENCE',
				'SUB'
			].sort()
		);

		const animegan = parseTflite(files.anime);
		expect(animegan.subgraphs[0]!.tensors).toHaveLength(520);
		expect(animegan.subgraphs[0]!.operators).toHaveLength(429);
		expect(operatorNames(animegan).sort()).toEqual(
			[
				'ADD',
				'CONV_2D',
				'DEPTHWISE_CONV_2D',
				'DEQUANTIZE',
				'LEAKY_RELU',
				'MEAN',
				'MIRROR_PAD',
				'MUL',
				'QUANTIZE',
				'RESIZE_BILINEAR',
				'RSQRT',
				'SQUARED_DIFFERENCE',
				'SUB',
				'TANH'
			].sort()
		);
	});

	it('rebuilds each model with the inputs, outputs and quantization the file declares', () => {
		const predict = loadTflite(tf, files.predict, { emulateQuantization: true });
		expect(predict.inputs).toEqual([{ name: 'style_image', shape: [1, 256, 256, 3], type: 'float32' }]);
		expect(predict.outputs.map((o) => o.shape)).toEqual([[1, 1, 1, 100]]);
		predict.dispose();
		const transfer = loadTflite(tf, files.transfer);
		expect(transfer.inputs.map((i) => [i.name, i.shape])).toEqual([
			['content_image', [1, 384, 384, 3]],
			['mobilenet_conv/Conv/BiasAdd', [1, 1, 1, 100]]
		]);
		transfer.dispose();
		const generator = parseTflite(files.anime).subgraphs[0]!;
		// int8 weights with per-channel scales along the output axis; int8 activations with one scale.
		const filter = generator.tensors.find((t) => t.name === 'generator/G_MODEL/A/Conv/Conv2D')!;
		expect(filter.type).toBe('int8');
		expect(filter.quantization?.scale).toHaveLength(32);
		expect(filter.quantization?.axis).toBe(0);
		const first = generator.tensors[generator.operators[0]!.outputs[0]!]!;
		expect(first.type).toBe('int8');
		expect(first.quantization?.scale).toHaveLength(1);
	});

	it('refuses the file truncated at 300 lengths with an EngineError, never a crash or a hang', () => {
		const started = performance.now();
		const lengths = new Set<number>();
		for (let n = 0; n < 64; n++) lengths.add(n);
		const random = seededRandom(3);
		while (lengths.size < 300) lengths.add(Math.floor(random() * files.transfer.length));
		for (const length of lengths) {
			const cut = files.transfer.slice(0, length);
			expect(() => parseTflite(cut), `truncated at ${length}`).toThrow(TfliteFormatError);
		}
		expect(() => parseTflite(new Uint8Array(0))).toThrow(/0 bytes is too short/);
		expect(() => parseTflite(files.transfer.slice(0, files.transfer.length - 1))).toThrow(
			/points outside the file/
		);
		// Measured about 0.05 s; a reader that loops on bad offsets would take far longer.
		expect(performance.now() - started).toBeLessThan(10_000);
	});

	it('refuses random bytes, with or without the TF Lite identifier', () => {
		const random = seededRandom(11);
		for (let trial = 0; trial < 200; trial++) {
			const bytes = Uint8Array.from({ length: 8 + Math.floor(random() * 4000) }, () =>
				Math.floor(random() * 256)
			);
			if (trial % 2 === 0) bytes.set([0x54, 0x46, 0x4c, 0x33], 4); // "TFL3"
			if (trial % 4 === 0) new DataView(bytes.buffer).setUint32(0, 8 + Math.floor(random() * 64), true);
			expect(() => parseTflite(bytes), `trial ${trial}`).toThrow(TfliteFormatError);
		}
		expect(() => parseTflite(new TextEncoder().encode('these are notes, not a model'))).toThrow(
			/identifier is not "TFL3"/
		);
	});

	it('survives damaged offsets, lengths and indices in the file structure: refused or run, never a crash', () => {
		const started = performance.now();
		const random = seededRandom(5);
		const data = dataRanges(files.transfer);
		const inData = (at: number) => data.some(([from, to]) => at + 4 > from && at < to);
		const outcomes = { ok: 0, refused: 0 };
		let trials = 0;
		while (trials < 150) {
			const at = Math.floor(random() * (files.transfer.length - 4)) & ~3;
			if (inData(at)) continue;
			trials++;
			const bytes = files.transfer.slice();
			const view = new DataView(bytes.buffer);
			const old = view.getUint32(at, true);
			const kinds = [
				() => old ^ (1 << Math.floor(random() * 32)),
				() => 0xffffffff,
				() => old + 4 * (1 + Math.floor(random() * 8)),
				() => Math.floor(random() * 2 ** 32),
				() => 0
			];
			view.setUint32(at, kinds[trials % kinds.length]!() >>> 0, true);
			outcomes[tryFile(bytes)]++;
		}
		expect(outcomes.refused).toBeGreaterThan(20);
		expect(performance.now() - started).toBeLessThan(45_000);
	});

	it('names an operator it does not support, and refuses options, shapes and buffers that do not fit', () => {
		const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		const root = (v: DataView) => v.getUint32(0, true);

		// Every operator code of the transfer network made LSTM (builtin 16).
		const lstm = files.transfer.slice();
		const v = view(lstm);
		const codes = follow(v, fieldAt(v, root(v), 1)!);
		for (let i = 0; i < v.getUint32(codes, true); i++) {
			const table = follow(v, codes + 4 + 4 * i);
			const deprecated = fieldAt(v, table, 0);
			const builtin = fieldAt(v, table, 3);
			if (deprecated !== null) v.setInt8(deprecated, 16);
			if (builtin !== null) v.setInt32(builtin, 16, true);
		}
		expect(() => loadTflite(tf, lstm)).toThrow(EngineError);
		expect(() => loadTflite(tf, lstm)).toThrow(/LSTM \(operator 0\) is not supported/);

		// A filter whose buffer is one element short of its shape.
		const model = parseTflite(files.transfer);
		const filter = model.subgraphs[0]!.tensors.find((t) => t.name === 'transformer/contract/conv1/weights')!;
		const shortened = files.transfer.slice();
		const sv = view(shortened);
		const buffer = model.buffers[filter.buffer]!;
		const lengthAt = buffer.byteOffset - files.transfer.byteOffset - 4;
		sv.setUint32(lengthAt, sv.getUint32(lengthAt, true) - 2, true);
		expect(() => loadTflite(tf, shortened)).toThrow(
			/its buffer holds 3886 bytes, its shape \[8,9,9,3\] of float16 needs 3888/
		);

		// The schema version must be 3.
		const old = files.transfer.slice();
		const ov = view(old);
		ov.setUint32(fieldAt(ov, root(ov), 0)!, 2, true);
		expect(() => parseTflite(old)).toThrow(/schema version 2 is not supported/);
	});

	it('refuses inputs of the wrong rank or channels, and runs on other spatial sizes', () => {
		const transfer = loadTflite(tf, files.transfer);
		const before = tf.memory().numTensors;
		tf.tidy(() => {
			const bottleneck = tf.zeros([1, 1, 1, 100]);
			expect(() => transfer.run([tf.zeros([1, 64, 64, 4]), bottleneck])).toThrow(
				/must have shape \[1,384,384,3\]/
			);
			expect(() => transfer.run([tf.zeros([64, 64, 3]), bottleneck])).toThrow(EngineError);
			expect(() => transfer.run([tf.zeros([1, 64, 64, 3])])).toThrow(/takes 2 inputs, got 1/);
			const [out] = transfer.run([tf.zeros([1, 48, 64, 3]), bottleneck]);
			expect(out!.shape).toEqual([1, 48, 64, 3]);
		});
		expect(tf.memory().numTensors).toBe(before);
		transfer.dispose();
		expect(() => transfer.run([])).toThrow(/disposed/);
	});
});

describe('magenta-arbitrary through the engine', () => {
	it('matches its reference image (chelsea at 96 px after The Night Watch)', async () => {
		const input = await referenceContent();
		const out = await magenta(
			{ workingSide: 96, output: { width: input.width, height: input.height } },
			nightWatch,
			input
		);
		await expectMatchesReference('magenta-arbitrary', out);
	});

	it('paints at the requested size, clearly unlike the photo, and the same twice', async () => {
		expect(takesStyleImage(findModel(catalog, 'magenta-arbitrary'))).toBe(true);
		const first = await magenta();
		expect([first.width, first.height]).toEqual([content.width, content.height]);
		// Measured 42.8 for the cat after The Starry Night at 128 px.
		expect(meanAbsDiff(first, content)).toBeGreaterThan(25);
		const second = await magenta();
		expect(Buffer.from(second.data).equals(Buffer.from(first.data))).toBe(true);
		const odd = await magenta({ output: { width: 77, height: 50 } });
		expect([odd.width, odd.height]).toEqual([77, 50]);
	});

	it('follows strength and the style reference, and blends styles between their paintings', async () => {
		const none = await magenta({ strength: 0 });
		const full = await magenta({ strength: 1 });
		// Measured: 19.2 (strength 0) and 42.8 (strength 1) from the photo; 56.4 between the two styles, and
		// the half-and-half blend 33.9 and 23.0 from each.
		expect(meanAbsDiff(none, content)).toBeLessThan(meanAbsDiff(full, content) - 15);
		const watch = await magenta({}, nightWatch);
		expect(meanAbsDiff(watch, full)).toBeGreaterThan(15);
		const blend = await engine.stylize({
			content,
			styles: [
				{ pixels: starryNight, weight: 0.5 },
				{ pixels: nightWatch, weight: 0.5 }
			],
			settings: settings('magenta-arbitrary')
		});
		const apart = meanAbsDiff(watch, full);
		expect(meanAbsDiff(blend, full)).toBeLessThan(apart);
		expect(meanAbsDiff(blend, watch)).toBeLessThan(apart);
	});

	it('leaves no tensors behind after runs, and frees every tensor on dispose', async () => {
		await engine.model('magenta-arbitrary');
		const before = tf.memory().numTensors;
		for (let run = 0; run < 4; run++) await magenta({ strength: run / 3, workingSide: 64 });
		expect(tf.memory().numTensors).toBe(before);

		const start = tf.memory().numTensors;
		const model = createModel(findModel(catalog, 'magenta-arbitrary'), tf);
		await model.load(reader);
		expect(tf.memory().numTensors).toBeGreaterThan(start);
		const loaded = tf.memory().numTensors;
		// Sides that are not multiples of 4 are painted at nearby ones and resized back.
		const photo = tf.tidy(() => tf.image.resizeBilinear(toTensor(tf, content), [50, 70], true));
		const out = model.stylize(photo, { styles: [{ image: photo, weight: 1 }], strength: 0.5, options: {} });
		expect(out.shape).toEqual([50, 70, 3]);
		const values = await out.data();
		expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...values)).toBeLessThanOrEqual(255);
		expect(() => model.stylize(photo, { styles: [], strength: 1, options: {} })).toThrow(
			/needs a style image/
		);
		tf.dispose([out, photo]);
		expect(tf.memory().numTensors).toBe(loaded);
		model.dispose();
		expect(tf.memory().numTensors).toBe(start);
	});
});

describe('anime-hayao through the engine', () => {
	it('matches its reference image (chelsea at 96 px)', async () => {
		const input = await referenceContent();
		const out = await anime({ workingSide: 96, output: { width: input.width, height: input.height } }, input);
		await expectMatchesReference('anime-hayao', out);
	});

	it('paints at the requested size without a style image, clearly changed, the same twice', async () => {
		expect(takesStyleImage(findModel(catalog, 'anime-hayao'))).toBe(false);
		const first = await anime();
		expect([first.width, first.height]).toEqual([content.width, content.height]);
		// Measured 18.2 for the cat at 128 px (9.1 at strength 0.5): an anime look keeps the photo's layout.
		expect(meanAbsDiff(first, content)).toBeGreaterThan(8);
		const second = await anime();
		expect(Buffer.from(second.data).equals(Buffer.from(first.data))).toBe(true);
		// Strength is the engine's blend with the photo.
		const half = await anime({ strength: 0.5 });
		expect(meanAbsDiff(half, content)).toBeLessThan(meanAbsDiff(first, content));
	});

	it('leaves no tensors behind after runs, and frees every tensor on dispose', async () => {
		await engine.model('anime-hayao');
		const before = tf.memory().numTensors;
		for (let run = 0; run < 3; run++) await anime({ workingSide: 48, output: { width: 40, height: 30 } });
		expect(tf.memory().numTensors).toBe(before);
		const start = tf.memory().numTensors;
		const model = createModel(findModel(catalog, 'anime-hayao'), tf);
		await model.load(reader);
		const photo = tf.zeros([30, 45, 3]) as import('@tensorflow/tfjs').Tensor3D;
		const out = model.stylize(photo, { styles: [], strength: 1, options: {} });
		expect(out.shape).toEqual([30, 45, 3]);
		tf.dispose([out, photo]);
		model.dispose();
		expect(tf.memory().numTensors).toBe(start);
	});
});

describe('tiles', () => {
	it("paint like a single pass: tiles share the whole image's normalisation statistics", async () => {
		// Measured at 192 px in 96 px tiles: magenta 35.6 dB, anime 44.3 dB (without shared statistics, with
		// an earlier tile plan: 28.6 and 38.4 dB).
		const photo = await smallPhoto('coffee', 192);
		const output = { width: photo.width, height: photo.height };
		for (const [modelId, floor] of [
			['magenta-arbitrary', 33],
			['anime-hayao', 42]
		] as const) {
			const styles = modelId === 'anime-hayao' ? [] : [{ pixels: starryNight, weight: 1 }];
			const job = (tile: number) => ({
				content: photo,
				styles,
				settings: settings(modelId, { workingSide: 192, tile, output })
			});
			expect(engine.plan(job(96)).tiles.tiles.length, modelId).toBeGreaterThan(1);
			const single = await engine.stylize(job(0));
			const tiled = await engine.stylize(job(96));
			const db = psnr(single.data, tiled.data);
			console.info(`${modelId} tiled vs single pass at 192 px: ${db.toFixed(2)} dB`);
			expect(db, modelId).toBeGreaterThanOrEqual(floor);
		}
	});
});

describe('weights given to the wrong model', () => {
	it('refuses swapped or foreign TF Lite files with a clear EngineError and frees what it made', async () => {
		const magentaCard = findModel(catalog, 'magenta-arbitrary');
		const animeCard = findModel(catalog, 'anime-hayao');
		const role = (card: typeof magentaCard, r: string) => fileByRole(card, r);
		const cases: [string, typeof magentaCard, RegExp][] = [
			[
				'predictor and transfer swapped',
				{
					...magentaCard,
					files: [
						{ ...role(magentaCard, 'transfer.tflite'), role: 'predict.tflite' },
						{ ...role(magentaCard, 'predict.tflite'), role: 'transfer.tflite' }
					]
				},
				/not Magenta's TF Lite style predictor and transfer network/
			],
			[
				'AnimeGAN as the transfer network',
				{
					...magentaCard,
					files: [
						role(magentaCard, 'predict.tflite'),
						{ ...role(animeCard, 'generator.tflite'), role: 'transfer.tflite' }
					]
				},
				/not Magenta's TF Lite style predictor and transfer network/
			],
			[
				'the Magenta transfer network as AnimeGAN',
				{ ...animeCard, files: [{ ...role(magentaCard, 'transfer.tflite'), role: 'generator.tflite' }] },
				/generator.tflite is not an AnimeGAN generator/
			],
			[
				'the Magenta predictor as AnimeGAN',
				{ ...animeCard, files: [{ ...role(magentaCard, 'predict.tflite'), role: 'generator.tflite' }] },
				/generator.tflite is not an AnimeGAN generator/
			],
			[
				'a card without the file',
				{ ...animeCard, files: [{ ...role(animeCard, 'generator.tflite'), role: 'model.json' }] },
				/has no file "generator.tflite"/
			]
		];
		for (const [what, card, message] of cases) {
			const before = tf.memory().numTensors;
			const model = createModel(card, tf);
			const load = model.load(reader);
			await expect(load, what).rejects.toThrow(EngineError);
			await expect(load, what).rejects.toThrow(message);
			expect(tf.memory().numTensors, `${what}: tensors left behind`).toBe(before);
		}
	});
});
