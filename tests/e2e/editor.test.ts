// The editor in real Chromium against the production build: region styling with the brush, exact undo and
// redo, a reload that brings the document back, project files (and corrupt ones refused), blend and
// opacity, exports at a chosen size, and an accessibility scan with a document open.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTOSAVE_ERRORS } from '../../src/lib/document/autosave';
import { PROJECT_ERRORS } from '../../src/lib/document/project';
import { photoPath } from '../helpers/assets';
import { c2paValidate } from '../provenance/helpers';
import { makeTempDir, removeDir } from '../helpers/images';
import {
	historyLabels,
	layerCount,
	meanDiff,
	paintStroke,
	pixelAt,
	rawOf,
	startDocument,
	waitForHistory
} from './editor-page';
import { seriousAxeViolations, type Studio, StudioPage, startStudio, STUDIO_VIEWPORT } from './harness';

let studio: Studio;
let dir: string;

beforeAll(async () => {
	studio = await startStudio();
	dir = await makeTempDir('rakkan-e2e-editor-');
});

afterAll(async () => {
	await studio?.stop();
	await removeDir(dir);
});

/** Stylizes the whole photo with the model chosen and waits for the new layer. */
async function stylizeWhole(studioPage: StudioPage): Promise<void> {
	await studioPage.byTestId('stylize').click();
	await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
}

async function exported(studioPage: StudioPage) {
	return rawOf(await studioPage.exportPng());
}

