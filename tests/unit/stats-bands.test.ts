// Banded statistics: bands that partition a preview on the networks' stride, tiles as bands that
// partition the picture, the rows each owns at every layer, moments combined exactly, and a reducer that answers every band together or fails all.
import { describe, expect, it } from 'vitest';
import {
	BandReducer,
	combineMoments,
	FEED_SHARED,
	FeedBuffer,
	meanItem,
	followDepth,
	planBands,
	statsThreads,
	varianceItem
} from '../../src/lib/engine/stats-bands';
import { overlapFor, ownedRowsAt, planStatsBands, planTiles, tileBands } from '../../src/lib/kernels/tiling';

function moments(values: number[]): { mean: number; variance: number } {
	const mean = values.reduce((a, b) => a + b, 0) / values.length;
	return { mean, variance: values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length };
}

describe('planStatsBands', () => {
	it('partitions the rows into owned bands on the stride, each seeing a margin of its neighbours', () => {
		const bands = planStatsBands(684, 2, 32, 4);
		expect(bands).toEqual([
			{ index: 0, rows: { start: 0, end: 376 }, owned: { start: 0, end: 344 } },
			{ index: 1, rows: { start: 312, end: 684 }, owned: { start: 344, end: 684 } }
		]);
		const four = planStatsBands(1000, 4, 32, 4);
		expect(four.map((b) => b.owned.start)).toEqual([0, 252, 500, 752]);
		expect(four.map((b) => b.owned.end)).toEqual([252, 500, 752, 1000]);
		expect(four[1]!.rows).toEqual({ start: 220, end: 532 });
	});

	it('makes every band as many rows past the stride as the image, so strided layers sample alike', () => {
		// 683 rows is 3 past a multiple of 4: so is every band, the last one ending with the image.
		for (const band of planStatsBands(683, 3, 32, 4)) {
			expect((band.rows.end - band.rows.start) % 4).toBe(3);
			expect(band.rows.start % 4).toBe(0);
		}
	});

	it('refuses a margin off the stride and an empty plan', () => {
		expect(() => planStatsBands(100, 2, 30, 4)).toThrow(/multiple of align/);
		expect(() => planStatsBands(0, 2, 32, 4)).toThrow(RangeError);
	});
});

describe('ownedRowsAt', () => {
	const [first, last] = planStatsBands(683, 2, 32, 4);

	it('maps the owned rows onto each layer of strides 1, 2 and 4, which together cover every row', () => {
		// The first band: 375 rows, so 375, 188 and 94 rows at strides 1, 2, 4.
		expect(ownedRowsAt(first!, 375)).toEqual([0, 340]);
		expect(ownedRowsAt(first!, 188)).toEqual([0, 170]);
		expect(ownedRowsAt(first!, 94)).toEqual([0, 85]);
		// The last: 375 rows from 308; it owns from row 32 of its input to its end.
		expect(ownedRowsAt(last!, 375)).toEqual([32, 375]);
		expect(ownedRowsAt(last!, 188)).toEqual([16, 188]);
		expect(ownedRowsAt(last!, 94)).toEqual([8, 94]);
		// Together 340 + 343, 170 + 172 and 85 + 86: the whole image's 683, ceil(683/2) and ceil(342/2) rows.
	});

	it("gives the last band the row an upsampling adds, as the whole image's layer has it", () => {
		expect(ownedRowsAt(last!, 376)).toEqual([32, 376]);
	});

	it('says when a band does not sit on the stride', () => {
		const crooked = { rows: { start: 97, end: 256 }, owned: { start: 128, end: 256 } };
		expect(() => ownedRowsAt(crooked, 80)).toThrow(/multiples of the stride/);
	});
});

