// The manga-ink renderer's pure maths: Gaussian weights, the XDoG threshold, tones, screentone geometry
// and the option ranges.
import { describe, expect, it } from 'vitest';
import {
	cellOffsets,
	discInk,
	gaussianKernel1d,
	gaussianRadius,
	halftoneSpot,
	levelDarkness,
	lineGrowth,
	lineSensitivity,
	MANGA_OPTIONS,
	rotatedCellCoordinates,
	SCREENTONE_ANGLE,
	SCREENTONE_SPACING,
	TONE_CURVE,
	toneCurve,
	screentoneCoverage,
	screentoneInk,
	toneLevel,
	validateMangaOptions,
	XDOG,
	xdogInk
} from '../../src/lib/kernels/manga';
import { seededRandom } from '../helpers/random';

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('gaussianKernel1d', () => {
	it('is symmetric, peaks in the middle and sums to 1', () => {
		for (const sigma of [0.5, 1, 1.6, 3]) {
			const k = gaussianKernel1d(sigma);
			expect(k.length).toBe(2 * gaussianRadius(sigma) + 1);
			expect(sum(k)).toBeCloseTo(1, 12);
			const mid = (k.length - 1) / 2;
			for (let i = 0; i < k.length; i++) {
				expect(k[i]).toBeCloseTo(k[k.length - 1 - i]!, 15);
				if (i !== mid) expect(k[i]!).toBeLessThan(k[mid]!);
			}
		}
	});

	it('has the variance sigma^2', () => {
		for (const sigma of [1, 1.6, 2.5]) {
			const k = gaussianKernel1d(sigma);
			const r = (k.length - 1) / 2;
			const variance = sum(k.map((w, i) => w * (i - r) ** 2));
			expect(Math.abs(variance - sigma * sigma) / (sigma * sigma)).toBeLessThan(0.03);
		}
	});

	it('pads to a longer radius with near-zero weights, so kernels can share a length', () => {
		const own = gaussianKernel1d(1);
		const long = gaussianKernel1d(1, 10);
		expect(long.length).toBe(21);
		expect(sum(long)).toBeCloseTo(1, 12);
		expect(long[10]! / long[9]!).toBeCloseTo(own[3]! / own[2]!, 12);
		expect(long[0]!).toBeLessThan(1e-20);
	});

	it('holds about 99.7 % of the weight within its own radius', () => {
		expect(gaussianRadius(1)).toBe(3);
		expect(gaussianRadius(1.6)).toBe(5);
		expect(gaussianRadius(0.1)).toBe(1);
	});

	it('rejects a bad sigma or radius', () => {
		expect(() => gaussianKernel1d(0)).toThrow(RangeError);
		expect(() => gaussianKernel1d(Number.NaN)).toThrow(RangeError);
		expect(() => gaussianKernel1d(1, 2.5)).toThrow(RangeError);
		expect(() => gaussianKernel1d(1, -1)).toThrow(RangeError);
	});
});

describe('xdogInk', () => {
	it('is no ink at and above the threshold -eps and grows towards 1 below it', () => {
		expect(xdogInk(0)).toBe(0);
		expect(xdogInk(5)).toBe(0);
		expect(xdogInk(-XDOG.epsilon)).toBe(0);
		let last = 0;
		for (let u = -XDOG.epsilon - 0.05; u > -3; u -= 0.05) {
			const ink = xdogInk(u);
			expect(ink).toBeGreaterThan(last);
			expect(ink).toBeLessThanOrEqual(1);
			last = ink;
		}
		expect(last).toBeGreaterThan(0.99);
	});

	it('inks a black-to-white step at lineWeight 1, and not a step of 2 % contrast', () => {
		// The edge term's extreme at a unit step: Phi(x / sigma) - Phi(x / (k sigma)), about -0.11 at k 1.6.
		const step = (x: number, s: number) => 0.5 * (1 + erf(x / (s * Math.SQRT2)));
		let peak = 0;
		for (let x = -5; x <= 0; x += 0.01)
			peak = Math.min(peak, step(x, XDOG.sigma) - step(x, XDOG.sigma * XDOG.k));
		expect(xdogInk(XDOG.p * peak)).toBeGreaterThan(0.99);
		expect(xdogInk(XDOG.p * 0.02 * peak)).toBe(0);
	});
});

describe('lineWeight', () => {
	it('raises the sensitivity and the growth monotonically over its range', () => {
		const { min, max } = MANGA_OPTIONS.lineWeight;
		let last = { sensitivity: 0, growth: -1 };
		for (let w = min; w <= max + 1e-9; w += 0.25) {
			const sensitivity = lineSensitivity(w);
			const growth = sum(lineGrowth(w));
			expect(sensitivity).toBeGreaterThan(last.sensitivity);
			expect(growth).toBeGreaterThanOrEqual(last.growth);
			last = { sensitivity, growth };
		}
		expect(lineSensitivity(1)).toBe(1);
		expect(lineGrowth(1)).toEqual([0, 0]);
		expect(lineGrowth(0.25)).toEqual([0, 0]);
		expect(lineGrowth(1.5)).toEqual([0.5, 0]);
		expect(lineGrowth(3)).toEqual([1, 1]);
	});
});

