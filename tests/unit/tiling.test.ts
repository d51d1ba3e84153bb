import { describe, expect, it } from 'vitest';
import {
	chooseTileSize,
	compositeTile,
	cropRgba,
	downscaleRgba,
	featherAlpha,
	overlapFor,
	planTiles,
	psnr,
	sourceRegion
} from '../../src/lib/kernels/tiling';
import { seededRandom } from '../helpers/random';

describe('planTiles', () => {
	it('covers every pixel with tiles no larger than asked, neighbours overlapping at least as asked', () => {
		// Plain checks that collect problems (one expect() per tile made this slow on a busy machine).
		const random = seededRandom(5);
		const problems: string[] = [];
		for (let trial = 0; trial < 1000 && problems.length < 5; trial++) {
			const width = 1 + Math.floor(random() * 3000);
			const height = 1 + Math.floor(random() * 3000);
			const tileSize = 64 + Math.floor(random() * 900);
			const overlap = Math.floor(random() * (tileSize / 2 - 1));
			const plan = planTiles(width, height, tileSize, overlap);
			const where = `${width}x${height}, tiles ${tileSize}, overlap ${overlap}`;
			for (const tile of plan.tiles) {
				if (tile.width > tileSize || tile.height > tileSize)
					problems.push(`${where}: tile ${tile.index} too big`);
				if ((tile.x > 0 && tile.overlapLeft < overlap) || (tile.y > 0 && tile.overlapTop < overlap)) {
					problems.push(`${where}: tile ${tile.index} overlaps too little`);
				}
			}
			// The tiles form a grid: its column spans must cover 0..width and its row spans 0..height,
			// each starting no later than the previous one ends.
			const spans = (pick: (t: (typeof plan.tiles)[number]) => [number, number]) =>
				[...new Map(plan.tiles.map((t) => [pick(t)[0], pick(t)])).values()].sort((p, q) => p[0] - q[0]);
			for (const [line, length] of [
				[spans((t) => [t.x, t.x + t.width]), width],
				[spans((t) => [t.y, t.y + t.height]), height]
			] as const) {
				const gap = line.some((span, i) => i > 0 && span[0] > line[i - 1]![1]);
				if (line[0]![0] !== 0 || gap || line.at(-1)![1] !== length) problems.push(`${where}: not covered`);
			}
			if (plan.tiles.length !== plan.rows * plan.columns) problems.push(`${where}: not a grid`);
		}
		expect(problems).toEqual([]);
	});

	it('spreads tiles evenly, painting little more than the image', () => {
		const plan = planTiles(1536, 1024, 512, 64);
		const painted = plan.tiles.reduce((sum, t) => sum + t.width * t.height, 0);
		expect(new Set(plan.tiles.map((t) => `${t.width}x${t.height}`)).size).toBe(1);
		expect(painted / (1536 * 1024)).toBeLessThan(1.3);
	});

	it('makes one tile when the image fits, and refuses nonsense sizes', () => {
		expect(planTiles(500, 300, 768, 96).tiles).toEqual([
			{ index: 0, x: 0, y: 0, width: 500, height: 300, overlapLeft: 0, overlapTop: 0 }
		]);
		expect(planTiles(6000, 4000, 768, 96).tiles.length).toBe(9 * 6);
		expect(() => planTiles(0, 10, 64, 8)).toThrow(RangeError);
		expect(() => planTiles(100, 10, 64, 32)).toThrow(/overlap/);
	});
});

