// The designed workspace in real Chromium: shortcuts and their help, the before/after handle, touch pinch
// and pan (CDP touch events), pen pressure (pen pointer events), drop and paste, the theme toggle and the
// remembered panels; then every page at 1440x900, 1024x768 (touch) and 390x844 in both themes, with
// screenshots saved under test-results/screens/ (looked at, not compared), no horizontal scrolling, no
// serious axe problems at any size, and Lighthouse (desktop) accessibility and best practices >= 95.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import { photoPath } from '../helpers/assets';
import { blockNoisePng, solidPng } from '../helpers/editor';
import { historyLength, screenPoint, startDocument, waitForHistory } from './editor-page';
import { seriousAxeViolations, type Studio, StudioPage, startGallery } from './harness';
import { LIGHTHOUSE_CATEGORIES, lighthouseReports } from './lighthouse';

const SCREENS = path.join(PROJECT_ROOT, 'test-results', 'screens');
const DESKTOP = { width: 1440, height: 900 };
const TABLET = { width: 1024, height: 768 };
const PHONE = { width: 390, height: 844 };
const WAIT = { timeout: 30_000 };

let gallery: Studio;

beforeAll(async () => {
	gallery = await startGallery();
	await mkdir(SCREENS, { recursive: true });
});

afterAll(async () => {
	await gallery?.stop();
});

/** Moves focus off any control, so keys go to the page (as after a click on the canvas). */
async function blur(page: Page): Promise<void> {
	await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

async function stageAttr(studioPage: StudioPage, name: string): Promise<string> {
	return (await studioPage.byTestId('stage').getAttribute(name)) ?? '';
}

async function pan(studioPage: StudioPage): Promise<[number, number]> {
	const [x, y] = (await stageAttr(studioPage, 'data-pan')).split(',').map(Number);
	return [x!, y!];
}

/** The stage canvas's RGB at a document point (the layer canvas the view draws on). */
async function stagePixel(studioPage: StudioPage, x: number, y: number): Promise<number[]> {
	const at = await screenPoint(studioPage, x, y);
	return studioPage.page.evaluate(({ x, y }) => {
		const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=stage] canvas')!;
		const box = canvas.getBoundingClientRect();
		const ratio = canvas.width / box.width;
		const data = canvas
			.getContext('2d')!
			.getImageData(Math.round((x - box.left) * ratio), Math.round((y - box.top) * ratio), 1, 1).data;
		return [data[0]!, data[1]!, data[2]!];
	}, at);
}

/** A pen stroke through document points at one pressure, as PointerEvents with pointerType "pen". */
async function penStroke(studioPage: StudioPage, points: { x: number; y: number }[], pressure: number) {
	const screen = [];
	for (const point of points) screen.push(await screenPoint(studioPage, point.x, point.y));
	const before = await historyLength(studioPage);
	await studioPage.page.evaluate(
		({ screen, pressure }) => {
			const target = document.querySelector('[data-testid=stage] canvas')!;
			const fire = (type: string, p: { x: number; y: number }) =>
				target.dispatchEvent(
					new PointerEvent(type, {
						bubbles: true,
						cancelable: true,
						composed: true,
						pointerId: 7,
						pointerType: 'pen',
						isPrimary: true,
						pressure: type === 'pointerup' ? 0 : pressure,
						clientX: p.x,
						clientY: p.y,
						button: type === 'pointermove' ? -1 : 0,
						buttons: type === 'pointerup' ? 0 : 1
					})
				);
			fire('pointerdown', screen[0]!);
			for (const p of screen.slice(1)) fire('pointermove', p);
			fire('pointerup', screen.at(-1)!);
		},
		{ screen, pressure }
	);
	await studioPage.page.locator(`[data-testid=history] li:nth-child(${before + 1})`).waitFor(WAIT);
}

/** Two fingers through CDP: from `from` to `to` (pairs of points) in a few steps. */
async function twoFingers(
	cdp: CDPSession,
	from: [{ x: number; y: number }, { x: number; y: number }],
	to: [{ x: number; y: number }, { x: number; y: number }]
): Promise<void> {
	const points = (t: number) =>
		from.map((p, id) => ({
			x: p.x + (to[id]!.x - p.x) * t,
			y: p.y + (to[id]!.y - p.y) * t,
			id
		}));
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(0) });
	for (let step = 1; step <= 6; step++) {
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: points(step / 6) });
	}
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

