// The editor's core in real Chromium (its canvas, IndexedDB and quota are what users get), bundled on its
// own: flattening (layer order, transforms, masks, opacity, blend modes), the export formats, a painted mask
// surviving PNG storage bit for bit, autosave and .rakkan round trips, and a real storage-full error.
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTOSAVE_ERRORS } from '../../src/lib/document/autosave';
import { PROJECT_ERRORS } from '../../src/lib/document/project';
import type { MemoryBlobStore } from '../../src/lib/document/blob-store';
import type { ImageRef, Project } from '../../src/lib/document/types';
import type { MaskPixels } from '../../src/lib/kernels/brush';
import { CHROMIUM, CHROMIUM_ARGS } from './harness';
import type { EditorCore } from './pages/editor-core-entry';

let bundle: string;
let browser: Browser;
let page: Page;

async function editorCoreBundle(): Promise<string> {
	const result = await build({
		configFile: false,
		logLevel: 'silent',
		build: {
			write: false,
			minify: false,
			lib: { entry: 'tests/e2e/pages/editor-core-entry.ts', formats: ['iife'], name: 'rakkanEditorCore' }
		}
	});
	const outputs = Array.isArray(result) ? result : [result];
	const chunk = outputs.flatMap((o) => ('output' in o ? o.output : []))[0];
	if (!chunk || chunk.type !== 'chunk') throw new Error('the editor core bundle was not built');
	return chunk.code;
}

/** A page at `origin` (a real origin: localhost is a secure context, so IndexedDB and WebCrypto work). */
async function corePage(origin: string): Promise<Page> {
	const opened = await browser.newPage();
	const url = `${origin}/editor-core.html`;
	await opened.route(url, (route) =>
		route.fulfill({
			contentType: 'text/html',
			body: `<!doctype html><title>editor core</title><script>${bundle.replaceAll('</script', '<\\/script')}</script>`
		})
	);
	await opened.goto(url);
	return opened;
}

beforeAll(async () => {
	bundle = await editorCoreBundle();
	browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
	page = await corePage('http://localhost:9');
	// Helpers inside the page: solid images as PNG bitmaps, a document from a layer list, pixel reads.
	await page.addScriptTag({
		content: `
		window.solid = async (width, height, rgba) => {
			const canvas = new OffscreenCanvas(width, height);
			const ctx = canvas.getContext('2d');
			ctx.fillStyle = 'rgba(' + rgba.join(',') + ')';
			ctx.fillRect(0, 0, width, height);
			return createImageBitmap(await canvas.convertToBlob({ type: 'image/png' }));
		};
		window.flatten = async (doc, bitmaps, options) =>
			rakkan.flattenDocument(doc, async (ref) => bitmaps[ref.id], options);
		window.at = (pixels, x, y) => Array.from(pixels.data.slice((y * pixels.width + x) * 4, (y * pixels.width + x) * 4 + 4));
		window.layer = (id, width, height, extra) => ({
			id, name: id, image: { id, width, height, mime: 'image/png' }, visible: true, opacity: 1,
			blend: 'source-over', transform: { x: 0, y: 0, scaleX: 1, scaleY: 1, rotation: 0 }, mask: null,
			source: { kind: 'import', fileName: id + '.png', file: { id, width, height, mime: 'image/png' } },
			...extra
		});
	`
	});
});

afterAll(async () => {
	await browser?.close();
});

type Rgba = [number, number, number, number];

