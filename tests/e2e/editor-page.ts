// Editor helpers over the studio page object: paint on the stage in document pixels, read the layer
// list and the history, and decode exports to raw pixels.
import sharp from 'sharp';
import type { StudioPage } from './harness';

export interface Raw {
	data: Buffer;
	width: number;
	height: number;
}

/** An image file's pixels as RGBA. */
export async function rawOf(file: string | Buffer): Promise<Raw> {
	const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height };
}

export function pixelAt(image: Raw, x: number, y: number): number[] {
	const i = (y * image.width + x) * 4;
	return [...image.data.subarray(i, i + 4)];
}

/** Mean absolute difference of the RGB channels inside the rectangle. */
export function meanDiff(a: Raw, b: Raw, rect = { x: 0, y: 0, width: a.width, height: a.height }): number {
	let sum = 0;
	let count = 0;
	for (let y = rect.y; y < rect.y + rect.height; y++) {
		for (let x = rect.x; x < rect.x + rect.width; x++) {
			const i = (y * a.width + x) * 4;
			for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i + c]! - b.data[i + c]!);
			count += 3;
		}
	}
	return sum / count;
}

/** Where a document pixel is on the screen, from the stage's box, zoom and pan. */
export async function screenPoint(
	studioPage: StudioPage,
	x: number,
	y: number
): Promise<{ x: number; y: number }> {
	const stage = studioPage.byTestId('stage');
	const box = (await stage.boundingBox())!;
	const zoom = Number(await stage.getAttribute('data-zoom'));
	const [panX, panY] = (await stage.getAttribute('data-pan'))!.split(',').map(Number);
	return { x: box.x + panX! + x * zoom, y: box.y + panY! + y * zoom };
}

/** Drags the pointer through these document points with the current tool, then waits for the history entry. */
export async function paintStroke(studioPage: StudioPage, points: { x: number; y: number }[]): Promise<void> {
	const { page } = studioPage;
	const before = await historyLength(studioPage);
	await studioPage.page.locator('[data-testid=stage][data-ready=true]').waitFor();
	const first = await screenPoint(studioPage, points[0]!.x, points[0]!.y);
	await page.mouse.move(first.x, first.y);
	await page.mouse.down();
	for (const point of points.slice(1)) {
		const at = await screenPoint(studioPage, point.x, point.y);
		await page.mouse.move(at.x, at.y, { steps: 8 });
	}
	await page.mouse.up();
	await studioPage.page.locator(`[data-testid=history] li:nth-child(${before + 1})`).waitFor();
}

export async function historyLength(studioPage: StudioPage): Promise<number> {
	return studioPage.byTestId('history').locator('li').count();
}

export async function historyLabels(studioPage: StudioPage): Promise<string[]> {
	return studioPage
		.byTestId('history')
		.locator('li')
		.allTextContents()
		.then((all) => all.map((s) => s.trim()));
}

export async function layerCount(studioPage: StudioPage): Promise<number> {
	return studioPage.byTestId('layers').locator('li').count();
}

/** Waits until the history shows `length` entries with the cursor after `cursor` of them. */
export async function waitForHistory(studioPage: StudioPage, length: number, cursor = length): Promise<void> {
	await studioPage.page
		.locator(`[data-testid=history][data-cursor="${cursor}"]`)
		.waitFor({ timeout: 30_000 });
	await studioPage.page.locator(`[data-testid=history] li:nth-child(${length})`).waitFor();
}

/** Loads a photo, picks the fast manga-ink model at a 512 px working side, and waits for the document. */
export async function startDocument(studioPage: StudioPage, photo: string): Promise<void> {
	await studioPage.setContent(photo);
	await studioPage.byTestId('layer-0').waitFor();
	await studioPage.byTestId('model').selectOption('manga-ink');
	await studioPage.byTestId('working-side').selectOption('512');
}
