// Benchmark of the editor in headless Chromium against the production build (`npm run build` first): time
// from a brush stroke to its pixels on the stage, the time until the stroke is recorded at full size, frame
// times while panning, and the main thread's long tasks (over 50 ms) while a document is opened, stylized,
// composited, painted and exported, for a small photo and a 24 MP one.
//
// Run with `npm run bench:editor` (`-- --quick` skips the 24 MP document). One JSON object goes to stdout.
import path from 'node:path';
import sharp from 'sharp';
import { photoPath } from '../tests/helpers/assets';
import { makeTempDir, removeDir } from '../tests/helpers/images';
import { historyLength, screenPoint } from '../tests/e2e/editor-page';
import { startStudio, STUDIO_VIEWPORT, StudioPage } from '../tests/e2e/harness';
import { median, progress, round } from './util';

const QUICK = process.argv.slice(2).includes('--quick');
const STROKES = 12;
const PAN_STEPS = 90;
const LONG_TASK_STROKES = 3;

export const EDITOR_NOTES = [
	'strokeToPixelsMs: pointer event dispatched -> the animation frame whose stage canvas shows the new dab',
	'  (firstDab: pointerdown, which also prepares the display-size mask; segment: a pointermove).',
	'strokeRecordedMs: pointerup -> the history entry is in the page (seen by a MutationObserver in the page):',
	'  the stroke painted on the full-size mask by the brush kernel in the canvas worker, encoded as PNG, hashed',
	'  and stored.',
	'panFrameMs: intervals between animation frames while the mouse drags the view (16.7 ms is 60 fps).',
	'longTasks: per phase, the main-thread tasks over 50 ms a buffered `longtask` PerformanceObserver saw',
	'  (count, worst and total ms): open (the photo decoded and shown), stylize (manga-ink at a 512 px working',
	'  side, painted back at full size, until the new layer shows), composite (hide, show and fade the',
	'  stylized layer, each until the stage shows it), stroke (3 strokes with the mouse, each until it is',
	"  recorded; the timed strokes above read the stage back, which is the benchmark's own work) and",
	'  export (Download PNG: flatten, encode, fingerprint, sign, until the download starts).',
	'Headless Chromium on this machine composites in software (SwiftShader); a real GPU is faster.'
];

function stats(values: number[]) {
	const sorted = [...values].sort((a, b) => a - b);
	return {
		median: round(median(sorted)),
		p95: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!),
		max: round(sorted.at(-1)!),
		samples: sorted.length
	};
}

/** Starts a buffered `longtask` observer in every page of the context before the studio's own scripts. */
const LONG_TASK_OBSERVER = `
	globalThis.longTasks = [];
	new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) globalThis.longTasks.push([entry.startTime, entry.duration]);
	}).observe({ type: 'longtask', buffered: true });
`;

interface LongTaskPhase {
	count: number;
	worstMs: number;
	totalMs: number;
}

/** Runs `phase` and returns what it did with the long tasks that started while it ran. */
async function withLongTasks<T>(
	studioPage: StudioPage,
	phase: () => Promise<T>
): Promise<{ result: T; longTasks: LongTaskPhase }> {
	const { page } = studioPage;
	const start = await page.evaluate(() => performance.now());
	const result = await phase();
	// A task still running when the phase ends is reported when it ends: give it a frame to be queued.
	await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
	const end = await page.evaluate(() => performance.now());
	const tasks = (await page.evaluate('globalThis.longTasks')) as [number, number][];
	const during = tasks.filter(([t]) => t >= start && t <= end).map(([, duration]) => duration);
	return {
		result,
		longTasks: {
			count: during.length,
			worstMs: round(Math.max(0, ...during)),
			totalMs: round(during.reduce((sum, d) => sum + d, 0))
		}
	};
}

/** Stylizes the bottom layer with manga-ink at a 512 px working side; done when the new layer shows. */
async function stylizeDocument(studioPage: StudioPage): Promise<void> {
	const layers = await studioPage.page
		.locator('[data-testid=layers] [data-testid^=layer-][data-visible]')
		.count();
	await studioPage.byTestId('model').selectOption('manga-ink');
	await studioPage.byTestId('working-side').selectOption('512');
	await studioPage.byTestId('stylize').click();
	await studioPage.waitForStatus('done', 'error');
	if ((await studioPage.status()) !== 'done') throw new Error('stylize failed');
	await studioPage.byTestId(`layer-${layers}`).waitFor({ timeout: 120_000 });
	await stageShows(studioPage);
}

