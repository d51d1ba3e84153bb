import { describe, expect, it } from 'vitest';
import {
	clampCropRect,
	cropMask,
	dabAlpha,
	documentToLayer,
	invertMask,
	isBlankMask,
	layerBounds,
	layerToDocument,
	type MaskPixels,
	paintStroke,
	solidMask,
	strokeBounds,
	strokeDabs
} from '../../src/lib/kernels/brush';
import { seededRandom } from '../helpers/random';

const value = (mask: MaskPixels, x: number, y: number) => mask.data[(y * mask.width + x) * 4]!;

describe('strokeDabs', () => {
	it('keeps the first and last points and spaces dabs evenly across big jumps', () => {
		const dabs = strokeDabs(
			[
				{ x: 0, y: 0 },
				{ x: 100, y: 0 }
			],
			20,
			0.1
		);
		expect(dabs[0]).toEqual({ x: 0, y: 0 });
		expect(dabs.at(-1)).toEqual({ x: 100, y: 0 });
		expect(dabs).toHaveLength(51);
		for (let i = 1; i < dabs.length; i++) expect(dabs[i]!.x - dabs[i - 1]!.x).toBeCloseTo(2);
	});

	it('carries spacing across segments and ignores repeated points', () => {
		const dabs = strokeDabs(
			[
				{ x: 0, y: 0 },
				{ x: 3, y: 0 },
				{ x: 3, y: 0 },
				{ x: 3, y: 4 }
			],
			10,
			0.2
		);
		// Path length 7, step 2: dabs at 0, 2, 4, 6 along the path, then the end.
		expect(dabs).toEqual([
			{ x: 0, y: 0 },
			{ x: 2, y: 0 },
			{ x: 3, y: 1 },
			{ x: 3, y: 3 },
			{ x: 3, y: 4 }
		]);
		expect(strokeDabs([{ x: 5, y: 5 }], 10)).toEqual([{ x: 5, y: 5 }]);
		expect(strokeDabs([], 10)).toEqual([]);
	});
});

describe('dabAlpha', () => {
	it('is 1 inside the hard core, 0 outside the radius, and falls monotonically between', () => {
		expect(dabAlpha(0, 10, 0)).toBe(1);
		expect(dabAlpha(4.9, 10, 0.5)).toBe(1);
		expect(dabAlpha(10, 10, 0.5)).toBe(0);
		expect(dabAlpha(9.99, 10, 1)).toBe(1);
		expect(dabAlpha(7.5, 10, 0.5)).toBeCloseTo(0.5);
		let previous = 1;
		for (let d = 5; d <= 10; d += 0.25) {
			const alpha = dabAlpha(d, 10, 0.5);
			expect(alpha).toBeLessThanOrEqual(previous);
			previous = alpha;
		}
	});
});

describe('paintStroke', () => {
	it('paints white inside the brush and leaves the rest of the mask alone', () => {
		const mask = solidMask(50, 40, 0);
		const dabs = strokeDabs(
			[
				{ x: 10, y: 20 },
				{ x: 40, y: 20 }
			],
			10
		);
		const dirty = paintStroke(mask, dabs, { tool: 'brush', size: 10, hardness: 1, opacity: 1 });
		expect(dirty).toEqual({ x: 5, y: 15, width: 40, height: 10 });
		expect(value(mask, 25, 20)).toBe(255);
		expect(value(mask, 25, 10)).toBe(0);
		expect(value(mask, 2, 20)).toBe(0);
		// Nothing outside the dirty rectangle changed.
		for (let y = 0; y < 40; y++) {
			for (let x = 0; x < 50; x++) {
				const inside =
					x >= dirty!.x && x < dirty!.x + dirty!.width && y >= dirty!.y && y < dirty!.y + dirty!.height;
				if (!inside) expect(value(mask, x, y)).toBe(0);
			}
		}
		expect(mask.data[(20 * 50 + 25) * 4 + 3]).toBe(255);
	});

	it('caps a stroke at its opacity however many dabs overlap, and erases towards black', () => {
		const mask = solidMask(20, 20, 0);
		const dabs = strokeDabs(
			[
				{ x: 10, y: 10 },
				{ x: 10.5, y: 10 }
			],
			8,
			0.01
		);
		paintStroke(mask, dabs, { tool: 'brush', size: 8, hardness: 1, opacity: 0.5 });
		expect(value(mask, 10, 10)).toBe(128);
		paintStroke(mask, [{ x: 10, y: 10 }], { tool: 'erase', size: 8, hardness: 1, opacity: 1 });
		expect(value(mask, 10, 10)).toBe(0);
	});

	it('soft brushes fade towards the edge', () => {
		const mask = solidMask(40, 40, 0);
		paintStroke(mask, [{ x: 20, y: 20 }], { tool: 'brush', size: 30, hardness: 0, opacity: 1 });
		const centre = value(mask, 19, 19);
		const middle = value(mask, 19 + 7, 19);
		const edge = value(mask, 19 + 13, 19);
		expect(centre).toBeGreaterThan(middle);
		expect(middle).toBeGreaterThan(edge);
		expect(edge).toBeGreaterThan(0);
	});

	it('a stroke off the document changes nothing', () => {
		const mask = solidMask(10, 10, 0);
		expect(
			paintStroke(mask, [{ x: -50, y: -50 }], { tool: 'brush', size: 10, hardness: 1, opacity: 1 })
		).toBeNull();
		expect(isBlankMask(mask)).toBe(true);
		expect(strokeBounds([{ x: 200, y: 5 }], 10, 10, 10)).toBeNull();
	});
});