/** Flattens a 20 x 10 document of a red background and the given top layer; returns probed pixels. */
async function probe(
	top: Record<string, unknown>,
	points: [number, number][],
	topSize = [10, 10]
): Promise<Rgba[]> {
	return page.evaluate(
		async ({ top, points, topSize }) => {
			const w = window as unknown as Record<string, (...args: unknown[]) => Promise<unknown> | unknown>;
			const bitmaps = {
				red: await w.solid!(20, 10, [255, 0, 0, 1]),
				blue: await w.solid!(topSize[0], topSize[1], [0, 0, 255, 1]),
				grey: await w.solid!(20, 10, [128, 128, 128, 1]),
				halfMask: await (async () => {
					const canvas = new OffscreenCanvas(20, 10);
					const ctx = canvas.getContext('2d')!;
					ctx.fillStyle = 'black';
					ctx.fillRect(0, 0, 20, 10);
					ctx.fillStyle = 'white';
					ctx.fillRect(0, 0, 15, 10);
					return createImageBitmap(await canvas.convertToBlob({ type: 'image/png' }));
				})()
			};
			const layers = [w.layer!('red', 20, 10), w.layer!(top.id ?? 'blue', topSize[0], topSize[1], top)];
			const pixels = await w.flatten!({ width: 20, height: 10, layers, region: null }, bitmaps);
			return points.map(([x, y]) => w.at!(pixels, x, y)) as Rgba[];
		},
		{ top, points, topSize }
	);
}

describe('flattenDocument in Chromium', () => {
	it('draws layers bottom to top at their positions', async () => {
		const [left, right] = await probe({ transform: { x: 10, y: 0, scaleX: 1, scaleY: 1, rotation: 0 } }, [
			[5, 5],
			[15, 5]
		]);
		expect(left).toEqual([255, 0, 0, 255]);
		expect(right).toEqual([0, 0, 255, 255]);
	});

	it('hidden layers do not show; opacity mixes', async () => {
		const [hidden] = await probe({ visible: false }, [[5, 5]]);
		expect(hidden).toEqual([255, 0, 0, 255]);
		const half = (await probe({ opacity: 0.5 }, [[5, 5]]))[0]!;
		expect(half[0]).toBeGreaterThan(120);
		expect(half[0]).toBeLessThan(135);
		expect(half[2]).toBeGreaterThan(120);
		expect(half[2]).toBeLessThan(135);
	});

	it('a mask hides the layer where it is black', async () => {
		const mask = { id: 'halfMask', width: 20, height: 10, mime: 'image/png' };
		const [shown, hidden] = await probe(
			{ mask },
			[
				[12, 5],
				[17, 5]
			],
			[20, 10]
		);
		expect(shown).toEqual([0, 0, 255, 255]);
		expect(hidden).toEqual([255, 0, 0, 255]);
	});

	it('blend modes change the pixels', async () => {
		const multiplied = (await probe({ id: 'grey', blend: 'multiply' }, [[5, 5]], [20, 10]))[0]!;
		expect(multiplied[1]).toBe(0);
		expect(multiplied[0]).toBeGreaterThan(120);
		expect(multiplied[0]).toBeLessThan(135);
		const screened = (await probe({ id: 'grey', blend: 'screen' }, [[5, 5]], [20, 10]))[0]!;
		expect(screened[0]).toBe(255);
		expect(screened[1]).toBeGreaterThan(120);
	});

	it('rotates and scales a layer about its top-left corner', async () => {
		// A 10 x 10 blue square at (10, 0), rotated 90° clockwise: it now covers x 0..10 (and y 0..10).
		const rotated = { transform: { x: 10, y: 0, scaleX: 1, scaleY: 1, rotation: 90 } };
		const [inside, outside] = await probe(rotated, [
			[5, 5],
			[15, 5]
		]);
		expect(inside).toEqual([0, 0, 255, 255]);
		expect(outside).toEqual([255, 0, 0, 255]);
		const scaled = { transform: { x: 0, y: 0, scaleX: 0.5, scaleY: 0.5, rotation: 0 } };
		const [small, beyond] = await probe(scaled, [
			[2, 2],
			[7, 7]
		]);
		expect(small).toEqual([0, 0, 255, 255]);
		expect(beyond).toEqual([255, 0, 0, 255]);
	});

	it('scales the result to a chosen long side', async () => {
		const size = await page.evaluate(async () => {
			const w = window as unknown as Record<string, (...args: unknown[]) => Promise<unknown> | unknown>;
			const bitmaps = { red: await w.solid!(20, 10, [255, 0, 0, 1]) };
			const doc = { width: 20, height: 10, layers: [w.layer!('red', 20, 10)], region: null };
			const pixels = (await w.flatten!(doc, bitmaps, { longSide: 8 })) as { width: number; height: number };
			return [pixels.width, pixels.height, w.at!(pixels, 4, 2)];
		});
		expect(size).toEqual([8, 4, [255, 0, 0, 255]]);
	});
});