/** Waits until the stage's pictures show the current document. */
async function stageShows(studioPage: StudioPage): Promise<void> {
	await studioPage.page.waitForFunction(
		() => document.querySelector('[data-testid=stage]')?.getAttribute('data-ready') === 'true',
		undefined,
		{ timeout: 120_000, polling: 50 }
	);
}

/** Hides, shows and fades the top (stylized) layer, each until the stage shows the change. */
async function compositeDocument(studioPage: StudioPage): Promise<void> {
	await studioPage.byTestId('layer-select-1').click();
	await studioPage.byTestId('layer-visible-1').click();
	await studioPage.page.locator('[data-testid=layer-1][data-visible=false]').waitFor();
	await stageShows(studioPage);
	await studioPage.byTestId('layer-visible-1').click();
	await studioPage.page.locator('[data-testid=layer-1][data-visible=true]').waitFor();
	await stageShows(studioPage);
	await studioPage.byTestId('layer-opacity').fill('0.5');
	await studioPage.page.locator('[data-testid=layer-1][data-opacity="0.5"]').waitFor();
	await stageShows(studioPage);
}

/** Times dabs in the page: pointer event -> the frame where the stage canvas pixel under it changes. */
async function strokeTimes(studioPage: StudioPage, width: number, height: number) {
	const firstDab: number[] = [];
	const segment: number[] = [];
	const recorded: number[] = [];
	for (let i = 0; i < STROKES; i++) {
		const x = width * (0.1 + (0.8 * i) / STROKES);
		const from = await screenPoint(studioPage, x, height * 0.3);
		const to = await screenPoint(studioPage, x, height * 0.7);
		const entries = await historyLength(studioPage);
		await studioPage.page.locator('[data-testid=stage][data-ready=true]').waitFor({ timeout: 120_000 });
		const times = await studioPage.page.evaluate(
			async ({ from, to, entries }) => {
				const content = document.querySelector('[data-testid=stage] .konvajs-content')!;
				const canvas = content.querySelector('canvas')!;
				const context = canvas.getContext('2d', { willReadFrequently: true })!;
				const box = canvas.getBoundingClientRect();
				const ratio = canvas.width / box.width;
				const read = (p: { x: number; y: number }) =>
					[
						...context.getImageData(
							Math.round((p.x - box.left) * ratio),
							Math.round((p.y - box.top) * ratio),
							1,
							1
						).data
					].join();
				const fire = (type: string, p: { x: number; y: number }) =>
					content.dispatchEvent(
						new PointerEvent(type, {
							clientX: p.x,
							clientY: p.y,
							bubbles: true,
							pointerId: 1,
							pointerType: 'mouse',
							isPrimary: true,
							button: 0,
							buttons: type === 'pointerup' ? 0 : 1
						})
					);
				const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
				const until = async (p: { x: number; y: number }, before: string, start: number) => {
					for (let n = 0; n < 600; n++) {
						await frame();
						if (read(p) !== before) return performance.now() - start;
					}
					throw new Error('the dab never showed on the stage');
				};
				fire('pointermove', from);
				await frame();
				const beforeFrom = read(from);
				const beforeTo = read(to);
				let start = performance.now();
				fire('pointerdown', from);
				const first = await until(from, beforeFrom, start);
				start = performance.now();
				fire('pointermove', to);
				const move = await until(to, beforeTo, start);
				// The moment the stroke's history entry is in the page, seen by the page itself.
				const shown = () => document.querySelectorAll('[data-testid=history] li').length > entries;
				(globalThis as unknown as { strokeRecorded: Promise<number> }).strokeRecorded = new Promise(
					(resolve) => {
						const observer = new MutationObserver(() => {
							if (!shown()) return;
							observer.disconnect();
							resolve(performance.now());
						});
						observer.observe(document.body, { childList: true, subtree: true });
					}
				);
				fire('pointerup', to);
				return { first, move, released: performance.now() };
			},
			{ from, to, entries }
		);
		await studioPage.page
			.locator(`[data-testid=history] li:nth-child(${entries + 1})`)
			.waitFor({ timeout: 120_000 });
		const shownAt = await studioPage.page.evaluate('globalThis.strokeRecorded');
		recorded.push((shownAt as number) - times.released);
		firstDab.push(times.first);
		segment.push(times.move);
	}
	return { toPixels: { firstDab: stats(firstDab), segment: stats(segment) }, recorded: stats(recorded) };
}

/**
 * Paints strokes with the real mouse, each until it is recorded (the timed strokes above read the stage's
 * canvas back, which is work of the benchmark's own on the main thread).
 */
