// The GPU paths, proven in headless Chromium on SwiftShader (a software GPU: correct, not fast): every
// model family paints on webgpu and on webgl what it paints on wasm, within a tolerance stated per family,
// without leaking tensors; the studio's compute selector really switches backends, and choosing one
// right away on a fresh page and stylizing works (it failed with "Cannot read properties of undefined
// (reading 'get')" when the automatic start and the user's choice overlapped in the engine worker).
import { chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../../src/lib/engine/types';
import { photoPath } from '../helpers/assets';
import { type EngineRun, engineBundle, openEnginePage, type PagePixels, paintOnBackend } from './engine-page';
import { CHROMIUM, CHROMIUM_ARGS, type Studio, StudioPage, startStudio } from './harness';

/** SwiftShader runs GPU kernels on the CPU, about 40x slower than wasm: small pictures only. */
const SIDE = 64;

/**
 * How close each family must come to wasm, in 0..255 RGB after the engine's rounding: a minimum PSNR
 * against wasm, and the share of RGB values more than 8 levels apart. SwiftShader computes in IEEE
 * float32 like wasm, but in another order (fused kernels, other reductions), so values differ in the last
 * bits and, after rounding to whole levels, a few move by one level. Measured here (64x64): 89 dB or
 * identical for the float families, 78.6 dB for the int8 file (mean difference 0.001 level), identical
 * for manga-ink. The bounds leave room for other drivers' rounding while a wrong kernel (a swapped
 * channel, a shifted padding, a missed norm) lands tens of levels off on most pixels. Thresholding
 * models get a looser PSNR: one pixel at a threshold flipping from paper to ink costs 36 dB alone.
 */
const TOLERANCE: Record<string, { family: string; minPsnr: number; maxFarShare: number; why: string }> = {
	'arbitrary-wyf': {
		family: 'arbitrary-wyf',
		minPsnr: 55,
		maxFarShare: 0,
		why: 'float32 graph models with conditional instance norms'
	},
	'fast-udnie': {
		family: 'fast-style',
		minPsnr: 55,
		maxFarShare: 0,
		why: 'float32 raw convolutions with instance norm on every layer'
	},
	'cartoon-whitebox': {
		family: 'whitebox-cartoon',
		minPsnr: 55,
		maxFarShare: 0,
		why: 'float32 graph model, then a guided filter that divides by local variances'
	},
	'magenta-arbitrary': {
		family: 'magenta-tflite',
		minPsnr: 55,
		maxFarShare: 0,
		why: 'TF Lite float files rebuilt as tfjs ops'
	},
	'anime-hayao': {
		family: 'animegan-tflite',
		minPsnr: 50,
		maxFarShare: 0,
		why: 'the int8 TF Lite file: int8 weights dequantized and run in float, layer norms amplify last bits'
	},
	'manga-ink': {
		family: 'manga-ink',
		minPsnr: 30,
		maxFarShare: 0.001,
		why: 'thresholds (XDoG ink, screentone dots): a few pixels at a threshold may flip'
	}
};

let studio: Studio;
let engine: Page;
let content: PagePixels;
let style: PagePixels;
const wasm = new Map<string, EngineRun>();

async function rgbaOf(file: string): Promise<PagePixels> {
	const { data, info } = await sharp(file)
		.resize(SIDE, SIDE, { fit: 'cover' })
		.ensureAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	return { width: info.width, height: info.height, data: Array.from(data) };
}

/** PSNR over RGB, and the share of RGB values more than 8 levels apart. */
function compare(a: PagePixels, b: PagePixels): { psnr: number; farShare: number; meanAbs: number } {
	let squared = 0;
	let absolute = 0;
	let far = 0;
	let count = 0;
	for (let i = 0; i < a.data.length; i += 4) {
		for (let c = 0; c < 3; c++) {
			const d = a.data[i + c]! - b.data[i + c]!;
			squared += d * d;
			absolute += Math.abs(d);
			if (Math.abs(d) > 8) far++;
			count++;
		}
	}
	const mse = squared / count;
	return {
		psnr: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse),
		farShare: far / count,
		meanAbs: absolute / count
	};
}

function run(backend: BackendName, modelId: string): Promise<EngineRun> {
	const takesStyle = modelId === 'arbitrary-wyf' || modelId === 'magenta-arbitrary';
	// Two jobs: the second shows whether a job leaves tensors behind once every kernel has compiled.
	return paintOnBackend(engine, {
		backend,
		modelId,
		content,
		style: takesStyle ? style : null,
		styleSide: SIDE,
		jobs: 2
	});
}

function expectNoLeaks(result: EngineRun): void {
	const { fresh, loaded, afterJobs, disposed } = result.tensors;
	expect(loaded).toBeGreaterThan(fresh); // the weights
	expect(afterJobs).toEqual(afterJobs.map(() => loaded));
	expect(disposed).toBe(fresh);
}

