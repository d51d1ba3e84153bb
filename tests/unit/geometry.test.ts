import { describe, expect, it } from 'vitest';
import {
	displaySide,
	fitToView,
	fitWithin,
	layerAreaOf,
	orientedSize,
	workingSize,
	zoomAboutPoint,
	type ViewTransform
} from '../../src/lib/kernels/geometry';
import { seededRandom } from '../helpers/random';

describe('fitWithin', () => {
	it('scales the long side down to maxSide keeping the aspect ratio', () => {
		expect(fitWithin(4000, 3000, 1024)).toEqual({ width: 1024, height: 768 });
		expect(fitWithin(3000, 4000, 1024)).toEqual({ width: 768, height: 1024 });
		expect(fitWithin(1000, 333, 500)).toEqual({ width: 500, height: 167 }); // 166.5 rounds up
	});

	it('never scales up', () => {
		expect(fitWithin(100, 50, 1024)).toEqual({ width: 100, height: 50 });
		expect(fitWithin(1024, 1024, 1024)).toEqual({ width: 1024, height: 1024 });
	});

	it('keeps at least one pixel per side', () => {
		expect(fitWithin(100000, 3, 100)).toEqual({ width: 100, height: 1 });
		expect(fitWithin(1, 100000, 100)).toEqual({ width: 1, height: 100 });
	});

	it('never exceeds a fractional maxSide', () => {
		expect(fitWithin(1000, 500, 100.7)).toEqual({ width: 100, height: 50 });
	});

	it('rejects invalid input', () => {
		expect(() => fitWithin(0, 10, 10)).toThrow(RangeError);
		expect(() => fitWithin(10, Number.NaN, 10)).toThrow(RangeError);
		expect(() => fitWithin(10, 10, -1)).toThrow(RangeError);
	});

	it('holds its invariants on random sizes', () => {
		const random = seededRandom(1);
		for (let k = 0; k < 2000; k++) {
			const w = 1 + Math.floor(random() * 20000);
			const h = 1 + Math.floor(random() * 20000);
			const max = 1 + Math.floor(random() * 4096);
			const out = fitWithin(w, h, max);
			expect(Math.max(out.width, out.height)).toBeLessThanOrEqual(Math.max(max, 1));
			expect(out.width).toBeLessThanOrEqual(w);
			expect(out.height).toBeLessThanOrEqual(h);
			expect(Math.min(out.width, out.height)).toBeGreaterThanOrEqual(1);
			if (Math.max(w, h) > max) expect(Math.max(out.width, out.height)).toBe(max);
			else expect(out).toEqual({ width: w, height: h });
		}
	});
});

describe('orientedSize', () => {
	it('swaps for orientations 5..8 only', () => {
		for (let o = 0; o <= 9; o++) {
			const swap = o >= 5 && o <= 8;
			expect(orientedSize(40, 30, o)).toEqual(swap ? { width: 30, height: 40 } : { width: 40, height: 30 });
		}
	});
});

describe('fitToView', () => {
	it('fits and centres wide content', () => {
		expect(fitToView({ width: 200, height: 100 }, { width: 400, height: 400 })).toEqual({
			scale: 2,
			x: 0,
			y: 100
		});
	});

	it('fits and centres tall content with padding', () => {
		const t = fitToView({ width: 100, height: 400 }, { width: 800, height: 500 }, 50);
		expect(t.scale).toBeCloseTo(1); // 400 px available vertically
		expect(t.x).toBeCloseTo(350);
		expect(t.y).toBeCloseTo(50);
	});

	it('shrinks large content', () => {
		const t = fitToView({ width: 4000, height: 3000 }, { width: 800, height: 600 }, 0);
		expect(t).toEqual({ scale: 0.2, x: 0, y: 0 });
	});

	it('keeps a positive scale when the padding eats the whole view', () => {
		const t = fitToView({ width: 100, height: 100 }, { width: 50, height: 50 }, 40);
		expect(t.scale).toBeGreaterThan(0);
		expect(t.x + (100 * t.scale) / 2).toBeCloseTo(25);
	});

	it('rejects empty content', () => {
		expect(() => fitToView({ width: 0, height: 10 }, { width: 10, height: 10 })).toThrow(RangeError);
	});
});

describe('zoomAboutPoint', () => {
	const toContent = (v: ViewTransform, p: { x: number; y: number }) => ({
		x: (p.x - v.x) / v.scale,
		y: (p.y - v.y) / v.scale
	});

	it('keeps the content point under the pointer fixed', () => {
		const random = seededRandom(3);
		for (let k = 0; k < 500; k++) {
			const view = { scale: 0.1 + random() * 5, x: random() * 1000 - 500, y: random() * 1000 - 500 };
			const pointer = { x: random() * 1200, y: random() * 900 };
			const factor = 0.5 + random() * 1.5;
			const next = zoomAboutPoint(view, pointer, factor);
			expect(next.scale).toBeCloseTo(view.scale * factor, 10);
			const before = toContent(view, pointer);
			const after = toContent(next, pointer);
			expect(after.x).toBeCloseTo(before.x, 6);
			expect(after.y).toBeCloseTo(before.y, 6);
		}
	});

	it('computes a concrete example', () => {
		expect(zoomAboutPoint({ scale: 1, x: 0, y: 0 }, { x: 100, y: 50 }, 2)).toEqual({
			scale: 2,
			x: -100,
			y: -50
		});
	});

	it('clamps the scale and still keeps the pointer fixed', () => {
		const view = { scale: 30, x: 10, y: 20 };
		const pointer = { x: 300, y: 200 };
		const next = zoomAboutPoint(view, pointer, 2);
		expect(next.scale).toBe(32);
		expect(toContent(next, pointer).x).toBeCloseTo(toContent(view, pointer).x, 9);
		expect(zoomAboutPoint({ scale: 0.03, x: 0, y: 0 }, pointer, 0.1).scale).toBe(0.02);
		expect(zoomAboutPoint({ scale: 1, x: 0, y: 0 }, pointer, 10, { min: 0.5, max: 4 }).scale).toBe(4);
	});

	it('leaves the view unchanged for an invalid factor', () => {
		const view = { scale: 2, x: 5, y: 6 };
		for (const f of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
			const next = zoomAboutPoint(view, { x: 1, y: 1 }, f);
			expect(next).toEqual(view);
			expect(next).not.toBe(view);
		}
	});
});

