// The checks every fixed-look model (no style image; strength blends with the photo) must pass through
// the engine, registered inside the caller's describe: size, clear change, determinism, strength, leaks.
import { expect, it } from 'vitest';
import { type Catalog, findModel, takesStyleImage } from '../../src/lib/assets/catalog';
import type { StyleEngine } from '../../src/lib/engine/engine';
import type { Pixels, StylizeSettings } from '../../src/lib/engine/types';
import { loadProjectCatalog } from '../../src/lib/node/catalog-fs';
import { createNodeEngine, useWasmBackend } from '../../src/lib/node/node-engine';
import type { PhotoId } from './assets';
import { jobSettings } from './engine';
import { meanAbsDiff, smallPhoto } from './pixels';
import { expectMatchesReference, referenceContent } from './reference';

/** What a model test file needs, made in its beforeAll: wasm tfjs, the catalog, an engine, a small photo. */
export async function setUpModelTests(photo: PhotoId, side: number) {
	const tf = await useWasmBackend();
	const catalog = await loadProjectCatalog();
	return { tf, catalog, engine: await createNodeEngine(catalog), content: await smallPhoto(photo, side) };
}

export interface FixedLookContract {
	modelId: string;
	/** Mean absolute difference (0..255) a full-strength painting must keep from the photo. */
	minChange: number;
	/** What the stored reference image shows (reference content at 96 px), for the test's name. */
	referenceShows: string;
	/** Set up in the caller's beforeAll, hence read lazily. */
	tf(): Awaited<ReturnType<typeof useWasmBackend>>;
	catalog(): Catalog;
	engine(): StyleEngine;
	photo(): Pixels;
}

export function fixedLookContract(c: FixedLookContract): void {
	const paint = (overrides: Partial<StylizeSettings> = {}) =>
		c
			.engine()
			.stylize({ content: c.photo(), styles: [], settings: jobSettings(c.modelId, c.photo(), overrides) });

	it(`matches its reference image (chelsea at 96 px ${c.referenceShows})`, async () => {
		const input = await referenceContent();
		const settings = jobSettings(c.modelId, input, { workingSide: 96 });
		await expectMatchesReference(
			c.modelId,
			await c.engine().stylize({ content: input, styles: [], settings })
		);
	});

	it('paints at the requested size, clearly unlike the photo, without a style image', async () => {
		expect(takesStyleImage(findModel(c.catalog(), c.modelId))).toBe(false);
		const same = await paint();
		expect([same.width, same.height]).toEqual([c.photo().width, c.photo().height]);
		expect(meanAbsDiff(same, c.photo())).toBeGreaterThan(c.minChange);
		const odd = await paint({ output: { width: 77, height: 50 } });
		expect([odd.width, odd.height]).toEqual([77, 50]);
		for (let i = 3; i < odd.data.length; i += 4) if (odd.data[i] !== 255) expect.fail(`alpha ${odd.data[i]}`);
	});

	it('gives byte-identical output for the same input', async () => {
		const first = await paint();
		const second = await paint();
		expect(Buffer.from(second.data).equals(Buffer.from(first.data))).toBe(true);
	});

	it('strength 0 gives the photo back and 0.5 lies halfway to the full painting', async () => {
		expect(meanAbsDiff(await paint({ strength: 0 }), c.photo())).toBeLessThan(1);
		const full = await paint();
		const half = await paint({ strength: 0.5 });
		const fullToPhoto = meanAbsDiff(full, c.photo());
		for (const distance of [meanAbsDiff(half, c.photo()), meanAbsDiff(half, full)]) {
			expect(distance).toBeGreaterThan(fullToPhoto * 0.4);
			expect(distance).toBeLessThan(fullToPhoto * 0.6);
		}
	});

	it('leaves no tensors behind after 10 runs, and none at all once disposed', async () => {
		const tf = c.tf();
		const own = await createNodeEngine(c.catalog());
		const before = tf.memory().numTensors;
		await own.model(c.modelId);
		const loaded = tf.memory().numTensors;
		expect(loaded).toBeGreaterThan(before);
		for (let run = 0; run < 10; run++) {
			const settings = jobSettings(c.modelId, c.photo(), {
				strength: run / 9,
				workingSide: 64,
				output: { width: 40, height: 30 }
			});
			await own.stylize({ content: c.photo(), styles: [], settings });
		}
		expect(tf.memory().numTensors).toBe(loaded);
		own.dispose();
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(tf.memory().numTensors).toBe(before);
	});
}