async function mouseStrokes(studioPage: StudioPage, width: number, height: number): Promise<void> {
	const { page } = studioPage;
	for (let i = 0; i < LONG_TASK_STROKES; i++) {
		const y = height * (0.2 + (0.6 * i) / LONG_TASK_STROKES);
		const from = await screenPoint(studioPage, width * 0.2, y);
		const to = await screenPoint(studioPage, width * 0.8, y);
		const entries = await historyLength(studioPage);
		await page.mouse.move(from.x, from.y);
		await page.mouse.down();
		await page.mouse.move(to.x, to.y, { steps: 20 });
		await page.mouse.up();
		await page.locator(`[data-testid=history] li:nth-child(${entries + 1})`).waitFor({ timeout: 120_000 });
	}
	await stageShows(studioPage);
}

/** Frame intervals in the page while the real mouse drags the view. */
async function panFrames(studioPage: StudioPage): Promise<ReturnType<typeof stats>> {
	const { page } = studioPage;
	await studioPage.byTestId('tool-hand').click();
	const box = (await studioPage.byTestId('stage').boundingBox())!;
	await page.evaluate(() => {
		const times: number[] = [];
		(window as unknown as { frameTimes: number[] }).frameTimes = times;
		const tick = (t: number) => {
			times.push(t);
			if (times.length < 100_000) requestAnimationFrame(tick);
		};
		requestAnimationFrame(tick);
	});
	const start = await page.evaluate(() => performance.now());
	await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
	await page.mouse.down();
	await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.6, { steps: PAN_STEPS });
	await page.mouse.up();
	const end = await page.evaluate(() => performance.now());
	const frames = await page.evaluate(() => (window as unknown as { frameTimes: number[] }).frameTimes);
	const during = frames.filter((t) => t >= start && t <= end);
	return stats(during.slice(1).map((t, i) => t - during[i]!));
}

async function benchDocument(studio: Awaited<ReturnType<typeof startStudio>>, file: string, label: string) {
	const context = await studio.browser.newContext({ viewport: STUDIO_VIEWPORT, acceptDownloads: true });
	await context.addInitScript(LONG_TASK_OBSERVER);
	const studioPage = await StudioPage.open(studio, { context });
	// tsx keeps function names with a `__name` helper, which functions sent to the page also call.
	await studioPage.page.evaluate('globalThis.__name = (fn) => fn');
	progress(`${label}: loading`);
	const loadStart = performance.now();
	const open = await withLongTasks(studioPage, async () => {
		await studioPage.setContent(file);
		await studioPage.byTestId('layer-0').waitFor({ timeout: 120_000 });
		await stageShows(studioPage);
	});
	const { width, height } = (await sharp(file).metadata()) as { width: number; height: number };
	const loadMs = performance.now() - loadStart;
	progress(`${label}: stylize`);
	const stylize = await withLongTasks(studioPage, () => stylizeDocument(studioPage));
	progress(`${label}: composite`);
	const composite = await withLongTasks(studioPage, () => compositeDocument(studioPage));
	await studioPage.byTestId('tool-brush').click();
	await studioPage.byTestId('brush-size').fill(String(Math.round(Math.max(width, height) / 60)));
	await studioPage.byTestId('brush-hardness').fill('1');
	progress(`${label}: strokes`);
	const strokes = await strokeTimes(studioPage, width, height);
	const painting = await withLongTasks(studioPage, () => mouseStrokes(studioPage, width, height));
	progress(`${label}: panning`);
	const pan = await panFrames(studioPage);
	progress(`${label}: export`);
	const exported = await withLongTasks(studioPage, () => studioPage.exportPng());
	await context.close();
	return {
		label,
		width,
		height,
		loadMs: round(loadMs),
		strokeToPixelsMs: strokes.toPixels,
		strokeRecordedMs: strokes.recorded,
		panFrameMs: pan,
		longTasks: {
			open: open.longTasks,
			stylize: stylize.longTasks,
			composite: composite.longTasks,
			stroke: painting.longTasks,
			export: exported.longTasks
		}
	};
}

async function main(): Promise<void> {
	const dir = await makeTempDir('rakkan-bench-editor-');
	const studio = await startStudio();
	try {
		const documents = [await benchDocument(studio, await photoPath('coffee'), 'coffee 600x400')];
		if (!QUICK) {
			const big = path.join(dir, 'rocket-24mp.jpg');
			await sharp(await photoPath('rocket'))
				.resize(6000, 4000, { fit: 'fill' })
				.jpeg({ quality: 85 })
				.toFile(big);
			documents.push(await benchDocument(studio, big, '24 MP 6000x4000'));
		}
		process.stdout.write(`${JSON.stringify({ documents, notes: EDITOR_NOTES }, null, 2)}\n`);
	} finally {
		await studio.stop();
		await removeDir(dir);
	}
}

await main();
