// The controls artists ask for, on the real arbitrary-wyf weights: blends of several styles and
// keeping the photo's colours.
import { beforeAll, describe, expect, it } from 'vitest';
import { findStyle } from '../../src/lib/assets/catalog';
import type { StyleEngine } from '../../src/lib/engine/engine';
import { DEFAULT_SETTINGS, type Pixels, type StylizeSettings } from '../../src/lib/engine/types';
import { defaultCacheDir, readVerified } from '../../src/lib/node/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import { decodeImage } from '../../src/lib/node/image-io';
import { createNodeEngine } from '../../src/lib/node/node-engine';
import { meanAbsDiff, meanChromaDiff, smallPhoto } from '../helpers/pixels';

let engine: StyleEngine;
let photo: Pixels;
const styles: Record<string, Pixels> = {};

function settings(overrides: Partial<StylizeSettings> = {}): StylizeSettings {
	return {
		...DEFAULT_SETTINGS,
		modelId: 'arbitrary-wyf',
		workingSide: 160,
		output: { width: photo.width, height: photo.height },
		...overrides
	};
}

beforeAll(async () => {
	const catalog = await loadProjectCatalog();
	engine = await createNodeEngine(catalog);
	photo = await smallPhoto('coffee', 160);
	for (const id of ['van-gogh-starry-night', 'rembrandt-night-watch']) {
		styles[id] = await decodeImage(
			await readVerified(findStyle(catalog, id)!.files[0]!, defaultCacheDir(PROJECT_ROOT))
		);
	}
});

describe('style blends', () => {
	it('a 0.7/0.3 blend lies between its two styles, nearer the heavier one', async () => {
		const starry = styles['van-gogh-starry-night']!;
		const watch = styles['rembrandt-night-watch']!;
		const paint = (list: { pixels: Pixels; weight: number }[]) =>
			engine.stylize({ content: photo, styles: list, settings: settings() });
		const onlyStarry = await paint([{ pixels: starry, weight: 1 }]);
		const onlyWatch = await paint([{ pixels: watch, weight: 1 }]);
		const blend = await paint([
			{ pixels: starry, weight: 0.7 },
			{ pixels: watch, weight: 0.3 }
		]);
		const toStarry = meanAbsDiff(blend, onlyStarry);
		const toWatch = meanAbsDiff(blend, onlyWatch);
		expect(toStarry).toBeGreaterThan(1);
		expect(toWatch).toBeGreaterThan(1);
		expect(toStarry).toBeLessThan(toWatch);
		// Weights are proportions: 7 and 3 paint exactly what 0.7 and 0.3 paint.
		const scaled = await paint([
			{ pixels: starry, weight: 7 },
			{ pixels: watch, weight: 3 }
		]);
		expect(meanAbsDiff(scaled, blend)).toBeLessThan(0.01);
	});
});

describe('preserve colours', () => {
	it("keeps the output's chroma close to the photo's while still restyling its light", async () => {
		const starry = [{ pixels: styles['van-gogh-starry-night']!, weight: 1 }];
		const free = await engine.stylize({ content: photo, styles: starry, settings: settings() });
		const kept = await engine.stylize({
			content: photo,
			styles: starry,
			settings: settings({ preserveColors: true })
		});
		const chromaFree = meanChromaDiff(free, photo);
		const chromaKept = meanChromaDiff(kept, photo);
		console.info(
			`chroma distance to the photo: ${chromaFree.toFixed(2)} free, ${chromaKept.toFixed(2)} kept`
		);
		expect(chromaKept).toBeLessThan(chromaFree / 3);
		expect(chromaKept).toBeLessThan(4);
		// Still a painting: its light differs clearly from the photo's.
		expect(meanAbsDiff(kept, photo)).toBeGreaterThan(10);
	});
});
