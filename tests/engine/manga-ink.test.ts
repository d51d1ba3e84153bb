// manga-ink through the engine on the wasm backend: a grayscale manga panel of the requested size, ink
// along strong edges and none on flat paper, fewer tones for fewer levels, denser screentone for a higher
// toneDensity, heavier lines for a higher lineWeight; deterministic, leak-free, and strict about options.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AssetFile, type Catalog, findModel, takesStyleImage } from '../../src/lib/assets/catalog';
import { type StyleEngine, toTensor } from '../../src/lib/engine/engine';
import { MANGA_OPTIONS, MangaInkModel } from '../../src/lib/engine/manga-ink/model';
import { createModel } from '../../src/lib/engine/model';
import { EngineError, type Pixels, type StylizeSettings } from '../../src/lib/engine/types';
import { luma } from '../../src/lib/kernels/color';
import { loadProjectCatalog } from '../../src/lib/node/catalog-fs';
import { createNodeEngine, useWasmBackend } from '../../src/lib/node/node-engine';
import { smallPhoto } from '../helpers/pixels';
import { expectMatchesReference, referenceContent } from '../helpers/reference';
import { jobSettings } from '../helpers/engine';

type TF = Awaited<ReturnType<typeof useWasmBackend>>;

const MODEL_ID = 'manga-ink';
/** Dark enough to count as ink (or a screentone dot's core). */
const DARK = 96;

let tf: TF;
let catalog: Catalog;
let engine: StyleEngine;
let photo: Pixels;

/** Settings that paint at the image's own size (sides are multiples of 4), so nothing is resampled. */
function settings(image: Pixels, options?: Record<string, number>): StylizeSettings {
	return jobSettings(MODEL_ID, image, { options });
}

function paint(image: Pixels, options?: Record<string, number>): Promise<Pixels> {
	return engine.stylize({ content: image, styles: [], settings: settings(image, options) });
}

/** A gray image with `shade(x, y)` (0..255) in every channel. */
function synthetic(width: number, height: number, shade: (x: number, y: number) => number): Pixels {
	const data = new Uint8ClampedArray(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			data.fill(shade(x, y), i, i + 3);
			data[i + 3] = 255;
		}
	}
	return { width, height, data };
}

/** A square of `inside` on `outside`, from `lo` to `hi` (exclusive) on both axes. */
function square(side: number, lo: number, hi: number, inside: number, outside: number): Pixels {
	return synthetic(side, side, (x, y) => (x >= lo && x < hi && y >= lo && y < hi ? inside : outside));
}

const value = (image: Pixels, x: number, y: number) => image.data[(y * image.width + x) * 4]!;

function darkCount(image: Pixels): number {
	let n = 0;
	for (let i = 0; i < image.data.length; i += 4) if (image.data[i]! < DARK) n++;
	return n;
}

function mean(image: Pixels, x0 = 0, y0 = 0, x1 = image.width, y1 = image.height): number {
	let total = 0;
	for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) total += value(image, x, y);
	return total / ((x1 - x0) * (y1 - y0));
}

/** Sobel gradient magnitude of the luminance, 0 on the one-pixel border. */
function gradient(image: Pixels): Float32Array {
	const { width, height } = image;
	const l = (x: number, y: number) => {
		const i = (y * width + x) * 4;
		return luma(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!);
	};
	const out = new Float32Array(width * height);
	for (let y = 1; y < height - 1; y++) {
		for (let x = 1; x < width - 1; x++) {
			const gx =
				l(x + 1, y - 1) +
				2 * l(x + 1, y) +
				l(x + 1, y + 1) -
				l(x - 1, y - 1) -
				2 * l(x - 1, y) -
				l(x - 1, y + 1);
			const gy =
				l(x - 1, y + 1) +
				2 * l(x, y + 1) +
				l(x + 1, y + 1) -
				l(x - 1, y - 1) -
				2 * l(x, y - 1) -
				l(x + 1, y - 1);
			out[y * width + x] = Math.hypot(gx, gy);
		}
	}
	return out;
}

beforeAll(async () => {
	tf = await useWasmBackend();
	catalog = await loadProjectCatalog();
	engine = await createNodeEngine(catalog);
	photo = await smallPhoto('astronaut', 160);
});

afterAll(() => {
	engine?.dispose();
});

