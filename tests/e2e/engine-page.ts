// The style engine in a bare Chromium page on the studio's origin (which serves the verified weights),
// on a chosen tfjs backend: for the GPU parity test and `npm run bench:gpu`. The page runs the same
// StyleEngine the studio's worker runs, bundled on its own (pages/engine-entry.ts).
import type { Page } from 'playwright-core';
import { build } from 'vite';
import type { BackendName } from '../../src/lib/engine/types';
import type { Studio } from './harness';
import type { EngineCore } from './pages/engine-entry';

/** The engine bundle as one script (tfjs and its wasm binaries inlined). */
export async function engineBundle(): Promise<string> {
	const result = await build({
		configFile: false,
		logLevel: 'silent',
		build: {
			write: false,
			minify: true,
			lib: { entry: 'tests/e2e/pages/engine-entry.ts', formats: ['iife'], name: 'rakkanEngineBundle' }
		}
	});
	const outputs = Array.isArray(result) ? result : [result];
	const chunk = outputs.flatMap((o) => ('output' in o ? o.output : []))[0];
	if (!chunk || chunk.type !== 'chunk') throw new Error('the engine bundle was not built');
	return chunk.code;
}

/** A page at the studio's origin (127.0.0.1: a secure context, so navigator.gpu exists) with the engine. */
export async function openEnginePage(studio: Studio, bundle: string): Promise<Page> {
	const page = await studio.browser.newPage();
	const url = `${studio.url}/engine-under-test.html`;
	await page.route(url, (route) =>
		route.fulfill({
			contentType: 'text/html',
			body: `<!doctype html><title>engine</title><script>${bundle.replaceAll('</script', '<\\/script')}</script>`
		})
	);
	await page.goto(url);
	return page;
}

/** What the page's tfjs offers: the backends that start, and the WebGL and WebGPU devices' names. */
export async function availableBackends(page: Page): Promise<{ backends: BackendName[]; devices: string[] }> {
	return page.evaluate(async () => {
		const { tf } = (globalThis as unknown as { rakkanEngine: EngineCore }).rakkanEngine;
		const backends: BackendName[] = [];
		const devices: string[] = [];
		for (const name of ['webgpu', 'webgl', 'wasm'] as const) {
			if (await tf.setBackend(name).catch(() => false)) backends.push(name);
		}
		const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
		const debug = gl?.getExtension('WEBGL_debug_renderer_info');
		if (gl && debug) devices.push(`webgl: ${String(gl.getParameter(debug.UNMASKED_RENDERER_WEBGL))}`);
		const gpu = (
			navigator as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }
		).gpu;
		const adapter = await gpu?.requestAdapter().catch(() => null);
		if (adapter?.info) devices.push(`webgpu: ${adapter.info.vendor} ${adapter.info.architecture}`);
		return { backends, devices };
	});
}

export interface PagePixels {
	width: number;
	height: number;
	/** RGBA bytes. */
	data: number[];
}

export interface EngineRun {
	/** The backend tfjs ran on (what was asked for, or the job fails). */
	backend: string;
	result: PagePixels;
	/** tf.memory().numTensors: before loading, after loading and warming up, after each job, after dispose. */
	tensors: { fresh: number; loaded: number; afterJobs: number[]; disposed: number };
	loadMs: number;
	/** Each job's wall time in the page (the result read back included). */
	jobMs: number[];
}

/**
 * Paints `content` with `modelId` on `backend` in a fresh engine (`jobs` times, the same job), square
 * content at its own size in one pass, the style (when the model takes one) analysed at `styleSide`.
 */
export async function paintOnBackend(
	page: Page,
	options: {
		backend: BackendName;
		modelId: string;
		content: PagePixels;
		style: PagePixels | null;
		styleSide: number;
		jobs?: number;
	}
): Promise<EngineRun> {
	return page.evaluate(
		async ({ backend, modelId, content, style, styleSide, jobs }) => {
			const { tf, StyleEngine, catalog, readAsset } = (globalThis as unknown as { rakkanEngine: EngineCore })
				.rakkanEngine;
			if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend did not start`);
			await tf.ready();
			const pixels = (p: typeof content) => ({ ...p, data: new Uint8ClampedArray(p.data) });
			const engine = new StyleEngine(tf, catalog, readAsset);
			const fresh = tf.memory().numTensors;
			let start = performance.now();
			await engine.model(modelId);
			const loadMs = performance.now() - start;
			const loaded = tf.memory().numTensors;
			const afterJobs: number[] = [];
			const jobMs: number[] = [];
			let result = content;
			for (let i = 0; i < jobs; i++) {
				start = performance.now();
				const out = await engine.stylize({
					content: pixels(content),
					styles: style ? [{ pixels: pixels(style), weight: 1 }] : [],
					settings: {
						modelId,
						strength: 1,
						preserveColors: false,
						workingSide: Math.max(content.width, content.height),
						styleSide,
						tile: 0,
						output: { width: content.width, height: content.height }
					}
				});
				jobMs.push(performance.now() - start);
				afterJobs.push(tf.memory().numTensors);
				result = { width: out.width, height: out.height, data: Array.from(out.data) };
			}
			engine.dispose();
			// dispose() frees each model once its load has settled; let those callbacks run.
			await new Promise((resolve) => setTimeout(resolve, 0));
			return {
				backend: tf.getBackend(),
				result,
				tensors: { fresh, loaded, afterJobs, disposed: tf.memory().numTensors },
				loadMs,
				jobMs
			};
		},
		{ ...options, jobs: options.jobs ?? 1 }
	);
}