/** A file put into the page as a File in a DataTransfer, then dropped on the stage or pasted. */
async function sendFile(page: Page, how: 'drop' | 'paste', name: string, bytes: Uint8Array): Promise<void> {
	await page.evaluate(
		({ how, name, b64 }) => {
			const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
			const transfer = new DataTransfer();
			transfer.items.add(new File([data], name, { type: 'image/png' }));
			if (how === 'drop') {
				const stage = document.querySelector('[data-testid=stage]')!;
				stage.dispatchEvent(
					new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer })
				);
				stage.dispatchEvent(
					new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer })
				);
			} else {
				document.body.dispatchEvent(
					new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: transfer })
				);
			}
		},
		{ how, name, b64: Buffer.from(bytes).toString('base64') }
	);
}

describe('the studio workspace', () => {
	let context: BrowserContext;
	let studioPage: StudioPage;
	let page: Page;

	beforeAll(async () => {
		context = await gallery.browser.newContext({
			viewport: DESKTOP,
			hasTouch: true,
			acceptDownloads: true,
			permissions: ['notifications']
		});
		// Every system notification the page shows, in order (the real Notification still shows it).
		await context.addInitScript(() => {
			const Real = window.Notification;
			const shown: { title: string; body: string }[] = [];
			(window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
			window.Notification = class extends Real {
				constructor(title: string, options?: NotificationOptions) {
					super(title, options);
					shown.push({ title, body: options?.body ?? '' });
				}
			};
		});
		studioPage = await StudioPage.open(gallery, { context });
		page = studioPage.page;
	});

	afterAll(async () => {
		await context?.close();
	});

	it('lists the shortcuts in a help overlay opened with ? and from the top bar', async () => {
		const help = studioPage.byTestId('shortcuts-help');
		await expect(help.isVisible()).resolves.toBe(false);
		await blur(page);
		await page.keyboard.press('?');
		await help.waitFor({ state: 'visible' });
		const text = (await help.textContent()) ?? '';
		for (const keys of [
			'B',
			'E',
			'V',
			'H',
			'Space (hold)',
			'[',
			']',
			'F',
			'0',
			'Ctrl/Cmd+Z',
			'Shift+Ctrl/Cmd+Z'
		]) {
			expect(text).toContain(keys);
		}
		expect(text).toContain('Ctrl/Cmd+Enter');
		expect(text).toContain('Ctrl/Cmd+E');
		await page.keyboard.press('Escape');
		await help.waitFor({ state: 'hidden' });
		await studioPage.byTestId('shortcuts-open').click();
		await help.waitFor({ state: 'visible' });
		await page.keyboard.press('?');
		await help.waitFor({ state: 'hidden' });
	});

	it('finds style references by search and by rights status', async () => {
		const shown = () =>
			page
				.locator('[data-testid^=style-option-]')
				.evaluateAll((all) => all.map((el) => el.getAttribute('data-testid')!.replace('style-option-', '')));
		const all = await shown();
		expect(all.length).toBeGreaterThan(5);
		await studioPage.byTestId('style-search').fill('hokusai');
		await expect.poll(shown).toEqual(['hokusai-great-wave']);
		await studioPage.byTestId('style-search').fill('');
		await studioPage.byTestId('style-filter-public-domain-in-most-countries').click();
		await expect.poll(shown).toEqual(['monet-water-lilies']);
		await studioPage.byTestId('style-option-monet-water-lilies').click();
		await expect(
			studioPage.byTestId('style-option-monet-water-lilies').getAttribute('aria-pressed')
		).resolves.toBe('true');
		await studioPage.byTestId('style-filter-all').click();
		await expect.poll(shown).toEqual(all);
	});

	it('switches tools, sizes the brush, zooms, pans with Space and undoes from the keyboard', async () => {
		await startDocument(studioPage, await photoPath('coffee'));
		await page.locator('[data-testid=stage][data-ready=true]').waitFor(WAIT);
		const fitZoom = Number(await stageAttr(studioPage, 'data-zoom'));
		await blur(page);
		for (const [key, tool] of [
			['b', 'brush'],
			['e', 'erase'],
			['v', 'move'],
			['h', 'hand'],
			['b', 'brush']
		] as const) {
			await page.keyboard.press(key);
			await expect.poll(() => stageAttr(studioPage, 'data-tool')).toBe(tool);
		}
		// Holding Space pans with any tool; letting go gives the brush back.
		await page.keyboard.down(' ');
		await expect.poll(() => stageAttr(studioPage, 'data-tool')).toBe('hand');
		await page.keyboard.up(' ');
		await expect.poll(() => stageAttr(studioPage, 'data-tool')).toBe('brush');

		const size = () => studioPage.byTestId('brush-size').inputValue().then(Number);
		const start = await size();
		await page.keyboard.press(']');
		await expect.poll(size).toBeGreaterThan(start);
		await page.keyboard.press('[');
		await page.keyboard.press('[');
		await expect.poll(size).toBeLessThan(start);

		await page.keyboard.press('0');
		await expect.poll(() => stageAttr(studioPage, 'data-zoom')).toBe('1.0000');
		await page.keyboard.press('f');
		await expect.poll(() => stageAttr(studioPage, 'data-zoom').then(Number)).toBeCloseTo(fitZoom, 3);
		await page.keyboard.press('+');
		await expect.poll(() => stageAttr(studioPage, 'data-zoom').then(Number)).toBeGreaterThan(fitZoom);
		await page.keyboard.press('f');

		// A brush stroke, then Ctrl+Z and Shift+Ctrl+Z.
		const before = await historyLength(studioPage);
		const from = await screenPoint(studioPage, 150, 150);
		const to = await screenPoint(studioPage, 350, 200);
		await page.mouse.move(from.x, from.y);
		await page.mouse.down();
		await page.mouse.move(to.x, to.y, { steps: 8 });
		await page.mouse.up();
		await waitForHistory(studioPage, before + 1);
		await page.keyboard.press('Control+z');
		await waitForHistory(studioPage, before + 1, before);
		await page.keyboard.press('Control+Shift+z');
		await waitForHistory(studioPage, before + 1);
		// A letter typed into a text field is text, not a tool change.
		const name = studioPage.byTestId('layer-name');
		const typed = `${await name.inputValue()}e`;
		await name.press('End');
		await name.press('e');
		await expect(name.inputValue()).resolves.toBe(typed);
		await expect(stageAttr(studioPage, 'data-tool')).resolves.toBe('brush');
	});

	it('compares before and after with a handle on the stage, by pointer and by keyboard', async () => {
		await studioPage.byTestId('compare-toggle').click();
		const slider = studioPage.byTestId('compare-slider');
		await slider.waitFor();
		await expect(studioPage.byTestId('compare').isChecked()).resolves.toBe(true);
		await expect(slider.getAttribute('aria-valuenow')).resolves.toBe('50');
		await slider.focus();
		for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
		await expect(slider.getAttribute('aria-valuenow')).resolves.toBe('55');
		await expect(studioPage.byTestId('compare-split').inputValue()).resolves.toBe('0.55');

		const box = (await slider.boundingBox())!;
		const [width, height] = (await stageAttr(studioPage, 'data-document-size')).split('x').map(Number);
		const target = await screenPoint(studioPage, width! * 0.25, height! / 2);
		await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
		await page.mouse.down();
		await page.mouse.move(target.x, target.y, { steps: 6 });
		await page.mouse.up();
		await expect.poll(() => slider.getAttribute('aria-valuenow').then(Number)).toBeGreaterThanOrEqual(23);
		await expect(slider.getAttribute('aria-valuenow').then(Number)).resolves.toBeLessThanOrEqual(27);
		// The old checkbox still switches it off.
		await studioPage.byTestId('compare').uncheck();
		await slider.waitFor({ state: 'detached' });
	});

	it('zooms with a two-finger pinch and pans with two fingers (touch)', async () => {
		await blur(page);
		await page.keyboard.press('h');
		await page.keyboard.press('f');
		const cdp = await context.newCDPSession(page);
		const box = (await studioPage.byTestId('stage').boundingBox())!;
		const cx = box.x + box.width / 2;
		const cy = box.y + box.height / 2;
		const zoom = () => stageAttr(studioPage, 'data-zoom').then(Number);
		const before = await zoom();
		// The fingers spread from 100 to 200 px apart: twice the zoom.
		await twoFingers(
			cdp,
			[
				{ x: cx - 50, y: cy },
				{ x: cx + 50, y: cy }
			],
			[
				{ x: cx - 100, y: cy },
				{ x: cx + 100, y: cy }
			]
		);
		await expect.poll(zoom).toBeGreaterThan(before * 1.7);
		expect(await zoom()).toBeLessThan(before * 2.3);

		const [x0, y0] = await pan(studioPage);
		await twoFingers(
			cdp,
			[
				{ x: cx - 60, y: cy },
				{ x: cx + 60, y: cy }
			],
			[
				{ x: cx - 60 + 80, y: cy + 50 },
				{ x: cx + 60 + 80, y: cy + 50 }
			]
		);
		await expect.poll(() => pan(studioPage).then(([x]) => x - x0)).toBeGreaterThan(60);
		const [x1, y1] = await pan(studioPage);
		expect(x1 - x0).toBeLessThan(100);
		expect(y1 - y0).toBeGreaterThan(35);
		expect(y1 - y0).toBeLessThan(65);
		await cdp.detach();
		await page.keyboard.press('f');
	});

	it('paints a thinner or a fainter line where the pen presses lightly', async () => {
		await studioPage.setContent({
			name: 'grey.png',
			mimeType: 'image/png',
			buffer: Buffer.from(await solidPng(600, 400))
		});
		await expect.poll(() => stageAttr(studioPage, 'data-document-size')).toBe('600x400');
		await page.locator('[data-testid=stage][data-ready=true]').waitFor(WAIT);
		await blur(page);
		await page.keyboard.press('b');
		await studioPage.byTestId('brush-size').fill('80');
		await studioPage.byTestId('brush-hardness').fill('1');
		await expect(studioPage.byTestId('brush-pressure').inputValue()).resolves.toBe('size');
		const redness = async (x: number, y: number) => {
			const [r, g] = await stagePixel(studioPage, x, y);
			return r! - g!;
		};
		// Full pressure at y = 100, a fifth of it at y = 300; probes 28 px off each line.
		await penStroke(
			studioPage,
			[
				{ x: 100, y: 100 },
				{ x: 300, y: 100 },
				{ x: 500, y: 100 }
			],
			1
		);
		await penStroke(
			studioPage,
			[
				{ x: 100, y: 300 },
				{ x: 300, y: 300 },
				{ x: 500, y: 300 }
			],
			0.2
		);
		await expect.poll(() => redness(300, 100)).toBeGreaterThan(30);
		expect(await redness(300, 128)).toBeGreaterThan(30);
		expect(await redness(300, 300)).toBeGreaterThan(30);
		expect(await redness(300, 328)).toBeLessThan(5);

		// Pressure on opacity: a light pen paints a fainter line of the same width. Full pressure down the
		// free band at x = 570, a fifth of it across the free band at y = 200.
		await studioPage.byTestId('brush-pressure').selectOption('opacity');
		await studioPage.byTestId('brush-size').fill('30');
		await penStroke(
			studioPage,
			[
				{ x: 570, y: 30 },
				{ x: 570, y: 200 },
				{ x: 570, y: 370 }
			],
			1
		);
		await penStroke(
			studioPage,
			[
				{ x: 100, y: 200 },
				{ x: 250, y: 200 },
				{ x: 400, y: 200 }
			],
			0.2
		);
		await expect.poll(() => redness(570, 100)).toBeGreaterThan(30);
		const strong = await redness(570, 100);
		const faint = await redness(250, 200);
		expect(faint).toBeGreaterThan(3);
		expect(faint).toBeLessThan(strong * 0.5);
		// As wide as a full-pressure line: 10 px off its middle it is as faint as in the middle.
		expect(Math.abs((await redness(250, 210)) - faint)).toBeLessThanOrEqual(3);
	});

	it('shows a large photo from a small picture when fitted, and its own pixels at 100%', async () => {
		// Photos of 8 px colour blocks: fitted, the stage draws a picture a fraction of their size (the
		// blocks blur into each other); at 100% the photo's own pixels must be swapped in: all of them for
		// 3000x2000, the part in and around the view for 5000x1000 (longer than the largest picture, 4096).
		for (const [width, height] of [
			[3000, 2000],
			[5000, 1000]
		] as const) {
			const { png, colourAt } = await blockNoisePng(width, height, 8, width);
			await studioPage.setContent({ name: 'blocks.png', mimeType: 'image/png', buffer: Buffer.from(png) });
			await expect.poll(() => stageAttr(studioPage, 'data-document-size'), WAIT).toBe(`${width}x${height}`);
			await page.locator('[data-testid=stage][data-ready=true]').waitFor(WAIT);
			await blur(page);
			await page.keyboard.press('0');
			await expect.poll(() => stageAttr(studioPage, 'data-zoom')).toBe('1.0000');
			// The middles of 60 blocks around the middle of the view, against the photo's colours.
			const box = (await studioPage.byTestId('stage').boundingBox())!;
			const [panX, panY] = await pan(studioPage);
			const middle = { x: box.width / 2 - panX, y: box.height / 2 - panY };
			const points: { x: number; y: number }[] = [];
			for (let row = -2; row <= 3; row++) {
				for (let column = -5; column <= 4; column++) {
					points.push({
						x: (Math.floor(middle.x / 8) + column * 7) * 8 + 4,
						y: (Math.floor(middle.y / 8) + row * 7) * 8 + 4
					});
				}
			}
			const worstDifference = async () => {
				let worst = 0;
				for (const { x, y } of points) {
					const shown = await stagePixel(studioPage, x, y);
					const expected = colourAt(x, y);
					for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(shown[c]! - expected[c]!));
				}
				return worst;
			};
			await expect.poll(worstDifference, WAIT).toBeLessThanOrEqual(2);
			await page.keyboard.press('f');
			// Fitted again, the small picture shows: its blocks are blurred into their neighbours.
			await expect.poll(worstDifference, WAIT).toBeGreaterThan(20);
		}
	});

	it('opens an image dropped anywhere or pasted', async () => {
		await sendFile(page, 'drop', 'dropped.png', await solidPng(320, 200, 90));
		await expect.poll(() => studioPage.byTestId('content-size').textContent(), WAIT).toContain('dropped.png');
		await expect(studioPage.byTestId('content-size').textContent()).resolves.toContain('320×200');
		await sendFile(page, 'paste', 'pasted.png', await solidPng(240, 160, 60));
		await expect.poll(() => studioPage.byTestId('content-size').textContent(), WAIT).toContain('pasted.png');
		await expect.poll(() => stageAttr(studioPage, 'data-document-size'), WAIT).toBe('240x160');
	});

	it('stylizes with Ctrl+Enter, notifies only when the tab is hidden, and exports with Ctrl+E', async () => {
		await studioPage.byTestId('model').selectOption('manga-ink');
		if ((await studioPage.byTestId('panel-paint').getAttribute('data-open')) !== 'true') {
			await studioPage.byTestId('panel-toggle-paint').click();
		}
		await studioPage.byTestId('notify-when-done').check();
		const notifications = () =>
			page.evaluate(
				() =>
					(window as unknown as { shownNotifications: { title: string; body: string }[] }).shownNotifications
			);
		// In the foreground: no notification, the title stays.
		await blur(page);
		await expect(studioPage.status()).resolves.toBe('idle');
		await page.keyboard.press('Control+Enter');
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		await expect(notifications()).resolves.toEqual([]);
		await expect(page.title()).resolves.toBe('Rakkan studio');

		// As if the tab were in the background: the finished job says so in the tab's title and a notification.
		const setHidden = (hidden: boolean) =>
			page.evaluate((hidden) => {
				Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
				Object.defineProperty(document, 'visibilityState', {
					configurable: true,
					get: () => (hidden ? 'hidden' : 'visible')
				});
				document.dispatchEvent(new Event('visibilitychange'));
			}, hidden);
		await setHidden(true);
		await blur(page);
		await page.keyboard.press('Control+Enter');
		await expect.poll(() => page.title(), { timeout: 150_000 }).toBe('✓ Rakkan studio');
		await expect(studioPage.status()).resolves.toBe('done');
		await expect.poll(notifications).toEqual([{ title: 'Your painting is ready', body: expect.any(String) }]);
		await setHidden(false);
		await expect.poll(() => page.title()).toBe('Rakkan studio');
		await expect(studioPage.byTestId('rights-badge').getAttribute('data-level')).resolves.toBeTruthy();
		const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+e')]);
		expect(download.suggestedFilename()).toMatch(/\.png$/);
		expect(studioPage.errors).toEqual([]);
	});

	it('opens the rights panel from the badge, and remembers folded panels and the theme', async () => {
		await studioPage.byTestId('panel-toggle-rights').click();
		await expect(studioPage.byTestId('rights-panel').isVisible()).resolves.toBe(false);
		await studioPage.byTestId('rights-badge').click();
		await studioPage.byTestId('rights-verdict').waitFor({ state: 'visible' });
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('panel-rights-toggle');

		await studioPage.byTestId('panel-toggle-history').click();
		await expect(studioPage.byTestId('panel-history').getAttribute('data-open')).resolves.toBe('false');
		const html = page.locator('html');
		const system = await page.evaluate(() =>
			matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
		);
		const other = system === 'dark' ? 'light' : 'dark';
		await studioPage.byTestId('theme-toggle').click();
		await expect(html.getAttribute('data-theme')).resolves.toBe(other);

		await page.reload();
		await studioPage.byTestId('theme-toggle').waitFor();
		await expect.poll(() => html.getAttribute('data-theme')).toBe(other);
		await expect(studioPage.byTestId('panel-history').getAttribute('data-open')).resolves.toBe('false');
		await expect(studioPage.byTestId('history').isVisible()).resolves.toBe(false);
		await studioPage.byTestId('theme-toggle').click();
		await expect(html.getAttribute('data-theme')).resolves.toBe(system);
	});
});