describe('feathered compositing', () => {
	it('reproduces a uniform image exactly, whatever the tiling', () => {
		const plan = planTiles(300, 200, 96, 24);
		const out = new Uint8ClampedArray(300 * 200 * 4);
		for (const tile of plan.tiles)
			compositeTile(out, 300, tile, new Float32Array(tile.width * tile.height * 3).fill(137));
		for (let i = 0; i < out.length; i += 4) expect(out[i]).toBe(137);
	});

	it('writes exactly what blending every pixel with its feather alpha writes', () => {
		const plan = planTiles(300, 200, 96, 24);
		const fast = new Uint8ClampedArray(300 * 200 * 4);
		const reference = new Uint8ClampedArray(300 * 200 * 4);
		let seed = 7;
		const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 255;
		for (const tile of plan.tiles) {
			const rgb = Float32Array.from({ length: tile.width * tile.height * 3 }, random);
			compositeTile(fast, 300, tile, rgb);
			for (let ly = 0; ly < tile.height; ly++) {
				for (let lx = 0; lx < tile.width; lx++) {
					const o = ((tile.y + ly) * 300 + tile.x + lx) * 4;
					const t = (ly * tile.width + lx) * 3;
					const a = featherAlpha(tile, lx, ly);
					for (let c = 0; c < 3; c++)
						reference[o + c] = reference[o + c]! + (rgb[t + c]! - reference[o + c]!) * a;
				}
			}
		}
		expect(fast).toEqual(reference);
	});

	it('cross-fades two different tiles smoothly across their overlap, with no step', () => {
		const plan = planTiles(200, 10, 120, 40);
		const [first, second] = plan.tiles;
		const out = new Uint8ClampedArray(200 * 10 * 4);
		compositeTile(out, 200, first!, new Float32Array(first!.width * first!.height * 3).fill(0));
		compositeTile(out, 200, second!, new Float32Array(second!.width * second!.height * 3).fill(200));
		const row = Array.from({ length: 200 }, (_, x) => out[(5 * 200 + x) * 4]!);
		for (let x = 1; x < 200; x++) {
			expect(row[x]! - row[x - 1]!).toBeGreaterThanOrEqual(0);
			expect(row[x]! - row[x - 1]!).toBeLessThanOrEqual(200 / second!.overlapLeft + 1);
		}
		expect(row[0]).toBe(0);
		expect(row[199]).toBe(200);
		expect(featherAlpha(second!, 0, 0)).toBeLessThan(0.05);
		expect(featherAlpha(second!, second!.overlapLeft, 0)).toBe(1);
	});
});

describe('pixels and sizes', () => {
	it('maps an output region to the source region it comes from', () => {
		expect(
			sourceRegion(
				{ x: 100, y: 50, width: 100, height: 50 },
				{ width: 400, height: 200 },
				{ width: 800, height: 400 }
			)
		).toEqual({
			x: 200,
			y: 100,
			width: 200,
			height: 100
		});
		const edge = sourceRegion(
			{ x: 399, y: 199, width: 1, height: 1 },
			{ width: 400, height: 200 },
			{ width: 3, height: 2 }
		);
		expect(edge.x + edge.width).toBeLessThanOrEqual(3);
		expect(edge.width).toBeGreaterThanOrEqual(1);
	});

	it('crops rows and downscales by area average', () => {
		const width = 4;
		const data = new Uint8ClampedArray(4 * 4 * 4).map((_, i) => i % 256);
		const crop = cropRgba(data, width, { x: 1, y: 2, width: 2, height: 1 });
		expect(Array.from(crop)).toEqual(Array.from(data.subarray((2 * 4 + 1) * 4, (2 * 4 + 3) * 4)));
		const checker = new Uint8ClampedArray(4 * 4 * 4).map((_, i) => (Math.floor(i / 4) % 2 === 0 ? 0 : 200));
		const small = downscaleRgba(checker, 4, 4, 2, 2);
		expect(Array.from(small.filter((_, i) => i % 4 === 0))).toEqual([100, 100, 100, 100]);
		expect(() => downscaleRgba(checker, 4, 4, 8, 8)).toThrow(RangeError);
	});

	it('chooses tile sizes from the device, with overlaps of a quarter tile up to 64 px', () => {
		expect(chooseTileSize({ backend: 'wasm' })).toBe(768);
		expect(chooseTileSize({ backend: 'webgl', maxTextureSize: 16384 })).toBe(1024);
		expect(chooseTileSize({ backend: 'webgl', maxTextureSize: 2048 })).toBe(512);
		expect(chooseTileSize({ backend: 'webgpu' })).toBe(1024);
		expect(overlapFor(128)).toBe(32);
		expect(overlapFor(256)).toBe(64);
		expect(overlapFor(768)).toBe(64);
		expect(overlapFor(64)).toBe(16);
	});

	it('measures PSNR', () => {
		const a = new Uint8ClampedArray([10, 10, 10, 255]);
		expect(psnr(a, a)).toBe(Infinity);
		expect(psnr(a, new Uint8ClampedArray([11, 11, 11, 0]))).toBeCloseTo(48.13, 1);
	});
});
