// The tile pool's routing, with stand-in threads (the real threads are tested in tests/engine): a
// statistics pass's bands go to as many threads at once and their moments come back combined; a thread
// that fails is left out, so work it cannot do is refused instead of waiting for ever; a picture's
// tiles that read the statistics together all run at once and their moments come back combined.
import { describe, expect, it } from 'vitest';
import type { StatsRequest, TileRequest } from '../../src/lib/engine/engine';
import { type PainterMessage, type TilePort, type TileReply, TilePool } from '../../src/lib/engine/tile-pool';
import { planStatsBands, planTiles, tileBands } from '../../src/lib/kernels/tiling';

interface FakeThread extends TilePort {
	posted: PainterMessage[];
	reply(message: TileReply): void;
	crash(message: string): void;
}

function fakeThread(): FakeThread {
	let onReply: (reply: TileReply) => void = () => undefined;
	let onFailure: (message: string) => void = () => undefined;
	const posted: PainterMessage[] = [];
	return {
		posted,
		post: (message) => posted.push(message),
		listen(reply, failure) {
			onReply = reply;
			onFailure = failure;
		},
		terminate: () => undefined,
		reply: (message) => onReply(message),
		crash: (message) => onFailure(message)
	};
}

const request = { modelId: 'arbitrary-wyf' } as StatsRequest;
const tile = { modelId: 'arbitrary-wyf' } as TileRequest;
const sized = (width: number) => ({ ...tile, work: { width, height: 100 } }) as TileRequest;
const stats = { 'style-vector': { shape: [1, 1], data: Float32Array.of(1) } };
const settled = async (promise: Promise<unknown>) => {
	let done = false;
	promise.then(
		() => (done = true),
		() => (done = true)
	);
	await new Promise((resolve) => setTimeout(resolve, 0));
	return done;
};