describe('the layer editor', () => {
	it('stylizes only the region painted with the brush: outside unchanged, inside changed', async () => {
		const studioPage = await StudioPage.open(studio);
		const coffee = await photoPath('coffee'); // 600 x 400
		await startDocument(studioPage, coffee);
		await expect(studioPage.byTestId('apply-to-mask').isDisabled()).resolves.toBe(true);
		await studioPage.byTestId('tool-brush').click();
		await expect(studioPage.byTestId('tool-brush').getAttribute('aria-pressed')).resolves.toBe('true');
		await studioPage.byTestId('brush-size').fill('120');
		await studioPage.byTestId('brush-hardness').fill('1');
		// A band 120 px high along y = 200, from x = 200 to 400.
		await paintStroke(studioPage, [
			{ x: 200, y: 200 },
			{ x: 400, y: 200 }
		]);
		await expect(historyLabels(studioPage)).resolves.toEqual([
			expect.stringMatching(/^Added layer .coffee.png. from the photo/),
			expect.stringMatching(/^Painted the region mask \(brush size 120/)
		]);
		await studioPage.byTestId('apply-to-mask').click();
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		await expect(layerCount(studioPage)).resolves.toBe(2);
		await expect(studioPage.byTestId('layer-1').getAttribute('data-masked')).resolves.toBe('true');
		await expect(studioPage.byTestId('stage').getAttribute('data-showing')).resolves.toBe('result');

		const result = await exported(studioPage);
		const photo = await rawOf(coffee);
		expect([result.width, result.height]).toEqual([600, 400]);
		// Away from the band (y 140..260, x 140..460): exactly the photo's pixels.
		expect(meanDiff(result, photo, { x: 0, y: 0, width: 600, height: 120 })).toBe(0);
		expect(meanDiff(result, photo, { x: 0, y: 280, width: 600, height: 120 })).toBe(0);
		expect(meanDiff(result, photo, { x: 0, y: 0, width: 120, height: 400 })).toBe(0);
		expect(meanDiff(result, photo, { x: 480, y: 0, width: 120, height: 400 })).toBe(0);
		// Inside the band's core: clearly restyled.
		expect(meanDiff(result, photo, { x: 220, y: 160, width: 160, height: 80 })).toBeGreaterThan(10);
		expect(studioPage.errors).toEqual([]);
		await studioPage.page.close();
	});

	it('undo gives back the exact earlier pixels and redo the later ones (buttons and keyboard); a reload restores document and history', async () => {
		const studioPage = await StudioPage.open(studio);
		const { page } = studioPage;
		const coffee = await photoPath('coffee');
		await startDocument(studioPage, coffee);
		await stylizeWhole(studioPage);
		await waitForHistory(studioPage, 2);
		const stylized = await exported(studioPage);
		const photo = await rawOf(coffee);

		// Half opacity: the export is the mean of the photo and the stylized layer.
		await studioPage.byTestId('layer-opacity').fill('0.5');
		await waitForHistory(studioPage, 3);
		await expect(studioPage.byTestId('layer-1').getAttribute('data-opacity')).resolves.toBe('0.5');
		const half = await exported(studioPage);
		for (const [x, y] of [
			[10, 10],
			[300, 200],
			[590, 390]
		] as const) {
			const expected = [0, 1, 2].map((c) => (pixelAt(photo, x, y)[c]! + pixelAt(stylized, x, y)[c]!) / 2);
			pixelAt(half, x, y)
				.slice(0, 3)
				.forEach((value, c) => expect(Math.abs(value - expected[c]!)).toBeLessThanOrEqual(2));
		}

		// Multiply: every channel at most the darker of the two.
		await studioPage.byTestId('layer-blend').selectOption('multiply');
		await waitForHistory(studioPage, 4);
		await expect(studioPage.byTestId('layer-1').getAttribute('data-blend')).resolves.toBe('multiply');
		const multiplied = await exported(studioPage);
		expect(multiplied.data.equals(half.data)).toBe(false);

		await studioPage.byTestId('undo').click();
		await waitForHistory(studioPage, 4, 3);
		expect((await exported(studioPage)).data.equals(half.data)).toBe(true);
		await page.keyboard.press('Control+z');
		await waitForHistory(studioPage, 4, 2);
		expect((await exported(studioPage)).data.equals(stylized.data)).toBe(true);
		await page.keyboard.press('Control+Shift+z');
		await waitForHistory(studioPage, 4, 3);
		expect((await exported(studioPage)).data.equals(half.data)).toBe(true);
		await studioPage.byTestId('redo').click();
		await waitForHistory(studioPage, 4, 4);
		expect((await exported(studioPage)).data.equals(multiplied.data)).toBe(true);
		const labels = await historyLabels(studioPage);

		// A reload (or a crashed tab) brings back the same document, pixel for pixel, with its history.
		await page.locator('[data-testid=autosave][data-state=saved]').waitFor();
		await page.reload();
		await waitForHistory(studioPage, 4, 4);
		await expect(layerCount(studioPage)).resolves.toBe(2);
		await expect(historyLabels(studioPage)).resolves.toEqual(labels);
		await page.locator('[data-testid=export-png]:enabled').waitFor();
		expect((await exported(studioPage)).data.equals(multiplied.data)).toBe(true);
		// Undo still reaches back past the reload.
		await studioPage.byTestId('undo').click();
		await waitForHistory(studioPage, 4, 3);
		expect((await exported(studioPage)).data.equals(half.data)).toBe(true);
		expect(studioPage.errors).toEqual([]);
		await page.close();
	});

	it('saves a project file, opens it in a browser with empty storage with the same pixels, and refuses corrupt files', async () => {
		const first = await StudioPage.open(studio);
		await startDocument(first, await photoPath('coffee'));
		await first.byTestId('tool-brush').click();
		await first.byTestId('brush-size').fill('150');
		await paintStroke(first, [
			{ x: 100, y: 100 },
			{ x: 300, y: 250 }
		]);
		await first.byTestId('apply-to-mask').click();
		await expect(first.waitForStatus('done', 'error')).resolves.toBe('done');
		const pixels = await exported(first);
		const labels = await historyLabels(first);
		const project = path.join(dir, 'coffee.rakkan');
		await writeFile(project, await first.download('project-save'));
		await first.page.close();

		// A new browser profile: nothing stored, nothing restored.
		const second = await StudioPage.open(studio);
		await expect(layerCount(second)).resolves.toBe(0);
		await second.byTestId('project-open').setInputFiles(project);
		await waitForHistory(second, labels.length);
		await expect(historyLabels(second)).resolves.toEqual(labels);
		await second.page.locator('[data-testid=export-png]:enabled').waitFor();
		expect((await exported(second)).data.equals(pixels.data)).toBe(true);

		// Corrupt or foreign files: a clear alert, and the open document unchanged.
		const bytes = await readFile(project);
		const bad = [
			{
				name: 'truncated.rakkan',
				buffer: bytes.subarray(0, Math.floor(bytes.length / 2)),
				error: PROJECT_ERRORS.damaged
			},
			{
				name: 'noise.rakkan',
				buffer: Buffer.from('definitely not a zip file'),
				error: PROJECT_ERRORS.notZip
			},
			{
				name: 'foreign.rakkan',
				buffer: Buffer.from(zipSync({ 'notes.txt': strToU8('hello') })),
				error: PROJECT_ERRORS.foreign
			}
		];
		for (const { name, buffer, error } of bad) {
			await second.byTestId('project-open').setInputFiles({ name, buffer, mimeType: 'application/zip' });
			const alert = second.page.getByRole('alert');
			await expect.poll(() => alert.textContent(), { message: name }).toBe(`${name}: ${error}`);
			await expect(historyLabels(second)).resolves.toEqual(labels);
			await expect(layerCount(second)).resolves.toBe(2);
		}
		expect((await exported(second)).data.equals(pixels.data)).toBe(true);
		expect(second.errors).toEqual([]);
		await second.page.close();
	});

	it('crops the document and moves a layer by typed numbers', async () => {
		const studioPage = await StudioPage.open(studio);
		const coffee = await photoPath('coffee');
		await startDocument(studioPage, coffee);
		await stylizeWhole(studioPage);
		const stylized = await exported(studioPage);
		const photo = await rawOf(coffee);

		// The stylized layer 100 px to the right: the photo shows in the uncovered strip on the left.
		await studioPage.byTestId('layer-x').fill('100');
		await studioPage.byTestId('layer-x').press('Enter');
		await waitForHistory(studioPage, 3);
		const moved = await exported(studioPage);
		expect(meanDiff(moved, photo, { x: 0, y: 0, width: 100, height: 400 })).toBe(0);
		expect(pixelAt(moved, 350, 200)).toEqual(pixelAt(stylized, 250, 200));

		await studioPage.byTestId('tool-crop').click();
		for (const [field, value] of [
			['x', '50'],
			['y', '40'],
			['width', '300'],
			['height', '200']
		] as const) {
			await studioPage.byTestId(`crop-${field}`).fill(value);
			await studioPage.byTestId(`crop-${field}`).press('Enter');
		}
		await studioPage.byTestId('crop-apply').click();
		await waitForHistory(studioPage, 4);
		await expect(historyLabels(studioPage)).resolves.toContain('Cropped to 300 x 200 at 50, 40');
		const cropped = await exported(studioPage);
		expect([cropped.width, cropped.height]).toEqual([300, 200]);
		expect(pixelAt(cropped, 10, 10)).toEqual(pixelAt(moved, 60, 50));
		expect(pixelAt(cropped, 250, 150)).toEqual(pixelAt(moved, 300, 190));
		expect(studioPage.errors).toEqual([]);
		await studioPage.page.close();
	});

	it('says so when browser storage is full, keeps the document open and the last save intact', async () => {
		const studioPage = await StudioPage.open(studio);
		const { page } = studioPage;
		await startDocument(studioPage, await photoPath('coffee'));
		await page.locator('[data-testid=autosave][data-state=saved]').waitFor();

		// The browser refuses every write from now on, as it does past its storage quota.
		await page.evaluate(() => {
			const put = IDBObjectStore.prototype.put;
			(window as unknown as { realPut: typeof put }).realPut = put;
			IDBObjectStore.prototype.put = () => {
				throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
			};
		});
		await studioPage.byTestId('layer-visible-0').uncheck();
		await waitForHistory(studioPage, 2);
		await page.locator('[data-testid=autosave][data-state=failed]').waitFor();
		await expect(studioPage.byTestId('storage-problem').textContent()).resolves.toBe(AUTOSAVE_ERRORS.full);
		await expect(studioPage.byTestId('layer-0').getAttribute('data-visible')).resolves.toBe('false');

		// Room again: the next change is saved and the message goes away.
		await page.evaluate(() => {
			IDBObjectStore.prototype.put = (window as unknown as { realPut: IDBObjectStore['put'] }).realPut;
		});
		await studioPage.byTestId('layer-visible-0').check();
		await waitForHistory(studioPage, 3);
		await page.locator('[data-testid=autosave][data-state=saved]').waitFor();
		await expect(studioPage.byTestId('storage-problem').count()).resolves.toBe(0);
		await page.reload();
		await waitForHistory(studioPage, 3);
		await expect(studioPage.byTestId('layer-0').getAttribute('data-visible')).resolves.toBe('true');
		expect(studioPage.errors).toEqual([]);
		await page.close();
	});

	it('exports JPEG and WebP at a chosen long side', async () => {
		const studioPage = await StudioPage.open(studio);
		await startDocument(studioPage, await photoPath('coffee'));
		await stylizeWhole(studioPage);
		await studioPage.byTestId('export-long-side').selectOption('256');
		for (const format of ['jpeg', 'webp'] as const) {
			await studioPage.byTestId('export-format').selectOption(format);
			await studioPage.byTestId('export-quality').fill('0.8');
			const file = await studioPage.download('export');
			const meta = await sharp(file).metadata();
			expect(meta.format, format).toBe(format);
			expect([meta.width, meta.height], format).toEqual([256, 171]);
			// Signed, with the document's history among the actions.
			const verdict = await c2paValidate(file, `image/${format}`);
			expect(verdict.state, format).toBe('Valid');
			const manifest = verdict.report!.manifests[verdict.report!.active_manifest!]!;
			expect(JSON.stringify(manifest.assertions), format).toContain('Stylized layer');
		}
		await expect(studioPage.page.getByRole('alert').count()).resolves.toBe(0);
		expect(studioPage.errors).toEqual([]);
		await studioPage.page.close();
	});

	it('reaches every editor control from the keyboard, with labels (axe-core finds nothing serious)', async () => {
		// axe is injected as a script, which the studio's Content-Security-Policy would rightly refuse.
		const context = await studio.browser.newContext({ bypassCSP: true, viewport: STUDIO_VIEWPORT });
		const studioPage = await StudioPage.open(studio, { context });
		const { page } = studioPage;
		await startDocument(studioPage, await photoPath('coffee'));
		await stylizeWhole(studioPage);

		// Keyboard only: hide the stylized layer with Space, undo with Ctrl+Z.
		await studioPage.byTestId('layer-visible-1').focus();
		await page.keyboard.press('Space');
		await expect.poll(() => studioPage.byTestId('layer-1').getAttribute('data-visible')).toBe('false');
		await page.keyboard.press('Control+z');
		await expect.poll(() => studioPage.byTestId('layer-1').getAttribute('data-visible')).toBe('true');
		// Every editor control takes focus from Tab (none is mouse-only).
		const unreachable = await page.evaluate(() =>
			[...document.querySelectorAll('aside.editor :is(button, input, select)')]
				.filter((el) => (el as HTMLElement).tabIndex < 0)
				.map((el) => el.outerHTML)
		);
		expect(unreachable).toEqual([]);

		expect(await seriousAxeViolations(page)).toEqual([]);
		await context.close();
	});
});
