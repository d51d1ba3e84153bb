import { describe, expect, it } from 'vitest';
import { chroma, luma, preserveColorsPixel } from '../../src/lib/kernels/color';
import { EngineError, MAX_BLENDED_STYLES, normalizeStyleWeights } from '../../src/lib/engine/types';

describe('preserveColorsPixel', () => {
	it("keeps the photo's chroma and takes the painting's luma", () => {
		const photo = [200, 80, 40] as const;
		const painted = [90, 110, 160] as const;
		const out = preserveColorsPixel(photo, painted);
		expect(luma(...out)).toBeCloseTo(luma(...painted), 6);
		const [cb, cr] = chroma(...out);
		const [cbPhoto, crPhoto] = chroma(...photo);
		expect(cb).toBeCloseTo(cbPhoto, 6);
		expect(cr).toBeCloseTo(crPhoto, 6);
	});

	it('leaves a gray photo gray whatever colours the painting has', () => {
		const out = preserveColorsPixel([120, 120, 120], [250, 10, 10]);
		expect(out[0]).toBeCloseTo(out[1], 6);
		expect(out[1]).toBeCloseTo(out[2], 6);
		expect(out[0]).toBeCloseTo(luma(250, 10, 10), 6);
	});

	it('clips to 0..255', () => {
		expect(preserveColorsPixel([250, 250, 10], [255, 255, 255]).every((v) => v >= 0 && v <= 255)).toBe(true);
		expect(preserveColorsPixel([5, 5, 250], [0, 0, 0]).every((v) => v >= 0 && v <= 255)).toBe(true);
	});
});

describe('normalizeStyleWeights', () => {
	it('scales weights to sum to 1, keeping their proportions', () => {
		expect(normalizeStyleWeights([0.7, 0.3])).toEqual([0.7, 0.3]);
		const [a, b, c] = normalizeStyleWeights([2, 1, 1]);
		expect([a, b, c]).toEqual([0.5, 0.25, 0.25]);
	});

	it(`refuses zero, negative or non-numeric weights, and more than ${MAX_BLENDED_STYLES} styles`, () => {
		expect(() => normalizeStyleWeights([])).toThrow(EngineError);
		expect(() => normalizeStyleWeights([1, 0])).toThrow(/positive/);
		expect(() => normalizeStyleWeights([1, -1])).toThrow(/positive/);
		expect(() => normalizeStyleWeights([1, Number.NaN])).toThrow(/positive/);
		expect(() => normalizeStyleWeights([1, 1, 1, 1, 1])).toThrow(/1 to 4 styles/);
	});
});