beforeAll(async () => {
	const [bundle, started] = await Promise.all([engineBundle(), startStudio()]);
	studio = started;
	engine = await openEnginePage(studio, bundle);
	content = await rgbaOf(await photoPath('coffee'));
	style = await rgbaOf(await photoPath('astronaut'));
});

afterAll(async () => {
	await studio?.stop();
});

describe('every model family on webgpu and webgl matches wasm (SwiftShader)', () => {
	for (const [modelId, tolerance] of Object.entries(TOLERANCE)) {
		it(`${tolerance.family} (${modelId}): ${tolerance.why}`, async () => {
			const reference = await run('wasm', modelId);
			expect(reference.backend).toBe('wasm');
			expectNoLeaks(reference);
			wasm.set(modelId, reference);
			for (const backend of ['webgl', 'webgpu'] as const) {
				const result = await run(backend, modelId);
				expect(result.backend).toBe(backend);
				expectNoLeaks(result);
				const diff = compare(result.result, reference.result);
				console.info(
					`${modelId} ${backend} vs wasm: ${diff.psnr.toFixed(1)} dB, mean ${diff.meanAbs.toFixed(3)}, ` +
						`${(diff.farShare * 100).toFixed(2)}% over 8 levels`
				);
				expect(diff.psnr).toBeGreaterThanOrEqual(tolerance.minPsnr);
				expect(diff.farShare).toBeLessThanOrEqual(tolerance.maxFarShare);
				// Painted, not passed through: the parity above is between paintings.
				expect(compare(result.result, content).meanAbs).toBeGreaterThan(5);
			}
		});
	}
});

/** The small coffee photo as a PNG file, as a user would drop it. */
async function smallPhoto(): Promise<Buffer> {
	const photo = await rgbaOf(await photoPath('coffee'));
	return sharp(Buffer.from(photo.data), { raw: { width: SIDE, height: SIDE, channels: 4 } })
		.png()
		.toBuffer();
}

describe('the compute selector', () => {
	it('switches the studio to each backend chosen right away on a fresh page, and fast-udnie paints there', async () => {
		const small = await smallPhoto();
		for (const backend of ['webgpu', 'webgl', 'wasm'] as const) {
			const page = await studio.browser.newPage();
			const studioPage = new StudioPage(page);
			await page.goto(`${studio.url}/studio`);
			// As a new user does: choose at once, while the automatic start may still be running.
			await studioPage.byTestId('backend-preference').selectOption(backend);
			await studioPage.byTestId('model').selectOption('fast-udnie');
			await studioPage.setContent({ name: 'small.png', mimeType: 'image/png', buffer: small });
			await page.locator(`[data-testid=backend][data-backend=${backend}]`).waitFor({ timeout: 120_000 });
			await page.locator('[data-testid=stylize]:not([disabled])').waitFor({ timeout: 120_000 });
			await studioPage.byTestId('stylize').click();
			await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
			await expect(studioPage.byTestId('backend').getAttribute('data-backend')).resolves.toBe(backend);
			await expect(page.getByRole('alert').count()).resolves.toBe(0);
			expect(studioPage.errors).toEqual([]);
			await page.close();
		}
	});

	it('says so and falls back to wasm when WebGPU is chosen in a browser without it, and still paints', async () => {
		// Chromium without --enable-unsafe-webgpu has no WebGPU adapter on this machine (Linux), as on many
		// laptops. (WebGL cannot be taken away the same way: with --disable-webgl, --disable-3d-apis or
		// --disable-gpu the page has none, but the engine worker's OffscreenCanvas still starts WebGL.)
		const args = CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu');
		const browser = await chromium.launch({ executablePath: CHROMIUM, args });
		try {
			const page = await browser.newPage();
			const studioPage = new StudioPage(page);
			await page.goto(`${studio.url}/studio`);
			const adapter = await page.evaluate(async () => {
				const { gpu } = navigator as { gpu?: { requestAdapter(): Promise<unknown> } };
				return gpu !== undefined && (await gpu.requestAdapter()) !== null;
			});
			expect(adapter).toBe(false);
			await studioPage.byTestId('model').selectOption('fast-udnie');
			await studioPage.setContent({ name: 'small.png', mimeType: 'image/png', buffer: await smallPhoto() });
			await studioPage.byTestId('backend-preference').selectOption('webgpu');
			const notice = studioPage.byTestId('engine-notice');
			await notice.waitFor({ timeout: 120_000 });
			await expect(notice.textContent()).resolves.toBe(
				'webgpu cannot start in this browser; Rakkan fell back to wasm.'
			);
			await expect(studioPage.byTestId('backend').getAttribute('data-backend')).resolves.toBe('wasm');
			await page.locator('[data-testid=stylize]:not([disabled])').waitFor({ timeout: 120_000 });
			await studioPage.byTestId('stylize').click();
			await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
			await expect(studioPage.byTestId('backend').getAttribute('data-backend')).resolves.toBe('wasm');
			await expect(page.getByRole('alert').count()).resolves.toBe(0);
			expect(studioPage.errors).toEqual([]);
		} finally {
			await browser.close();
		}
	});
});