describe('every page at three sizes and in both themes', () => {
	let imageId: string;

	beforeAll(async () => {
		// One public image, so the gallery and its detail page show a real picture.
		const context = await gallery.browser.newContext({ viewport: DESKTOP });
		const page = await context.newPage();
		await page.goto(`${gallery.url}/signup`);
		await page.getByTestId('signup-username').fill('illustrator');
		await page.getByTestId('signup-password').fill('a long enough password 42');
		await page.getByTestId('signup-submit').click();
		await page.getByTestId('signed-in-as').waitFor(WAIT);
		const studioPage = await StudioPage.open(gallery, { context });
		await studioPage.setContent(await photoPath('chelsea'));
		await studioPage.byTestId('model').selectOption('manga-ink');
		await studioPage.byTestId('working-side').selectOption('512');
		await studioPage.byTestId('stylize').click();
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		await studioPage.byTestId('share-title').fill('Chelsea in ink');
		await studioPage.byTestId('share-visibility').selectOption('public');
		await studioPage.byTestId('share-rights-confirmed').check();
		await studioPage.byTestId('share').click();
		const link = studioPage.byTestId('share-result');
		await link.waitFor(WAIT);
		imageId = /\/gallery\/([^/?#]+)$/.exec((await link.getAttribute('href')) ?? '')![1]!;
		await context.close();
	});

	const PAGES = [
		{ name: 'home', path: () => '/', sizes: [DESKTOP, TABLET, PHONE] },
		{ name: 'studio', path: () => '/studio', sizes: [DESKTOP, TABLET] },
		{ name: 'gallery', path: () => '/gallery', sizes: [DESKTOP, TABLET, PHONE] },
		{ name: 'image', path: () => `/gallery/${imageId}`, sizes: [DESKTOP, TABLET, PHONE] },
		{ name: 'verify', path: () => '/verify', sizes: [DESKTOP, TABLET, PHONE] },
		{ name: 'signin', path: () => '/signin', sizes: [DESKTOP, PHONE] }
	];

	it('has no horizontal scrolling and no serious axe problem; screenshots are saved', async () => {
		const problems: string[] = [];
		for (const colorScheme of ['light', 'dark'] as const) {
			for (const { name, path: pathOf, sizes } of PAGES) {
				for (const viewport of sizes) {
					const touch = viewport !== DESKTOP;
					const context = await gallery.browser.newContext({
						viewport,
						colorScheme,
						hasTouch: touch,
						isMobile: viewport === PHONE,
						bypassCSP: true
					});
					const page = await context.newPage();
					const errors: string[] = [];
					page.on('pageerror', (error) => errors.push(error.message));
					await page.goto(`${gallery.url}${pathOf()}`);
					const where = `${name} ${viewport.width}x${viewport.height} ${colorScheme}`;
					// Client-rendered pages (studio, verify) show their heading once they have started.
					await page
						.locator('h1')
						.first()
						.waitFor({ state: 'attached', ...WAIT });
					if (name === 'studio') {
						await page
							.locator('[data-testid=backend][data-backend]:not([data-backend=""])')
							.waitFor({ timeout: 60_000 });
						await page.getByTestId('content-input').setInputFiles(await photoPath('coffee'));
						await page.locator('[data-testid=stage][data-ready=true]').waitFor(WAIT);
					}
					if (name === 'home' && viewport === DESKTOP) {
						// The example is painted in this browser on the first visit.
						await page.locator('[data-testid=home-demo][data-status=done]').waitFor({ timeout: 180_000 });
						await page.getByTestId('home-compare').fill('35');
						// Beside it, the gallery's public picture with its attribution line, linking to its page.
						const fromGallery = page.getByTestId('home-gallery').getByTestId('gallery-item');
						await expect(
							fromGallery.evaluateAll((items) => items.map((item) => item.getAttribute('data-id')))
						).resolves.toEqual([imageId]);
						await expect(fromGallery.getByTestId('gallery-item-title').textContent()).resolves.toBe(
							'Chelsea in ink'
						);
						await expect(fromGallery.getByTestId('gallery-item-title').getAttribute('href')).resolves.toBe(
							`/gallery/${imageId}`
						);
						await expect(fromGallery.getByTestId('gallery-attribution').textContent()).resolves.toMatch(
							/manga/i
						);
					}
					await page.evaluate(() => document.fonts.ready);
					// Lazy thumbnails in view load now; wait for them so the screenshot shows them.
					await page.waitForFunction(
						() =>
							[...document.images]
								.filter((image) => image.getBoundingClientRect().top < window.innerHeight)
								.every((image) => image.complete),
						null,
						WAIT
					);
					await page.screenshot({
						path: path.join(SCREENS, `${name}-${viewport.width}x${viewport.height}-${colorScheme}.png`)
					});
					const overflow = await page.evaluate(
						() => document.documentElement.scrollWidth - window.innerWidth
					);
					if (overflow > 0) problems.push(`${where}: ${overflow}px wider than the window`);
					for (const violation of await seriousAxeViolations(page)) problems.push(`${where}: ${violation}`);
					if (errors.length) problems.push(`${where}: ${errors.join('; ')}`);
					await context.close();
				}
			}
		}
		expect(problems).toEqual([]);
	}, 600_000);

	it('scores 95 or more for accessibility and best practices in Lighthouse (desktop) on every page', async () => {
		const reports = await lighthouseReports(PAGES.map(({ path: pathOf }) => `${gallery.url}${pathOf()}`));
		const low: string[] = [];
		for (const { url, scores, failing } of reports) {
			console.log(`lighthouse ${url.slice(gallery.url.length)} ${JSON.stringify(scores)}`);
			for (const audit of failing) console.log(`  ${audit}`);
			for (const category of LIGHTHOUSE_CATEGORIES) {
				if (scores[category] < 0.95) low.push(`${url}: ${category} ${scores[category]}`);
			}
		}
		expect(low).toEqual([]);
	}, 600_000);
});