describe('workingSize', () => {
	it('fits within the limit with multiples of 4', () => {
		expect(workingSize(4000, 3000, 1024)).toEqual({ width: 1024, height: 768 });
		expect(workingSize(1899, 1080, 1000)).toEqual({ width: 1000, height: 568 }); // 568.7 -> 569 -> 568
		expect(workingSize(640, 427, 2048)).toEqual({ width: 640, height: 428 });
	});

	it('rounds the limit itself down to a multiple of 4', () => {
		expect(workingSize(5000, 5000, 1023)).toEqual({ width: 1020, height: 1020 });
	});

	it('is at least 4 px per side', () => {
		expect(workingSize(1, 1, 1024)).toEqual({ width: 4, height: 4 });
		expect(workingSize(100000, 10, 512)).toEqual({ width: 512, height: 4 });
	});

	it('rejects a limit below 4', () => {
		expect(() => workingSize(10, 10, 3)).toThrow(RangeError);
		expect(() => workingSize(10, 10, 0)).toThrow(RangeError);
	});

	it('holds its invariants on random sizes', () => {
		const random = seededRandom(9);
		for (let k = 0; k < 2000; k++) {
			const w = 1 + Math.floor(random() * 12000);
			const h = 1 + Math.floor(random() * 12000);
			const max = 4 + Math.floor(random() * 4096);
			const out = workingSize(w, h, max);
			expect(out.width % 4).toBe(0);
			expect(out.height % 4).toBe(0);
			expect(Math.min(out.width, out.height)).toBeGreaterThanOrEqual(4);
			expect(Math.max(out.width, out.height)).toBeLessThanOrEqual(max);
			const fitted = fitWithin(w, h, Math.floor(max / 4) * 4);
			expect(Math.abs(out.width - fitted.width)).toBeLessThanOrEqual(Math.max(2, 4 - fitted.width));
			expect(Math.abs(out.height - fitted.height)).toBeLessThanOrEqual(Math.max(2, 4 - fitted.height));
		}
	});
});

describe('displaySide', () => {
	it('is the next power of two at or above what the screen shows', () => {
		// A 6000 px photo fitted into a 900 px wide stage: 900 device pixels, a 1024 picture.
		expect(displaySide(6000, 900 / 6000, 4096)).toBe(1024);
		expect(displaySide(6000, 1024 / 6000, 4096)).toBe(1024);
		expect(displaySide(6000, 1025 / 6000, 4096)).toBe(2048);
		// The device pixel ratio counts: the same view on a 2x screen needs twice the pixels.
		expect(displaySide(6000, (2 * 900) / 6000, 4096)).toBe(2048);
	});

	it('is capped at maxSide and at the document itself, so 100% zoom shows the document pixels', () => {
		expect(displaySide(6000, 1, 4096)).toBe(4096);
		expect(displaySide(1600, 1, 4096)).toBe(1600);
		expect(displaySide(600, 1.5, 4096)).toBe(600);
	});

	it('is never below the smallest level (unless the document is smaller)', () => {
		expect(displaySide(6000, 0.001, 4096)).toBe(256);
		expect(displaySide(100, 0.01, 4096)).toBe(100);
	});

	it('treats a missing zoom as 100%', () => {
		expect(displaySide(3000, Number.NaN, 4096)).toBe(3000);
		expect(displaySide(3000, 0, 4096)).toBe(3000);
	});
});

describe('layerAreaOf', () => {
	const still = { x: 0, y: 0, scaleX: 1, scaleY: 1, rotation: 0 };
	const layer = { width: 6000, height: 4000 };

	it('is the area itself for a layer placed as it is, clipped to the layer', () => {
		expect(layerAreaOf({ x: 100, y: 200, width: 300, height: 400 }, still, layer)).toEqual({
			x: 100,
			y: 200,
			width: 300,
			height: 400
		});
		expect(layerAreaOf({ x: 5900, y: -50, width: 300, height: 100 }, still, layer)).toEqual({
			x: 5900,
			y: 0,
			width: 100,
			height: 50
		});
		expect(layerAreaOf({ x: 7000, y: 0, width: 10, height: 10 }, still, layer)).toBeNull();
	});

	it('takes the area back through a move, a scale and a rotation', () => {
		const moved = { ...still, x: 50, y: 10, scaleX: 2, scaleY: 0.5 };
		expect(layerAreaOf({ x: 50, y: 10, width: 200, height: 100 }, moved, layer)).toEqual({
			x: 0,
			y: 0,
			width: 100,
			height: 200
		});
		// A quarter turn: document (x, y) = (-layer y, layer x).
		const turned = { ...still, rotation: 90 };
		expect(layerAreaOf({ x: -300, y: 100, width: 200, height: 50 }, turned, layer)).toEqual({
			x: 100,
			y: 100,
			width: 50,
			height: 200
		});
	});
});