describe('export and mask storage in Chromium', () => {
	it('encodes PNG, JPEG (transparency on white) and WebP', async () => {
		const result = await page.evaluate(async () => {
			const r = (window as unknown as CorePage).rakkan;
			const data = new Uint8ClampedArray(4 * 4 * 4); // transparent
			const pixels = { width: 4, height: 4, data };
			const out: Record<string, number[]> = {};
			for (const format of r.EXPORT_FORMATS)
				out[format] = Array.from((await r.encodeExport(pixels, format, 0.9)).slice(0, 12));
			const jpeg = await r.encodeExport(pixels, 'jpeg', 0.9);
			const bitmap = await createImageBitmap(new Blob([jpeg as Uint8Array<ArrayBuffer>]));
			const canvas = new OffscreenCanvas(4, 4);
			const ctx = canvas.getContext('2d')!;
			ctx.drawImage(bitmap, 0, 0);
			out.jpegPixel = Array.from(ctx.getImageData(1, 1, 1, 1).data);
			return out;
		});
		expect(result.png!.slice(0, 8)).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		expect(result.jpeg!.slice(0, 3)).toEqual([0xff, 0xd8, 0xff]);
		expect(String.fromCharCode(...result.webp!.slice(8, 12))).toBe('WEBP');
		for (const channel of result.jpegPixel!.slice(0, 3)) expect(channel).toBeGreaterThan(250);
	});

	it('a painted soft mask survives PNG storage bit for bit', async () => {
		const same = await page.evaluate(async () => {
			const r = (window as unknown as CorePage).rakkan;
			const mask = r.solidMask(64, 48, 0);
			const dabs = r.strokeDabs(
				[
					{ x: 5, y: 5 },
					{ x: 60, y: 40 }
				],
				30
			);
			r.paintStroke(mask, dabs, { tool: 'brush', size: 30, hardness: 0.2, opacity: 0.7 });
			const png = (await r.encodeGreyPng(mask)) as Uint8Array<ArrayBuffer>;
			const bitmap = await r.decodeBlob(new Blob([png]));
			const back = await r.maskPixels(
				{ id: 'm', width: 64, height: 48, mime: 'image/png' },
				async () => bitmap
			);
			const distinct = new Set(Array.from(mask.data.filter((_, i) => i % 4 === 0))).size;
			return { equal: back.data.every((v, i) => v === mask.data[i]), distinct };
		});
		// Many grey levels (a soft edge), and every one of them read back exactly.
		expect(same.distinct).toBeGreaterThan(50);
		expect(same.equal).toBe(true);
	});
});

interface CorePage {
	rakkan: EditorCore;
}

/** The page's globals in the autosave tests. */
interface ProjectPage extends CorePage {
	makeProject(
		noiseSide?: number
	): Promise<{ project: Project; store: MemoryBlobStore; mask: MaskPixels; region: ImageRef }>;
}

