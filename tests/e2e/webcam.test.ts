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
		// The button waits for the preview's first frame, so the click lands on a real picture.
		await studioPage.byTestId('webcam-capture').click();
		await studioPage.byTestId('layer-0').waitFor();
		await page.locator('[data-testid=stage][data-ready=true]').waitFor();

		expect(await layerCount(studioPage)).toBe(1);
		expect((await historyLabels(studioPage))[0]).toMatch(/from a webcam capture/);
		// The camera is released: no preview, no live track.
		await expect(page.locator('video').count()).resolves.toBe(0);
		await studioPage.byTestId('webcam-open').waitFor();
		// The document has the camera's frame size, and the picture is not blank (the stage draws on the
		// next animation frame, so read it until it shows).
		const litPixels = () =>
			page.evaluate(() => {
				const stage = document.querySelector('[data-testid=stage] canvas') as HTMLCanvasElement | null;
				if (!stage) return 0;
				const { data } = stage.getContext('2d')!.getImageData(0, 0, stage.width, stage.height);
				let lit = 0;
				for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > 60) lit++;
				return lit;
			});
		await expect.poll(litPixels, { timeout: 10_000 }).toBeGreaterThan(1000);
		expect(await studioPage.byTestId('stage').getAttribute('data-document-size')).toBe(
			`${size.width}x${size.height}`
		);
		expect(studioPage.errors).toEqual([]);
	});
});
