// The foundation journey in real Chromium against the production build, with the real model.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoPath } from '../helpers/assets';
import { type Studio, StudioPage, startStudio } from './harness';

let studio: Studio;

beforeAll(async () => {
	studio = await startStudio();
});

afterAll(async () => {
	await studio?.stop();
});

async function rgbOf(file: string | Buffer) {
	const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height };
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
	let sum = 0;
	for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
	return sum / a.length;
}

describe('studio journey', () => {
	it('picks wasm over software WebGL, stylizes after The Night Watch and exports a full-size PNG', async () => {
		const studioPage = await StudioPage.open(studio);
		const { page } = studioPage;
		// Headless Chromium here renders WebGL with SwiftShader: the engine must prefer wasm.
		await expect(studioPage.byTestId('backend').getAttribute('data-backend')).resolves.toBe('wasm');
		await expect(studioPage.byTestId('backend').getAttribute('title')).resolves.toMatch(/SwiftShader/i);

		// coffee.png is 600x400: painted at a 512 px working side, exported at the photo's full size.
		const coffee = await photoPath('coffee');
		await studioPage.setContent(coffee);
		await expect(studioPage.byTestId('content-size').textContent()).resolves.toContain('600×400');
		await expect(studioPage.byTestId('stage').getAttribute('data-showing')).resolves.toBe('content');
		await expect(studioPage.byTestId('stylize').isDisabled()).resolves.toBe(true);

		await studioPage.byTestId('style-option-rembrandt-night-watch').click();
		await expect(
			studioPage.byTestId('style-option-rembrandt-night-watch').getAttribute('aria-pressed')
		).resolves.toBe('true');
		await studioPage.byTestId('strength').fill('0.8');
		await studioPage.byTestId('working-side').selectOption('512');
		await studioPage.byTestId('stylize').click();
		await expect(studioPage.status()).resolves.toBe('running');
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		await expect(studioPage.byTestId('progress').getAttribute('value')).resolves.toBe('1');
		await expect(studioPage.byTestId('stage').getAttribute('data-showing')).resolves.toBe('result');
		await expect(page.getByRole('alert').count()).resolves.toBe(0);

		const exported = await rgbOf(await studioPage.exportPng());
		const original = await rgbOf(coffee);
		expect([exported.width, exported.height]).toEqual([600, 400]);
		// Clearly restyled, not a copy of the photo.
		expect(meanAbsDiff(exported.data, original.data)).toBeGreaterThan(15);
		expect(studioPage.errors).toEqual([]);
		await page.close();
	});

	it('zooms with the wheel about the pointer, pans by dragging, and fits back to the view', async () => {
		const studioPage = await StudioPage.open(studio);
		const { page } = studioPage;
		await studioPage.setContent(await photoPath('chelsea'));
		const stage = studioPage.byTestId('stage');
		await page.locator('[data-testid=stage][data-showing=content][data-ready=true]').waitFor();
		const fitted = Number(await stage.getAttribute('data-zoom'));
		const box = (await stage.boundingBox())!;
		await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
		await page.mouse.wheel(0, -300);
		await expect.poll(async () => Number(await stage.getAttribute('data-zoom'))).toBeGreaterThan(fitted);
		const panBefore = await stage.getAttribute('data-pan');
		await page.mouse.down();
		await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 60, { steps: 5 });
		await page.mouse.up();
		await expect.poll(() => stage.getAttribute('data-pan')).not.toBe(panBefore);
		await studioPage.byTestId('fit').click();
		await expect.poll(async () => Number(await stage.getAttribute('data-zoom'))).toBeCloseTo(fitted, 3);
		await page.close();
	});

	it('cancels a running job, then stylizes again with an uploaded style image; the newest request wins', async () => {
		const studioPage = await StudioPage.open(studio);
		const { page } = studioPage;
		await studioPage.setContent(await photoPath('astronaut'));
		await studioPage.byTestId('style-input').setInputFiles(await photoPath('chelsea'));
		await expect(studioPage.byTestId('style-upload-name').textContent()).resolves.toContain('chelsea.png');

		await studioPage.byTestId('working-side').selectOption('1536');
		await studioPage.byTestId('stylize').click();
		await expect(studioPage.status()).resolves.toBe('running');
		await studioPage.byTestId('cancel').click();
		await expect(studioPage.waitForStatus('canceled', 'done', 'error')).resolves.toBe('canceled');
		await expect(studioPage.byTestId('stage').getAttribute('data-showing')).resolves.toBe('content');

		// Two requests in a row: the first is superseded, only the second finishes.
		await studioPage.byTestId('working-side').selectOption('512');
		await studioPage.byTestId('stylize').click();
		await studioPage.byTestId('stylize').click();
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		const exported = await rgbOf(await studioPage.exportPng());
		expect([exported.width, exported.height]).toEqual([512, 512]);
		expect(studioPage.errors).toEqual([]);
		await page.close();
	});

	it('blends two styles with weights and keeps the photo colours when asked', async () => {
		const studioPage = await StudioPage.open(studio);
		const { page } = studioPage;
		await studioPage.setContent(await photoPath('coffee'));
		await studioPage.byTestId('style-blend').check();
		await studioPage.byTestId('style-option-van-gogh-starry-night').click();
		await studioPage.byTestId('style-option-klimt-the-kiss').click();
		await expect(studioPage.byTestId('style-weight-catalog:van-gogh-starry-night').count()).resolves.toBe(1);
		await studioPage.byTestId('style-weight-catalog:klimt-the-kiss').fill('0.3');
		// Clicking a chosen style again takes it out of the blend.
		await studioPage.byTestId('style-option-klimt-the-kiss').click();
		await expect(
			studioPage.byTestId('style-option-klimt-the-kiss').getAttribute('aria-pressed')
		).resolves.toBe('false');
		await studioPage.byTestId('style-option-klimt-the-kiss').click();
		await studioPage.byTestId('preserve-colors').check();
		await studioPage.byTestId('working-side').selectOption('512');
		await studioPage.byTestId('stylize').click();
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		const exported = await rgbOf(await studioPage.exportPng());
		const original = await rgbOf(await photoPath('coffee'));
		// Restyled light, the photo's own colours: every pixel's channels moved by the same amount.
		let chromaShift = 0;
		for (let i = 0; i < exported.data.length; i += 3) {
			const d = [0, 1, 2].map((c) => exported.data[i + c]! - original.data[i + c]!);
			chromaShift += Math.max(...d) - Math.min(...d);
		}
		expect(chromaShift / (exported.data.length / 3)).toBeLessThan(3);
		expect(meanAbsDiff(exported.data, original.data)).toBeGreaterThan(5);
		expect(studioPage.errors).toEqual([]);
		await page.close();
	});
});
