import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { paintStroke, solidMask } from '../../src/lib/kernels/brush';
import { encodeGreyPng, greyScanlines, updateScanlines } from '../../src/lib/kernels/png';
import { readImageHeader } from '../../src/lib/kernels/image-header';

describe('encodeGreyPng', () => {
	it('writes a greyscale PNG that decodes to the mask values', async () => {
		const mask = solidMask(37, 23, 0);
		paintStroke(
			mask,
			[
				{ x: 3, y: 4 },
				{ x: 30, y: 18 }
			],
			{ tool: 'brush', size: 9, hardness: 0.4, opacity: 0.8 }
		);
		const png = await encodeGreyPng(mask);
		const header = readImageHeader(png);
		expect([header.format, header.orientedWidth, header.orientedHeight]).toEqual(['png', 37, 23]);
		expect((await sharp(png).metadata()).space).toBe('b-w');
		const { data } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
		const grey = Array.from({ length: 37 * 23 }, (_, i) => mask.data[i * 4]);
		expect([...data]).toEqual(grey);
		expect(new Set(grey).size).toBeGreaterThan(2);
	});

	it('scanlines kept up to date where a stroke painted give the same file as fresh ones', async () => {
		const mask = solidMask(40, 30, 0);
		const rows = greyScanlines(mask);
		const dirty = paintStroke(
			mask,
			[
				{ x: 5, y: 20 },
				{ x: 33, y: 6 }
			],
			{ tool: 'brush', size: 7, hardness: 0.5, opacity: 1 }
		);
		updateScanlines(rows, mask, dirty!);
		expect(rows).toEqual(greyScanlines(mask));
		expect(await encodeGreyPng(mask, rows)).toEqual(await encodeGreyPng(mask));
	});
});
