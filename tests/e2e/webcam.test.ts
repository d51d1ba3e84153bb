// Webcam capture as a content source, in real Chromium with its built-in fake camera (a test pattern) and
// the permission prompt answered yes: the picture becomes the document's bottom layer and the camera is
// released once it is taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyLabels, layerCount } from './editor-page';
import { type Studio, StudioPage, startStudio } from './harness';

let studio: Studio;

beforeAll(async () => {
	studio = await startStudio({
		chromiumArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']
	});
});

afterAll(async () => {
	await studio?.stop();
});

describe('webcam capture', () => {
	it('takes a picture from the camera as the photo of a new document and stops the camera', async () => {
		const studioPage = await StudioPage.open(studio);
		const page = studioPage.page;
		await studioPage.byTestId('webcam-open').click();
		await studioPage.byTestId('webcam-capture').waitFor();
		await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
		const size = await page.evaluate(() => {
			const video = document.querySelector('video')!;
			return { width: video.videoWidth, height: video.videoHeight };
		});
		await studioPage.byTestId('webcam-capture').click();
		await studioPage.byTestId('layer-0').waitFor();

		expect(await layerCount(studioPage)).toBe(1);
		expect((await historyLabels(studioPage))[0]).toMatch(/from a webcam capture/);
		// The camera is released: no preview, no live track.
		await expect(page.locator('video').count()).resolves.toBe(0);
		await studioPage.byTestId('webcam-open').waitFor();
		// The document has the camera's frame size, and the picture is not blank.
		const picture = await page.evaluate(async () => {
			const stage = document.querySelector('[data-testid=stage] canvas') as HTMLCanvasElement | null;
			if (!stage) return null;
			const context = stage.getContext('2d')!;
			const { data } = context.getImageData(0, 0, stage.width, stage.height);
			let lit = 0;
			for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > 60) lit++;
			return lit;
		});
		expect(picture).toBeGreaterThan(1000);
		expect(await studioPage.byTestId('stage').getAttribute('data-document-size')).toBe(
			`${size.width}x${size.height}`
		);
		expect(studioPage.errors).toEqual([]);
	});
});
