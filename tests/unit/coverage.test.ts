import { describe, expect, it } from 'vitest';
import { shownBox, unionBox } from '../../src/lib/kernels/coverage';

function pixels(width: number, height: number, on: [number, number, number][]) {
	const data = new Uint8ClampedArray(width * height * 4);
	for (const [x, y, value] of on) data[(y * width + x) * 4 + 3] = value;
	return { width, height, data };
}

describe('shownBox', () => {
	it('is the box of the pixels with alpha above 0', () => {
		expect(
			shownBox(
				pixels(6, 5, [
					[1, 3, 1],
					[4, 1, 255]
				]),
				3
			)
		).toEqual({ x: 1, y: 1, width: 4, height: 3 });
	});

	it('is null for a fully transparent image, and reads only the channel asked for', () => {
		expect(shownBox(pixels(3, 3, []), 3)).toBeNull();
		expect(shownBox(pixels(3, 3, [[2, 2, 9]]), 0)).toBeNull();
		expect(shownBox(pixels(3, 3, [[2, 2, 9]]), 3)).toEqual({ x: 2, y: 2, width: 1, height: 1 });
	});

	it('looks only inside `within` when asked (a stroke looks again only where it may have changed)', () => {
		const image = pixels(8, 6, [
			[0, 0, 5],
			[3, 2, 7],
			[5, 4, 1]
		]);
		expect(shownBox(image, 3, { x: 2, y: 1, width: 6, height: 5 })).toEqual({
			x: 3,
			y: 2,
			width: 3,
			height: 3
		});
		expect(shownBox(image, 3, { x: 6, y: 0, width: 9, height: 9 })).toBeNull();
	});
});

describe('unionBox', () => {
	it('holds both boxes, or the one there is', () => {
		const a = { x: 1, y: 2, width: 3, height: 1 };
		expect(unionBox(a, { x: 0, y: 5, width: 2, height: 2 })).toEqual({ x: 0, y: 2, width: 4, height: 5 });
		expect(unionBox(null, a)).toEqual(a);
		expect(unionBox(null, null)).toBeNull();
	});
});