describe('fill, invert, crop masks', () => {
	it('inverts twice back to the same pixels', () => {
		const mask = solidMask(8, 8, 0);
		paintStroke(mask, [{ x: 4, y: 4 }], { tool: 'brush', size: 6, hardness: 0.3, opacity: 0.7 });
		const copy = mask.data.slice();
		invertMask(mask);
		expect(value(mask, 0, 0)).toBe(255);
		expect(value(mask, 4, 4)).toBe(255 - copy[(4 * 8 + 4) * 4]!);
		invertMask(mask);
		expect(mask.data).toEqual(copy);
		expect(isBlankMask(solidMask(3, 3, 0))).toBe(true);
		expect(isBlankMask(solidMask(3, 3, 1))).toBe(false);
	});

	it('crops a mask to a rectangle', () => {
		const mask = solidMask(10, 10, 0);
		paintStroke(mask, [{ x: 7.5, y: 2.5 }], { tool: 'brush', size: 1, hardness: 1, opacity: 1 });
		const part = cropMask(mask, { x: 5, y: 0, width: 5, height: 5 });
		expect(part.width).toBe(5);
		expect(value(part, 2, 2)).toBe(255);
		expect(value(part, 0, 0)).toBe(0);
	});

	it('turns a dragged crop rectangle into whole pixels inside the document', () => {
		expect(clampCropRect({ x: 10.4, y: 5.6, width: 20.2, height: 10 }, 100, 50)).toEqual({
			x: 10,
			y: 6,
			width: 21,
			height: 10
		});
		expect(clampCropRect({ x: 50, y: 40, width: -60, height: -100 }, 100, 50)).toEqual({
			x: 0,
			y: 0,
			width: 50,
			height: 40
		});
		expect(clampCropRect({ x: 120, y: 10, width: 5, height: 0 }, 100, 50)).toEqual({
			x: 99,
			y: 10,
			width: 1,
			height: 1
		});
	});
});

describe('layer transforms', () => {
	it('maps layer corners to the document like the canvas does (translate, rotate, scale)', () => {
		const t = { x: 10, y: 20, scaleX: 2, scaleY: 3, rotation: 90 };
		const p = layerToDocument(t, { x: 1, y: 1 });
		expect(p.x).toBeCloseTo(10 - 3);
		expect(p.y).toBeCloseTo(20 + 2);
		const box = layerBounds(t, 10, 10);
		expect(box.x).toBeCloseTo(-20);
		expect(box.y).toBeCloseTo(20);
		expect(box.width).toBeCloseTo(30);
		expect(box.height).toBeCloseTo(20);
	});

	it('documentToLayer undoes layerToDocument', () => {
		const random = seededRandom(4);
		for (let i = 0; i < 100; i++) {
			const t = {
				x: random() * 100 - 50,
				y: random() * 100 - 50,
				scaleX: (random() + 0.1) * (random() < 0.5 ? -1 : 1),
				scaleY: random() + 0.1,
				rotation: random() * 720 - 360
			};
			const p = { x: random() * 500, y: random() * 500 };
			const back = documentToLayer(t, layerToDocument(t, p));
			expect(back.x).toBeCloseTo(p.x, 6);
			expect(back.y).toBeCloseTo(p.y, 6);
		}
	});
});

describe('pen pressure', () => {
	const line = (pressure: [number, number]) => [
		{ x: 10, y: 50, pressure: pressure[0] },
		{ x: 90, y: 50, pressure: pressure[1] }
	];

	it('interpolates pressure between the points of a stroke', () => {
		const dabs = strokeDabs(line([0.2, 1]), 20, 0.1);
		expect(dabs[0]!.pressure).toBe(0.2);
		expect(dabs.at(-1)!.pressure).toBe(1);
		const middle = dabs[Math.floor(dabs.length / 2)]!;
		expect(middle.pressure!).toBeCloseTo(0.2 + 0.8 * ((middle.x - 10) / 80), 5);
	});

	it('makes a light touch paint a thinner line in size mode', () => {
		const light = solidMask(100, 100, 0);
		const firm = solidMask(100, 100, 0);
		const brush = { tool: 'brush', size: 40, hardness: 1, opacity: 1, pressure: 'size' } as const;
		paintStroke(light, strokeDabs(line([0.25, 0.25]), 40), brush);
		paintStroke(firm, strokeDabs(line([1, 1]), 40), brush);
		// 15 px above the line: inside a 40 px brush, outside a 10 px one.
		expect(value(firm, 50, 35)).toBe(255);
		expect(value(light, 50, 35)).toBe(0);
		expect(value(light, 50, 50)).toBe(255);
	});

	it('makes a light touch paint fainter in opacity mode, and changes nothing when off', () => {
		const faint = solidMask(100, 100, 0);
		const off = solidMask(100, 100, 0);
		const settings = { tool: 'brush', size: 20, hardness: 1, opacity: 1 } as const;
		paintStroke(faint, strokeDabs(line([0.5, 0.5]), 20), { ...settings, pressure: 'opacity' });
		paintStroke(off, strokeDabs(line([0.5, 0.5]), 20), { ...settings, pressure: 'none' });
		expect(value(faint, 50, 50)).toBe(128);
		expect(value(off, 50, 50)).toBe(255);
	});
});