describe('tones', () => {
	it('bins black to level 0 and white to the top level, monotonically, reaching every level', () => {
		for (let levels = 2; levels <= 6; levels++) {
			expect(toneLevel(0, levels)).toBe(0);
			expect(toneLevel(1, levels)).toBe(levels - 1);
			const seen = new Set<number>();
			let last = 0;
			for (let l = 0; l <= 1; l += 1 / 512) {
				const level = toneLevel(l, levels);
				expect(level).toBeGreaterThanOrEqual(last);
				seen.add(level);
				last = level;
			}
			expect(seen.size).toBe(levels);
		}
	});

	it('gives more of the range to the light tones than to black (manga keeps the paper white)', () => {
		// Two levels: the split lies well below mid-gray, so a mid-gray photo prints as white paper.
		expect(toneLevel(0.5, 2)).toBe(1);
		expect(toneLevel(0.2, 2)).toBe(0);
		const blackShare = (levels: number) => {
			let n = 0;
			for (let l = 0; l < 1; l += 1 / 1000) if (toneLevel(l, levels) === 0) n++;
			return n / 1000;
		};
		for (let levels = 2; levels <= 6; levels++) expect(blackShare(levels)).toBeLessThan(1 / levels);
	});

	it('shapes luminance: black below the black point, paper above the white point, monotonic between', () => {
		expect(toneCurve(0)).toBe(0);
		expect(toneCurve(TONE_CURVE.black)).toBe(0);
		expect(toneCurve(TONE_CURVE.white)).toBe(1);
		expect(toneCurve(1)).toBe(1);
		let last = -1;
		for (let l = TONE_CURVE.black + 0.01; l < TONE_CURVE.white; l += 0.01) {
			expect(toneCurve(l)).toBeGreaterThan(last);
			last = toneCurve(l);
		}
		// The power under 1 lifts the middle: more of the range goes to the light tones.
		expect(toneCurve((TONE_CURVE.black + TONE_CURVE.white) / 2)).toBeGreaterThan(0.5);
	});

	it('clamps luminance outside 0..1', () => {
		expect(toneLevel(-0.2, 4)).toBe(0);
		expect(toneLevel(1.3, 4)).toBe(3);
	});

	it('maps levels to darkness from 1 (black) to 0 (paper)', () => {
		expect(levelDarkness(0, 4)).toBe(1);
		expect(levelDarkness(3, 4)).toBe(0);
		expect(levelDarkness(1, 3)).toBeCloseTo(0.5, 12);
	});
});

