// Bad input in the studio: a clear alert, nothing lost, and the studio keeps working.
// Unusual but valid images load at their displayed size.
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoPath } from '../helpers/assets';
import { makeTempDir, removeDir, writeBadImages, writeValidImages } from '../helpers/images';
import { type Studio, StudioPage, startStudio } from './harness';

let studio: Studio;
let dir: string;

beforeAll(async () => {
	studio = await startStudio();
	dir = await makeTempDir();
});

afterAll(async () => {
	await studio?.stop();
	await removeDir(dir);
});

describe('bad input in the studio', () => {
	it('refuses each bad photo or style file with an alert, keeps the previous ones, and still stylizes', async () => {
		// Missing paths and folders cannot be picked in a browser's file input.
		const bad = (await writeBadImages(dir)).filter((b) =>
			statSync(b.path, { throwIfNoEntry: false })?.isFile()
		);
		expect(bad.length).toBeGreaterThanOrEqual(6);
		const studioPage = await StudioPage.open(studio);
		const { page } = studioPage;
		const alert = page.getByRole('alert');
		await studioPage.setContent(await photoPath('astronaut'));
		await expect(studioPage.byTestId('content-size').textContent()).resolves.toContain('512×512');
		await studioPage.byTestId('style-option-rembrandt-night-watch').click();

		for (const file of bad) {
			await studioPage.setContent(file.path);
			await alert.waitFor();
			expect(await alert.textContent(), file.name).toMatch(file.message);
			// The photo already loaded is untouched.
			expect(await studioPage.byTestId('content-size').textContent(), file.name).toContain(
				'astronaut.png: 512×512'
			);

			await studioPage.byTestId('style-input').setInputFiles(file.path);
			await expect.poll(() => alert.textContent(), { message: file.name }).toMatch(file.message);
			await expect(
				studioPage.byTestId('style-option-rembrandt-night-watch').getAttribute('aria-pressed')
			).resolves.toBe('true');
		}

		await studioPage.byTestId('working-side').selectOption('512');
		await studioPage.byTestId('stylize').click();
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		await expect(alert.count()).resolves.toBe(0);
		expect(studioPage.errors).toEqual([]);
		await page.close();
	});

	it('loads unusual valid images at their displayed size (EXIF rotation, CMYK, 16-bit, gray, alpha, WebP, tiny)', async () => {
		const valid = await writeValidImages(dir);
		const studioPage = await StudioPage.open(studio);
		for (const image of valid) {
			await studioPage.setContent(image.path);
			await expect
				.poll(() => studioPage.byTestId('content-size').textContent(), { message: image.name })
				.toContain(`${image.width}×${image.height}`);
			await expect(studioPage.page.getByRole('alert').count(), image.name).resolves.toBe(0);
		}
		// The smallest of them still goes through the model and comes back at its own size.
		await studioPage.setContent(valid.find((v) => v.width === 3 && v.height === 2)!.path);
		await studioPage.byTestId('style-option-van-gogh-starry-night').click();
		await studioPage.byTestId('stylize').click();
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		expect(studioPage.errors).toEqual([]);
		await studioPage.page.close();
	});
});