describe('TilePool statistics passes', () => {
	it("gives each thread one band at once, and each band the whole image's moments", async () => {
		const threads = [fakeThread(), fakeThread()];
		const pool = new TilePool(threads);
		const pass = pool.statistics(request, planStatsBands(512, 2, 32, 4)).stats;
		const [first, second] = threads.map(
			(t) => t.posted[0] as Extract<PainterMessage, { statistics: unknown }>
		);
		expect([first!.statistics.band.index, second!.statistics.band.index].sort()).toEqual([0, 1]);
		// Mean 0 and variance 1 over 10 positions, mean 2 and variance 1 over 30: 1.5 and 1.75 in all.
		threads[0]!.reply({
			id: first!.id,
			partial: { band: first!.statistics.band.index, layer: 0, moments: Float32Array.of(0, 1), count: 10 }
		});
		threads[1]!.reply({
			id: second!.id,
			partial: { band: second!.statistics.band.index, layer: 0, moments: Float32Array.of(2, 1), count: 30 }
		});
		await Promise.resolve();
		for (const thread of threads) {
			const reduced = thread.posted[1] as Extract<PainterMessage, { reduced: unknown }>;
			expect(Array.from((reduced.reduced as { moments: Float32Array }).moments)).toEqual([1.5, 1.75]);
		}
		threads[0]!.reply({ id: first!.id, stats });
		expect(await settled(pass)).toBe(false);
		threads[1]!.reply({ id: second!.id, stats });
		await expect(pass).resolves.toEqual(stats);
	});

	it('leaves out a thread that failed: its pass fails, the other band is told, and what needs it is refused', async () => {
		const threads = [fakeThread(), fakeThread()];
		const pool = new TilePool(threads);
		const pass = pool.statistics(request, planStatsBands(512, 2, 32, 4)).stats;
		const second = threads[1]!.posted[0] as Extract<PainterMessage, { statistics: unknown }>;
		threads[1]!.reply({
			id: second!.id,
			partial: { band: second!.statistics.band.index, layer: 0, moments: Float32Array.of(0, 0), count: 1 }
		});
		threads[0]!.crash('out of memory');
		await Promise.resolve();
		// The band still running is told to stop waiting; when it answers, the pass ends with the failure.
		expect(threads[1]!.posted[1]).toMatchObject({
			id: second!.id,
			reduced: { error: expect.stringMatching(/out of memory/) }
		});
		threads[1]!.reply({ id: second!.id, error: 'stopped' });
		await expect(pass).rejects.toThrow(/a painter thread failed: out of memory/);
		expect(pool.concurrency).toBe(1);
		// Two bands cannot run on the one thread left; a tile still can.
		await expect(pool.statistics(request, planStatsBands(512, 2, 32, 4)).stats).rejects.toThrow(
			/1 are running/
		);
		const painted = pool.paint(tile);
		const message = threads[1]!.posted.at(-1) as Extract<PainterMessage, { request: unknown }>;
		expect(message.request).toBe(tile);
		threads[1]!.reply({ id: message.id, rgb: Float32Array.of(1, 2, 3) });
		await expect(painted).resolves.toEqual(Float32Array.of(1, 2, 3));
	});

	it('refuses a queued pass once the threads it waits for have failed, instead of waiting for ever', async () => {
		const threads = [fakeThread(), fakeThread()];
		const pool = new TilePool(threads);
		const busy = pool.paint(tile);
		const queued = pool.statistics(request, planStatsBands(512, 2, 32, 4)).stats;
		expect(await settled(queued)).toBe(false);
		const busyThread = threads.find((t) => t.posted.length)!;
		busyThread.crash('lost');
		await expect(busy).rejects.toThrow(/lost/);
		await expect(queued).rejects.toThrow(/painter threads failed \(1 left\)/);
	});

	it('gives tiles that follow a pass to the other threads, up to its depth, each with what the pass has published', async () => {
		const threads = [fakeThread(), fakeThread(), fakeThread()];
		const pool = new TilePool(threads);
		const pass = pool.statistics(request, planStatsBands(512, 1, 32, 4), 2);
		const leader = threads[0]!;
		const band = leader.posted[0] as Extract<PainterMessage, { statistics: unknown }>;
		leader.reply({ id: band.id, published: [0, Float32Array.of(9)] });
		const following = { ...tile, follow: pass.id };
		const tiles = Array.from({ length: 6 }, () => pool.paint(following));
		// Two threads follow, two tiles each; the fifth and sixth wait. Each knows item 0 already.
		for (const thread of threads.slice(1)) {
			expect(thread.posted).toHaveLength(2);
			expect(thread.posted[0]).toMatchObject({ request: following, published: [[0, Float32Array.of(9)]] });
		}
		// A whole-preview band publishes each statistic as it reads it: each goes to both following
		// threads, once each (item 0 again is not news).
		leader.reply({ id: band.id, published: [1, Float32Array.of(1)] });
		leader.reply({ id: band.id, published: [0, Float32Array.of(9)] });
		leader.reply({ id: band.id, published: [2, Float32Array.of(2)] });
		for (const thread of threads.slice(1)) {
			expect(thread.posted.slice(2)).toEqual([
				{ feed: pass.id, published: [[1, Float32Array.of(1)]] },
				{ feed: pass.id, published: [[2, Float32Array.of(2)]] }
			]);
		}
		// The pass ends: the leader is free, and tiles sent from now on carry its statistics.
		leader.reply({ id: band.id, stats });
		await expect(pass.stats).resolves.toEqual(stats);
		const sent = leader.posted.at(-1) as Extract<PainterMessage, { request: unknown }>;
		expect(sent.request.follow).toBeUndefined();
		expect(sent.request.stats).toBe(stats);
		expect(sent).not.toHaveProperty('published');
		// Every tile sent is painted (the sixth goes to the first thread free).
		const answered = new Set<number>();
		for (let round = 0; round < 3 && answered.size < 6; round++) {
			for (const thread of threads) {
				for (const message of [...thread.posted]) {
					if (!('request' in message) || answered.has(message.id)) continue;
					answered.add(message.id);
					thread.reply({ id: message.id, rgb: Float32Array.of(1) });
				}
			}
		}
		expect(answered.size).toBe(6);
		await expect(Promise.all(tiles)).resolves.toHaveLength(6);
		// Once no tile follows it, the pass is forgotten: a late follower is told so.
		await expect(pool.paint(following)).rejects.toThrow(/pass this tile follows is over/);
	});

	it('fails the tiles following a pass that fails, and refuses those still queued', async () => {
		const threads = [fakeThread(), fakeThread()];
		const pool = new TilePool(threads);
		const pass = pool.statistics(request, planStatsBands(512, 1, 32, 4), 1);
		const band = threads[0]!.posted[0] as Extract<PainterMessage, { statistics: unknown }>;
		const following = { ...tile, follow: pass.id };
		const inFlight = pool.paint(following);
		const queued = pool.paint(following);
		threads[0]!.reply({ id: band.id, failure: 'wasm out of memory' });
		// The following thread is told at once, so its tile stops waiting for layers that will never come.
		expect(threads[1]!.posted.at(-1)).toEqual({ feed: pass.id, error: 'wasm out of memory' });
		threads[0]!.reply({ id: band.id, error: 'wasm out of memory' });
		await expect(pass.stats).rejects.toThrow(/wasm out of memory/);
		await expect(queued).rejects.toThrow(/wasm out of memory/);
		const sent = threads[1]!.posted[0] as Extract<PainterMessage, { request: unknown }>;
		threads[1]!.reply({ id: sent.id, error: 'wasm out of memory' });
		await expect(inFlight).rejects.toThrow(/wasm out of memory/);
	});

	it("paints a picture's tiles read together all at once, spread by pixels, each given the whole image's moments", async () => {
		const threads = [fakeThread(), fakeThread()];
		const pool = new TilePool(threads);
		// One thread is busy with a tile: the tiles read together do not wait for it.
		const busy = pool.paint(tile);
		const bands = tileBands(planTiles(300, 100, 128, 32, 4), 4).slice(0, 3);
		const layers: number[] = [];
		const pass = pool.together([sized(200), sized(100), sized(100)], bands, Float32Array.of(7), (layer) =>
			layers.push(layer)
		);
		const sent = threads.map((t) =>
			t.posted.filter((m): m is Extract<PainterMessage, { together: unknown }> => 'together' in m)
		);
		// 200 px to one thread, then 100 and 100 to the other until it has as many.
		expect(sent.map((list) => list.map((m) => m.together.request.work.width))).toEqual([[200], [100, 100]]);
		expect(sent[0]![0]!.together.shared).toEqual(Float32Array.of(7));
		const all = sent.flat();
		const owner = (id: number) => threads.find((t) => t.posted.some((m) => 'id' in m && m.id === id))!;
		// Means 0, 2 and 4 (variance 1) over 10, 10 and 20 positions: mean 2.5, variance 3.75 in all.
		all.forEach((m, i) =>
			owner(m.id).reply({
				id: m.id,
				partial: {
					band: m.together.band.index,
					layer: 0,
					moments: Float32Array.of([0, 2, 4][i]!, 1),
					count: [10, 10, 20][i]!
				}
			})
		);
		await Promise.resolve();
		// Layer 0 is done once all three have sent it (progress for the job).
		expect(layers).toEqual([0]);
		for (const m of all) {
			expect(owner(m.id).posted).toContainEqual({
				id: m.id,
				reduced: { band: m.together.band.index, moments: Float32Array.of(2.5, 3.75) }
			});
		}
		all.forEach((m, i) => owner(m.id).reply({ id: m.id, rgb: Float32Array.of(i), stats }));
		await expect(Promise.all(pass.tiles)).resolves.toEqual([0, 1, 2].map((i) => Float32Array.of(i)));
		await expect(pass.stats).resolves.toEqual(stats);
		const first = threads.find((t) => 'request' in t.posted[0]!)!;
		first.reply({ id: (first.posted[0] as { id: number }).id, rgb: Float32Array.of(9) });
		await expect(busy).resolves.toEqual(Float32Array.of(9));
	});

	it('ends the waits of tiles read together when one fails or the job is canceled, and fails the statistics', async () => {
		for (const end of ['fails', 'canceled'] as const) {
			const threads = [fakeThread(), fakeThread()];
			const pool = new TilePool(threads);
			const bands = tileBands(planTiles(256, 100, 128, 32, 4), 4);
			const pass = pool.together([sized(128), sized(128)], bands, Float32Array.of(7));
			const outcomes = pass.tiles.map((t) => t.catch((error: Error) => error.message));
			const [first, second] = threads.map(
				(t) => t.posted[0] as Extract<PainterMessage, { together: unknown }>
			);
			threads[1]!.reply({
				id: second!.id,
				partial: { band: 1, layer: 0, moments: Float32Array.of(0, 1), count: 1 }
			});
			if (end === 'fails') threads[0]!.reply({ id: first!.id, error: 'wasm out of memory' });
			else pass.cancel(new Error('canceled'));
			await Promise.resolve();
			expect(threads[1]!.posted.at(-1)).toMatchObject({
				id: second!.id,
				reduced: { error: expect.stringMatching(end === 'fails' ? /wasm out of memory/ : /canceled/) }
			});
			if (end === 'canceled') threads[0]!.reply({ id: first!.id, error: 'canceled' });
			expect(await settled(pass.stats)).toBe(false);
			threads[1]!.reply({ id: second!.id, error: 'stopped' });
			await expect(pass.stats).rejects.toThrow(end === 'fails' ? /wasm out of memory/ : /canceled/);
			expect(await Promise.all(outcomes)).toEqual([
				end === 'fails' ? 'wasm out of memory' : 'canceled',
				'stopped'
			]);
		}
	});
});
