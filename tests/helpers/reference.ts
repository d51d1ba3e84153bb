// Reference-image checks: a model's output on a fixed small input is compared with a stored PNG in
// tests/fixtures/reference/. When a model or its preprocessing changes on purpose, regenerate them with
// `npm run test:references` and review the new images before committing them.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { Pixels } from '../../src/lib/engine/types';
import { PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import { decodeImage } from '../../src/lib/node/image-io';
import { meanAbsDiff, smallPhoto } from './pixels';

const REFERENCE_DIR = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'reference');
const UPDATING = process.env.RAKKAN_UPDATE_REFERENCES === '1';

/** The fixed input every reference is made from: the cat photo at a 96 px long side. */
export function referenceContent(): Promise<Pixels> {
	return smallPhoto('chelsea', 96);
}

/**
 * Asserts that `actual` matches the stored reference `name` within `tolerance` (mean absolute
 * difference over RGB on 0..255; backends differ slightly in float rounding).
 */
export async function expectMatchesReference(name: string, actual: Pixels, tolerance = 2): Promise<void> {
	const file = path.join(REFERENCE_DIR, `${name}.png`);
	if (UPDATING) {
		await mkdir(REFERENCE_DIR, { recursive: true });
		const raw = Buffer.from(actual.data.buffer, actual.data.byteOffset, actual.data.byteLength);
		await sharp(raw, { raw: { width: actual.width, height: actual.height, channels: 4 } })
			.png({ compressionLevel: 9 })
			.toFile(file);
		return;
	}
	if (!existsSync(file)) {
		throw new Error(
			`no reference image ${path.relative(PROJECT_ROOT, file)}: run \`npm run test:references\``
		);
	}
	const expected = await decodeImage(new Uint8Array(await sharp(file).png().toBuffer()));
	expect([actual.width, actual.height], `${name}: size`).toEqual([expected.width, expected.height]);
	expect(meanAbsDiff(actual, expected), `${name}: mean difference to the reference`).toBeLessThan(tolerance);
}