describe('manga-ink through the engine', () => {
	it('matches its reference image (chelsea at 96 px)', async () => {
		const input = await referenceContent();
		const out = await engine.stylize({
			content: input,
			styles: [],
			settings: { ...settings(input), workingSide: 96 }
		});
		await expectMatchesReference('manga-ink', out);
	});

	it('paints an opaque grayscale picture (R = G = B) at the requested size', async () => {
		const out = await paint(photo);
		expect([out.width, out.height]).toEqual([photo.width, photo.height]);
		const odd = await engine.stylize({
			content: photo,
			styles: [],
			settings: { ...settings(photo), output: { width: 77, height: 50 } }
		});
		expect([odd.width, odd.height]).toEqual([77, 50]);
		for (const image of [out, odd]) {
			for (let i = 0; i < image.data.length; i += 4) {
				const [r, g, b, a] = [image.data[i], image.data[i + 1], image.data[i + 2], image.data[i + 3]];
				if (r !== g || g !== b || a !== 255) expect.fail(`pixel ${i / 4}: ${r}, ${g}, ${b}, ${a}`);
			}
		}
		// Black ink and white paper both occur.
		expect(Math.min(...out.data)).toBe(0);
		expect(Math.max(...out.data)).toBe(255);
	});

	it('inks the outline of a light square on white and leaves the flat areas as paper', async () => {
		// A light gray square prints as paper (no tone) at the default levels, so any ink is a line.
		const [side, lo, hi] = [96, 32, 64];
		const out = await paint(square(side, lo, hi, 190, 255));
		const nearEdge = (t: number) => Math.abs(t - lo) <= 3 || Math.abs(t - hi) <= 3;
		let crossings = 0;
		for (let t = lo + 4; t < hi - 4; t++) {
			// Every row and column through the square crosses a dark line at both of its edges.
			for (const edge of [lo, hi]) {
				const dark = (pick: (d: number) => number) => [-3, -2, -1, 0, 1, 2].some((d) => pick(d) < DARK);
				if (dark((d) => value(out, edge + d, t))) crossings++;
				if (dark((d) => value(out, t, edge + d))) crossings++;
			}
		}
		expect(crossings).toBe(4 * (hi - 4 - (lo + 4)));
		for (let y = 0; y < side; y++) {
			for (let x = 0; x < side; x++) {
				const onOutline =
					(nearEdge(x) && y >= lo - 3 && y <= hi + 3) || (nearEdge(y) && x >= lo - 3 && x <= hi + 3);
				if (!onOutline && value(out, x, y) !== 255) expect.fail(`ink at (${x}, ${y}): ${value(out, x, y)}`);
			}
		}
	});

	it('keeps a black square black and the white around it clean', async () => {
		const [side, lo, hi] = [96, 32, 64];
		const out = await paint(square(side, lo, hi, 0, 255));
		for (let y = 0; y < side; y++) {
			for (let x = 0; x < side; x++) {
				const inside = x >= lo && x < hi && y >= lo && y < hi;
				const distance = Math.max(
					Math.min(Math.abs(x - lo), Math.abs(x - hi)),
					Math.min(Math.abs(y - lo), Math.abs(y - hi))
				);
				const far = inside
					? Math.min(x - lo, hi - 1 - x, y - lo, hi - 1 - y) >= 3
					: x < lo - 3 || x > hi + 2 || y < lo - 3 || y > hi + 2;
				if (far && value(out, x, y) !== (inside ? 0 : 255)) {
					expect.fail(
						`(${x}, ${y}) ${inside ? 'inside' : 'outside'}, ${distance} px from the edge: ${value(out, x, y)}`
					);
				}
			}
		}
	});

	it("inks a photo's strong edges and leaves its flat light areas as paper", async () => {
		const out = await paint(photo, { levels: 3 });
		const g = gradient(photo);
		const sorted = [...g].sort((a, b) => b - a);
		const strong = sorted[Math.floor(sorted.length * 0.05)]!;
		let [edgeDark, edges, flatDark, flats] = [0, 0, 0, 0];
		for (let y = 3; y < photo.height - 3; y++) {
			for (let x = 3; x < photo.width - 3; x++) {
				// The darkest output pixel within one pixel: the XDoG line lies on the dark side of an edge.
				let darkest = 255;
				for (let dy = -1; dy <= 1; dy++)
					for (let dx = -1; dx <= 1; dx++) darkest = Math.min(darkest, value(out, x + dx, y + dy));
				if (g[y * photo.width + x]! >= strong) {
					edges++;
					if (darkest < DARK) edgeDark++;
				}
				// Flat and light: no gradient anywhere within 3 px, and bright enough to print as paper at
				// 3 levels (toneCurve at least 2/3: luminance above 0.48, 123 of 255).
				let flat = true;
				for (let dy = -3; dy <= 3 && flat; dy++)
					for (let dx = -3; dx <= 3; dx++) if (g[(y + dy) * photo.width + x + dx]! > 24) flat = false;
				const i = (y * photo.width + x) * 4;
				if (flat && luma(photo.data[i]!, photo.data[i + 1]!, photo.data[i + 2]!) > 130) {
					flats++;
					if (value(out, x, y) < 255) flatDark++;
				}
			}
		}
		// Measured: 98.5 % of 1212 edge pixels dark, none of 507 flat light pixels inked.
		expect(flats).toBeGreaterThan(200);
		expect(edgeDark / edges).toBeGreaterThan(0.8);
		expect(flatDark / flats).toBeLessThan(0.02);
	});

	it('prints fewer distinct tones for levels 2 than for levels 5', async () => {
		// A 4 x 4 grid of flat patches from black to white; each patch interior is one tone (its mean,
		// over whole screentone dots), and the edges between patches are trimmed away.
		const [cell, cells, trim] = [48, 4, 10];
		const chart = synthetic(cell * cells, cell * cells, (x, y) => {
			const index = Math.floor(y / cell) * cells + Math.floor(x / cell);
			return Math.round((255 * index) / (cells * cells - 1));
		});
		const tones = async (levels: number) => {
			const out = await paint(chart, { levels });
			const means: number[] = [];
			for (let row = 0; row < cells; row++) {
				for (let col = 0; col < cells; col++) {
					const [x0, y0] = [col * cell + trim, row * cell + trim];
					means.push(mean(out, x0, y0, x0 + cell - 2 * trim, y0 + cell - 2 * trim));
				}
			}
			// Distinct tones: clusters of patch means more than 20 apart.
			means.sort((a, b) => a - b);
			return 1 + means.slice(1).filter((m, i) => m - means[i]! > 20).length;
		};
		// Measured patch means: levels 2 gives 0 (x6) and 255 (x10); levels 5 gives 0, 114, 165, 211, 255.
		const two = await tones(2);
		const five = await tones(5);
		expect(two).toBe(2);
		expect(five).toBe(5);
		expect(two).toBeLessThan(five);
	});

	it('a higher toneDensity covers more of a mid-tone area', async () => {
		// Luminance 0.3 is a mid tone at the default levels; a flat image has no lines, only screentone.
		const gray = synthetic(96, 96, () => Math.round(0.3 * 255));
		const coverage: number[] = [];
		for (const toneDensity of [0.25, 0.6, 1, 2, 3]) {
			coverage.push(1 - mean(await paint(gray, { toneDensity })) / 255);
		}
		// Measured: 0.25, 0.49, 0.65, 0.88, 0.95.
		for (let i = 1; i < coverage.length; i++) expect(coverage[i]!).toBeGreaterThan(coverage[i - 1]! + 0.03);
		expect(coverage[0]!).toBeGreaterThan(0.02);
		expect(coverage.at(-1)!).toBeLessThan(0.98);
	});

	it('a higher lineWeight inks more pixels', async () => {
		const counts: number[] = [];
		for (const lineWeight of [0.25, 0.5, 1, 2, 3]) counts.push(darkCount(await paint(photo, { lineWeight })));
		// Measured on the 160 px astronaut: 9322, 10041, 10638, 15640, 18931 dark pixels.
		for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThan(counts[i - 1]!);
	});

	it('gives byte-identical output for the same input and options', async () => {
		const options = { lineWeight: 1.7, toneDensity: 1.3, levels: 5 };
		const first = await paint(photo, options);
		const second = await paint(photo, options);
		expect(Buffer.from(second.data).equals(Buffer.from(first.data))).toBe(true);
	});

	it('leaves no tensors behind after 10 runs', async () => {
		await engine.model(MODEL_ID);
		const before = tf.memory().numTensors;
		const small = synthetic(40, 32, (x, y) => (x * 7 + y * 3) % 256);
		for (let run = 0; run < 10; run++) {
			await paint(small, {
				levels: 2 + (run % 5),
				lineWeight: 0.5 + run * 0.25,
				toneDensity: 0.5 + run * 0.2
			});
		}
		expect(tf.memory().numTensors).toBe(before);
	});

	it('rejects options out of range or unknown with an EngineError naming the option and its range', async () => {
		const cases: [Record<string, number>, RegExp][] = [
			[{ lineWeight: 10 }, /manga-ink: lineWeight must be a number from 0\.25 to 3, got 10/],
			[{ toneDensity: 0 }, /toneDensity must be a number from 0\.25 to 3, got 0/],
			[{ levels: 2.5 }, /levels must be a whole number from 2 to 6, got 2\.5/],
			[{ levels: 7 }, /levels must be a whole number from 2 to 6, got 7/],
			[{ levels: Number.NaN }, /levels must be a whole number from 2 to 6, got NaN/],
			[{ screentone: 1 }, /unknown option "screentone" \(the options are lineWeight, toneDensity, levels\)/]
		];
		const before = tf.memory().numTensors;
		for (const [options, message] of cases) {
			const what = JSON.stringify(options);
			await expect(paint(photo, options), what).rejects.toThrow(EngineError);
			await expect(paint(photo, options), what).rejects.toThrow(message);
		}
		expect(tf.memory().numTensors).toBe(before);
		// The engine still paints afterwards.
		expect(darkCount(await paint(photo))).toBeGreaterThan(0);
	});
});