describe('tileBands', () => {
	/** How many of the tiles own each position of a layer at `stride` (positions in whole-image units). */
	function owners(width: number, height: number, tileSize: number, stride: number): Uint8Array {
		const plan = planTiles(width, height, tileSize, overlapFor(tileSize), 4);
		const count = new Uint8Array(width * height);
		for (const band of tileBands(plan, 4)) {
			const layer = (span: { start: number; end: number }) => Math.ceil((span.end - span.start) / stride);
			const [top, bottom] = ownedRowsAt(band, layer(band.rows));
			const [left, right] = ownedRowsAt(
				{ rows: band.columns!, owned: band.ownedColumns! },
				layer(band.columns!)
			);
			for (let y = top; y < bottom; y++) {
				for (let x = left; x < right; x++)
					count[(band.rows.start + y * stride) * width + band.columns!.start + x * stride]!++;
			}
		}
		return count;
	}

	it("partitions the picture: at every layer's stride each position is counted by exactly one tile", () => {
		for (const stride of [1, 2, 4]) {
			const count = owners(1152, 864, 512, stride);
			const sampled = count.filter(
				(_, i) => (i % 1152) % stride === 0 && Math.floor(i / 1152) % stride === 0
			);
			expect(sampled.every((n) => n === 1)).toBe(true);
		}
	});

	it('cuts each overlap in its middle, so an owned part keeps half the overlap from every cut edge', () => {
		const plan = planTiles(1152, 864, 512, 64, 4);
		const bands = tileBands(plan, 4);
		expect(bands).toHaveLength(plan.tiles.length);
		for (const band of bands) {
			for (const [span, owned] of [
				[band.rows, band.owned],
				[band.columns!, band.ownedColumns!]
			] as const) {
				if (span.start > 0) expect(owned.start - span.start).toBeGreaterThanOrEqual(28);
				if (span.end < (span === band.rows ? 864 : 1152))
					expect(span.end - owned.end).toBeGreaterThanOrEqual(28);
			}
		}
	});

	it('maps an unaligned far-edge tile onto every layer too, counting a row or column twice at most', () => {
		// 1150 x 862: the last column and row of tiles start off the stride of 4, so their layers sample
		// off the others' grid; at full size, only two columns and two rows by their cuts count twice.
		const count = owners(1150, 862, 512, 1);
		expect(count.filter((n) => n !== 1).length).toBeLessThanOrEqual(2 * 1150 + 2 * 862);
		// Where those rows and columns cross, four tiles count a position; none is left out.
		expect(count.every((n) => n >= 1 && n <= 4)).toBe(true);
		for (const stride of [2, 4]) {
			const owned = owners(1150, 862, 512, stride).reduce((sum, n) => sum + n, 0);
			const layer = Math.ceil(1150 / stride) * Math.ceil(862 / stride);
			expect(Math.abs(owned - layer) / layer).toBeLessThan(0.005);
		}
	});
});

describe('planBands', () => {
	it('gives one band per thread while each owns 128 rows, and one band (a whole pass) otherwise', () => {
		expect(planBands(684, 2)).toHaveLength(2);
		expect(planBands(684, 4)).toHaveLength(4);
		expect(planBands(684, 8)).toHaveLength(5);
		expect(planBands(200, 4)).toHaveLength(1);
		expect(planBands(200, 4)[0]).toEqual({
			index: 0,
			rows: { start: 0, end: 200 },
			owned: { start: 0, end: 200 }
		});
	});
});

describe('combineMoments', () => {
	it('gives the mean and variance of the union of the parts', () => {
		const a = [1, 5, 9, 2];
		const b = [100, 101, 99, 98, 97, 103];
		const part = (values: number[], other: number[]) => {
			const m = moments(values);
			const o = moments(other);
			return { moments: Float32Array.from([m.mean, o.mean, m.variance, o.variance]), count: values.length };
		};
		// Two channels: the second channel's values are the first's reversed, per part.
		const whole = combineMoments([
			part(
				a,
				[...a].reverse().map((v) => v * 2)
			),
			part(
				b,
				[...b].map((v) => -v)
			)
		]);
		const first = moments([...a, ...b]);
		const second = moments([...a.map((v) => v * 2), ...b.map((v) => -v)]);
		expect(whole[0]).toBeCloseTo(first.mean, 4);
		expect(whole[1]).toBeCloseTo(second.mean, 4);
		expect(whole[2]).toBeCloseTo(first.variance, 2);
		expect(whole[3]).toBeCloseTo(second.variance, 2);
	});
});

