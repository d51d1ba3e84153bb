import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { paintStroke, solidMask } from '../../src/lib/kernels/brush';
import { encodeGreyPng } from '../../src/lib/kernels/png';
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
});
