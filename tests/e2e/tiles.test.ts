// Tiles in the studio: painter workers on the CPU path, progress by layer (tiles reading their
// statistics together) or by tile, and recovery from a lost WebGL context that resumes from the
// finished tiles.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { photoPath } from '../helpers/assets';
import { makeTempDir, removeDir } from '../helpers/images';
import { type Studio, StudioPage, startStudio } from './harness';

let studio: Studio;
let dir: string;

beforeAll(async () => {
	studio = await startStudio();
	dir = await makeTempDir('rakkan-e2e-tiles-');
});

afterAll(async () => {
	await studio?.stop();
	await removeDir(dir);
});

async function exportedSize(studioPage: StudioPage): Promise<[number, number]> {
	const meta = await sharp(await studioPage.exportPng()).metadata();
	return [meta.width!, meta.height!];
}

describe('tiles in the studio', () => {
	it('paints a photo at full size in tiles on painter workers, counting the layers they read together', async () => {
		const studioPage = await StudioPage.open(studio);
		await studioPage.setContent(await photoPath('rocket'));
		await studioPage.byTestId('style-option-hokusai-great-wave').click();
		await studioPage.byTestId('working-side').selectOption('0');
		await studioPage.byTestId('tile-size').selectOption('256');
		await studioPage.byTestId('stylize').click();
		await studioPage.page
			.getByText(/Painting 6 tiles together: layer \d+ of 15/)
			.waitFor({ timeout: 60_000 });
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		await expect(exportedSize(studioPage)).resolves.toEqual([640, 427]);
		expect(studioPage.errors).toEqual([]);
		await studioPage.page.close();
	});

	it('recovers from a lost WebGL context mid-job and finishes, telling the user', async () => {
		const studioPage = await StudioPage.open(studio);
		await studioPage.byTestId('backend-preference').selectOption('webgl');
		await studioPage.page.locator('[data-testid=backend][data-backend=webgl]').waitFor({ timeout: 60_000 });
		await studioPage.byTestId('model').selectOption('manga-ink');
		await studioPage.setContent(await photoPath('coffee'));
		await studioPage.byTestId('working-side').selectOption('512');
		await studioPage.byTestId('tile-size').selectOption('256');
		await studioPage.byTestId('stylize').click();
		await studioPage.page.getByText(/Painting tile [2-6] of 6/).waitFor({ timeout: 120_000 });
		await studioPage.byTestId('simulate-gpu-reset').click();
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		await expect(studioPage.byTestId('engine-notice').textContent()).resolves.toMatch(
			/The webgl backend failed \(the WebGL context was lost\); Rakkan (restarted webgl|switched to wasm) and resumed/
		);
		await expect(exportedSize(studioPage)).resolves.toEqual([600, 400]);
		expect(studioPage.errors).toEqual([]);
		await studioPage.page.close();
	});

	it('paints a 24 MP photo at full size in the browser, in tiles, and exports it', async () => {
		const big = path.join(dir, 'rocket-24mp.jpg');
		await sharp(await photoPath('rocket'))
			.resize(6000, 4000, { fit: 'fill' })
			.jpeg({ quality: 85 })
			.toFile(big);
		const studioPage = await StudioPage.open(studio);
		await studioPage.byTestId('model').selectOption('manga-ink');
		await studioPage.setContent(big);
		await expect
			.poll(() => studioPage.byTestId('content-size').textContent(), { timeout: 60_000 })
			.toContain('6000×4000');
		await studioPage.byTestId('working-side').selectOption('0');
		await studioPage.byTestId('stylize').click();
		await studioPage.page.getByText(/Painting tile \d+ of 54/).waitFor({ timeout: 120_000 });
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		await expect(exportedSize(studioPage)).resolves.toEqual([6000, 4000]);
		expect(studioPage.errors).toEqual([]);
		await studioPage.page.close();
	});
});