describe('BandReducer', () => {
	const one = (mean: number, variance: number) => Float32Array.from([mean, variance]);

	it("answers each band's layer once every band has sent it, whatever the order, and publishes each answer", async () => {
		const published: [number, number[]][] = [];
		const reducer = new BandReducer(2, (item, values) => published.push([item, Array.from(values)]));
		const band0Layer0 = reducer.reduce(0, 0, one(0, 1), 10);
		const band0Layer1 = reducer.reduce(0, 1, one(5, 0), 10);
		let settled = false;
		void band0Layer0.then(() => (settled = true));
		await Promise.resolve();
		expect(settled).toBe(false);
		expect(published).toEqual([]);
		// Band 1 sends layer 1 first: it is matched by layer, not by turn.
		const band1Layer1 = reducer.reduce(1, 1, one(5, 0), 30);
		const band1Layer0 = reducer.reduce(1, 0, one(2, 1), 30);
		expect(Array.from(await band0Layer0)).toEqual(Array.from(await band1Layer0));
		expect((await band0Layer0)[0]).toBeCloseTo(1.5, 6);
		// Variance: 1 within the parts, plus the means' spread (10 * 1.5^2 + 30 * 0.5^2) / 40 = 0.75.
		expect((await band0Layer0)[1]).toBeCloseTo(1.75, 6);
		expect(Array.from(await band0Layer1)).toEqual([5, 0]);
		expect(Array.from(await band1Layer1)).toEqual([5, 0]);
		// Each layer's means and variances are published as their own items; what the bands publish
		// themselves (the style vector, item 0, alike in every band) is published once.
		reducer.publish(FEED_SHARED, Float32Array.of(7));
		reducer.publish(FEED_SHARED, Float32Array.of(8));
		expect(published).toEqual([
			[meanItem(1), [5]],
			[varianceItem(1), [0]],
			[meanItem(0), [expect.closeTo(1.5, 6)]],
			[varianceItem(0), [expect.closeTo(1.75, 6)]],
			[FEED_SHARED, [7]]
		]);
		expect([meanItem(0), varianceItem(0), meanItem(1)]).toEqual([1, 2, 3]);
	});

	it('fails every band waiting, and every later ask, when one band fails', async () => {
		const reducer = new BandReducer(3);
		const waiting = reducer.reduce(0, 0, one(1, 1), 4);
		reducer.fail(new Error('band 2 failed'));
		await expect(waiting).rejects.toThrow('band 2 failed');
		await expect(reducer.reduce(1, 0, one(1, 1), 4)).rejects.toThrow('band 2 failed');
	});

	it('refuses a band out of the pass, a layer sent twice, and layers whose channel counts differ', async () => {
		const reducer = new BandReducer(2);
		await expect(reducer.reduce(2, 0, one(0, 0), 1)).rejects.toThrow(/does not exist/);
		const waiting = reducer.reduce(0, 0, one(0, 0), 1);
		await expect(reducer.reduce(1, 0, Float32Array.from([0, 0, 0, 0]), 1)).rejects.toThrow(
			/channel counts differ/
		);
		await expect(waiting).rejects.toThrow(/channel counts differ/);
		const twice = new BandReducer(2);
		const first = twice.reduce(0, 3, one(0, 0), 1);
		await expect(twice.reduce(0, 3, one(0, 0), 1)).rejects.toThrow(/band 0 sent layer 3 twice/);
		await expect(first).rejects.toThrow(/twice/);
	});
});

describe('FeedBuffer', () => {
	it('answers an item at once when it has come, and later when it comes', async () => {
		const feed = new FeedBuffer();
		feed.add(0, Float32Array.of(1));
		expect(Array.from(await feed.item(0))).toEqual([1]);
		const later = feed.item(2);
		let settled = false;
		void later.then(() => (settled = true));
		await Promise.resolve();
		expect(settled).toBe(false);
		feed.add(2, Float32Array.of(3, 4));
		expect(Array.from(await later)).toEqual([3, 4]);
	});

	it("fails every wait, and every later ask for an item not here, with the pass's failure", async () => {
		const feed = new FeedBuffer();
		feed.add(1, Float32Array.of(5));
		const waiting = feed.item(2);
		feed.fail(new Error('the pass failed'));
		await expect(waiting).rejects.toThrow('the pass failed');
		await expect(feed.item(3)).rejects.toThrow('the pass failed');
		expect(Array.from(await feed.item(1))).toEqual([5]);
	});
});

describe('who reads the statistics, and how far tiles follow', () => {
	it('reads them on a quarter of the threads, at least one', () => {
		expect([1, 2, 3, 4, 8, 16].map(statsThreads)).toEqual([1, 1, 1, 1, 2, 4]);
	});

	it('holds as many pixels as the pass reads, within 1.5 MP and 16 tiles', () => {
		// The bench's 1024 x 683 copy and 384 px tiles: 0.7 MP of pass against 0.15 MP a tile.
		expect(followDepth(1024 * 683, 384 * 384)).toBe(5);
		// Small tiles stop at 16; 768 px tiles (wasm's) at two, 1.5 MP, whatever the pass.
		expect(followDepth(1024 * 683, 128 * 128)).toBe(16);
		expect(followDepth(1024 * 683, 768 * 768)).toBe(2);
		expect(followDepth(1024 * 1024, 1024 * 1024)).toBe(1);
		expect(followDepth(100, 768 * 768)).toBe(1);
	});
});