describe('screentone', () => {
	it('covers a share that toneDensity raises, with 1 printing the darkness itself', () => {
		for (const d of [0.1, 0.3, 0.5, 0.8]) {
			expect(screentoneCoverage(d, 1)).toBeCloseTo(d, 12);
			let last = 0;
			for (
				let density = MANGA_OPTIONS.toneDensity.min;
				density <= MANGA_OPTIONS.toneDensity.max;
				density += 0.25
			) {
				const c = screentoneCoverage(d, density);
				expect(c).toBeGreaterThan(last);
				expect(c).toBeLessThan(1);
				last = c;
			}
		}
		expect(screentoneCoverage(0, 2)).toBe(0);
		expect(screentoneCoverage(1, 0.5)).toBe(1);
	});

	it('prints exact areas: a black dot up to half coverage, a white hole above, never touching a neighbour', () => {
		const s = SCREENTONE_SPACING;
		for (const c of [0.05, 0.2, 0.5, 0.51, 0.8, 0.97]) {
			const { radius, hole } = halftoneSpot(c, s);
			expect(hole).toBe(c > 0.5);
			const inked = hole ? s * s - Math.PI * radius * radius : Math.PI * radius * radius;
			expect(inked / (s * s)).toBeCloseTo(c, 12);
			expect(radius).toBeLessThanOrEqual(0.4 * s);
		}
	});

	it('finds the nearest cell centre and corner of the rotated grid', () => {
		// At 0 degrees the grid is axis-aligned: pixel (0, 0) has its centre at (0.5, 0.5).
		const flat = cellOffsets(0, 0, 4, 0);
		expect(flat.centre[0]).toBeCloseTo(-1.5, 12);
		expect(flat.centre[1]).toBeCloseTo(-1.5, 12);
		expect(flat.corner[0]).toBeCloseTo(0.5, 12);
		expect(flat.corner[1]).toBeCloseTo(0.5, 12);
		// At 45 degrees (x, y) and (x + 1, y - 1) lie on one line across the cells: same u.
		const [u0] = rotatedCellCoordinates(10, 20, 5, 45);
		const [u1] = rotatedCellCoordinates(11, 19, 5, 45);
		expect(u1).toBeCloseTo(u0, 12);
		const random = seededRandom(7);
		for (let i = 0; i < 500; i++) {
			const x = Math.floor(random() * 2000);
			const y = Math.floor(random() * 2000);
			const s = 4 + random() * 8;
			const { centre, corner } = cellOffsets(x, y, s, SCREENTONE_ANGLE);
			for (let axis = 0; axis < 2; axis++) {
				expect(Math.abs(centre[axis]!)).toBeLessThanOrEqual(s / 2 + 1e-9);
				expect(Math.abs(corner[axis]!)).toBeLessThanOrEqual(s / 2 + 1e-9);
				// Centres and corners are half a cell apart along each axis.
				expect(Math.abs(centre[axis]!) + Math.abs(corner[axis]!)).toBeCloseTo(s / 2, 9);
			}
		}
	});

	it('anti-aliases a disc edge over one pixel', () => {
		expect(discInk(0, 2)).toBe(1);
		expect(discInk(2, 2)).toBe(0.5);
		expect(discInk(3, 2)).toBe(0);
	});

	it('inks, over a large area, the coverage it is asked for', () => {
		for (const c of [0.15, 0.3, 0.45, 0.6, 0.85]) {
			let total = 0;
			let [least, most] = [1, 0];
			const side = 150;
			for (let y = 0; y < side; y++) {
				for (let x = 0; x < side; x++) {
					const ink = screentoneInk(x, y, c, SCREENTONE_SPACING);
					[least, most] = [Math.min(least, ink), Math.max(most, ink)];
					total += ink;
				}
			}
			expect(Math.abs(total / (side * side) - c), `coverage ${c}`).toBeLessThan(0.02);
			// Real dots: pure paper and pure ink both occur.
			expect([least, most]).toEqual([0, 1]);
		}
	});
});

describe('validateMangaOptions', () => {
	it('fills in the defaults, which lie in their ranges', () => {
		expect(validateMangaOptions({})).toEqual({
			lineWeight: MANGA_OPTIONS.lineWeight.default,
			toneDensity: MANGA_OPTIONS.toneDensity.default,
			levels: MANGA_OPTIONS.levels.default
		});
		for (const range of Object.values(MANGA_OPTIONS)) {
			expect(range.default).toBeGreaterThanOrEqual(range.min);
			expect(range.default).toBeLessThanOrEqual(range.max);
		}
		expect(MANGA_OPTIONS.levels).toMatchObject({ min: 2, max: 6, integer: true });
	});

	it('accepts the ends of every range', () => {
		expect(validateMangaOptions({ lineWeight: 0.25, toneDensity: 3, levels: 2 })).toEqual({
			lineWeight: 0.25,
			toneDensity: 3,
			levels: 2
		});
		expect(validateMangaOptions({ lineWeight: 3, toneDensity: 0.25, levels: 6 }).levels).toBe(6);
	});

	it('rejects values out of range, naming the option and its range', () => {
		const cases: [Record<string, number>, RegExp][] = [
			[{ lineWeight: 0.2 }, /^lineWeight must be a number from 0\.25 to 3, got 0\.2$/],
			[{ lineWeight: 10 }, /lineWeight must be a number from 0\.25 to 3, got 10/],
			[{ toneDensity: Number.NaN }, /toneDensity must be a number from 0\.25 to 3, got NaN/],
			[{ toneDensity: Number.POSITIVE_INFINITY }, /toneDensity .* got Infinity/],
			[{ levels: 1 }, /levels must be a whole number from 2 to 6, got 1/],
			[{ levels: 7 }, /levels must be a whole number from 2 to 6, got 7/],
			[{ levels: 2.5 }, /levels must be a whole number from 2 to 6, got 2\.5/]
		];
		for (const [options, message] of cases) {
			expect(() => validateMangaOptions(options), JSON.stringify(options)).toThrow(RangeError);
			expect(() => validateMangaOptions(options), JSON.stringify(options)).toThrow(message);
		}
		expect(() => validateMangaOptions({ levels: '3' as unknown as number })).toThrow(/levels must be/);
	});

	it('rejects an unknown option, listing the known ones', () => {
		expect(() => validateMangaOptions({ lineWidth: 2 })).toThrow(
			/unknown option "lineWidth" \(the options are lineWeight, toneDensity, levels\)/
		);
	});
});

/** Abramowitz and Stegun 7.1.26 (error under 1.5e-7). */
function erf(x: number): number {
	const t = 1 / (1 + 0.3275911 * Math.abs(x));
	const y =
		1 -
		((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
			t *
			Math.exp(-x * x);
	return x >= 0 ? y : -y;
}