describe('autosave and project files in Chromium', () => {
	/** In the page: a photo project with a painted region, its blob store, and the region's pixels. */
	const setUp = `
		window.makeProject = async (noiseSide) => {
			const r = rakkan;
			const png = async (side, noisy) => {
				const canvas = new OffscreenCanvas(side, side);
				const ctx = canvas.getContext('2d');
				const image = ctx.createImageData(side, side);
				for (let i = 0; i < image.data.length; i++) image.data[i] = noisy ? (i * 2654435761) >>> 24 : 100;
				ctx.putImageData(image, 0, 0);
				return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
			};
			const store = new r.MemoryBlobStore();
			const file = await store.put(await png(noiseSide ?? 16, noiseSide !== undefined));
			const side = file.width;
			const photo = r.createLayer({ name: 'Photo', image: file, source: { kind: 'photo', fileName: 'p.png', file } });
			let project = r.createProject(r.createDocument(side, side), 'Test');
			project = r.applyChange(project, r.addLayer(project.document, photo));
			const mask = r.solidMask(side, side, 0);
			const points = [{ x: 2, y: 2 }, { x: side - 2, y: side - 4 }];
			const brush = { tool: 'brush', size: 6, hardness: 0.3, opacity: 0.8 };
			r.paintStroke(mask, r.strokeDabs(points, 6), brush);
			const region = await store.put(await r.encodeGreyPng(mask));
			const edit = { kind: 'stroke', ...brush, points };
			project = r.applyChange(project, r.editMask(project.document, { kind: 'region' }, edit, region));
			return { project, store, mask, region };
		};
	`;

	it('a project saved to IndexedDB and to a .rakkan file comes back the same, pixel for pixel', async () => {
		await page.addScriptTag({ content: setUp });
		const result = await page.evaluate(async () => {
			const w = window as unknown as ProjectPage;
			const r = w.rakkan;
			const { project, store, mask, region } = await w.makeProject();
			const autosave = new r.Autosave();
			await autosave.clear();
			await autosave.saveProject(project, store);
			const loaded = await autosave.loadLatestProject();
			if (!loaded) throw new Error('nothing was saved');
			const opened = await r.readProjectFile(await r.writeProjectFile(project, store));
			const regionIn = (blobs: Map<string, Blob>) =>
				r.maskPixels(region, async () => r.decodeBlob(blobs.get(region.id) ?? new Blob()));
			const stored = await regionIn(loaded.blobs);
			const fromFile = await regionIn(opened.blobs);
			let refusal = '';
			try {
				await r.readProjectFile(new TextEncoder().encode('PK\u0003\u0004 not really'));
			} catch (error) {
				refusal = (error as Error).message;
			}
			await autosave.clear();
			return {
				loaded: JSON.stringify(loaded.project) === JSON.stringify(project),
				opened: JSON.stringify(opened.project) === JSON.stringify(project),
				storedPixels: stored.data.every((v, i) => v === mask.data[i]),
				filePixels: fromFile.data.every((v, i) => v === mask.data[i]),
				entries: loaded.project.history.entries.length,
				refusal
			};
		});
		expect(result).toEqual({
			loaded: true,
			opened: true,
			storedPixels: true,
			filePixels: true,
			entries: 2,
			refusal: PROJECT_ERRORS.damaged
		});
	});

	it('a real quota error: the clear storage-full message, and the previous save intact', async () => {
		// An origin of its own: Chromium takes a quota override only before the origin first stores anything.
		const origin = 'http://localhost:10';
		const quotaPage = await corePage(origin);
		await quotaPage.addScriptTag({ content: setUp });
		const cdp = await quotaPage.context().newCDPSession(quotaPage);
		await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 200_000 });
		try {
			const outcome = await quotaPage.evaluate(async () => {
				const w = window as unknown as ProjectPage;
				const autosave = new w.rakkan.Autosave();
				const small = await w.makeProject();
				await autosave.saveProject(small.project, small.store);
				// Noise that PNG cannot shrink much: well over the 200 kB quota.
				const big = await w.makeProject(512);
				let error = { name: '', message: '' };
				try {
					await autosave.saveProject(big.project, big.store);
				} catch (caught) {
					error = { name: (caught as Error).name, message: (caught as Error).message };
				}
				const latest = await autosave.loadLatestProject();
				return {
					error,
					bigBytes: (await big.store.get(big.project.document.layers[0]!.image.id)).size,
					kept: latest?.project.id === small.project.id,
					blobs: latest?.blobs.size
				};
			});
			expect(outcome.bigBytes).toBeGreaterThan(300_000);
			expect(outcome.error).toEqual({ name: 'StorageFullError', message: AUTOSAVE_ERRORS.full });
			expect(outcome.kept).toBe(true);
			expect(outcome.blobs).toBe(2);
		} finally {
			await cdp.send('Storage.overrideQuotaForOrigin', { origin });
			await cdp.detach();
			await quotaPage.close();
		}
	});
});