describe('manga-ink model and card', () => {
	it('is a procedural card: no files, MIT, commercial use allowed, no training data', () => {
		const card = findModel(catalog, MODEL_ID);
		expect(card.family).toBe('manga-ink');
		expect(card.files).toEqual([]);
		expect(card.license).toMatchObject({ name: 'MIT', commercialUse: 'allowed' });
		expect(card.authors).toEqual(['Rakkan contributors']);
		expect(card.trainingData.rightsStatus).toBe('no training data');
		expect(card.citation).toMatch(/XDoG/);
		expect(takesStyleImage(card)).toBe(false);
		for (const name of Object.keys(MANGA_OPTIONS)) expect(card.io.inputs.join('\n')).toContain(name);
	});

	it('loads without reading anything, paints at the working size, and frees its filters on dispose', async () => {
		const before = tf.memory().numTensors;
		const model = createModel(findModel(catalog, MODEL_ID), tf);
		expect(model).toBeInstanceOf(MangaInkModel);
		expect(model.appliesStrength).toBe(false);
		await model.load((file: AssetFile) => Promise.reject(new Error(`read ${file.role}`)));
		await model.warmUp();
		const held = tf.memory().numTensors;
		expect(held - before).toBe(3);

		const content = tf.tidy(() => tf.image.resizeBilinear(toTensor(tf, photo), [64, 96], true));
		const out = model.stylize(content, { styles: [], strength: 1, options: {} });
		expect(out.shape).toEqual([64, 96, 3]);
		const values = await out.data();
		expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...values)).toBeLessThanOrEqual(255);
		tf.dispose([out, content]);
		expect(tf.memory().numTensors).toBe(held);

		// Tiny images (under the blur radius) work: the borders are replicated, not mirrored.
		const tiny = tf.zeros([1, 3, 3]) as import('@tensorflow/tfjs').Tensor3D;
		tf.dispose([tiny, model.stylize(tiny, { styles: [], strength: 1, options: {} })]);

		model.dispose();
		expect(tf.memory().numTensors).toBe(before);
	});

	it('a flat image of any tone has no ink lines', () => {
		const model = new MangaInkModel(findModel(catalog, MODEL_ID), tf);
		for (const shade of [0, 60, 128, 200, 255]) {
			const maxLine = tf.tidy(() => {
				const flat = tf.fill([48, 48, 3], shade) as import('@tensorflow/tfjs').Tensor3D;
				return model
					.layers(flat, model.options({ lineWeight: 3 }))
					.lines.max()
					.dataSync()[0]!;
			});
			expect(maxLine, `shade ${shade}`).toBeLessThan(1e-4);
		}
		model.dispose();
	});

	it('refuses a card of another family or one that lists files', async () => {
		const card = findModel(catalog, MODEL_ID);
		const read = () => Promise.reject(new Error('no reads'));
		await expect(new MangaInkModel({ ...card, family: 'fast-style' }, tf).load(read)).rejects.toThrow(
			/not a manga-ink card/
		);
		const withFile = {
			...card,
			files: [
				{
					url: `https://raw.githubusercontent.com/o/r/${'a'.repeat(40)}/w.bin`,
					sha256: 'b'.repeat(64),
					bytes: 1,
					role: 'weights'
				}
			]
		};
		await expect(new MangaInkModel(withFile, tf).load(read)).rejects.toThrow(EngineError);
	});
});
