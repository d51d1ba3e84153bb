// The budgeted worker pool on real worker threads: a job that never yields is ended at its time budget,
// one that allocates without end at its memory budget, and a fresh thread takes each one's place; the
// upload gate caps uploads per user and overall.
import { afterEach, describe, expect, it } from 'vitest';
import { GalleryError } from '../../src/lib/server/gallery/errors';
import { UploadGate } from '../../src/lib/server/gallery/upload-pool';
import { BudgetedWorkerPool, BudgetExceeded, JobFailed } from '../../src/lib/server/gallery/worker-pool';

/** A worker that runs what it is asked: `spin` forever, `grow` its heap forever, `fail`, or echoes. */
const WORKER = new URL(
	`data:text/javascript,${encodeURIComponent(`
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (job) => {
	if (job === 'spin') for (;;);
	if (job === 'grow') { const kept = []; for (;;) kept.push(new Array(1e5).fill(Math.random())); }
	if (job === 'fail') { parentPort.postMessage({ ok: false, message: 'no such thing', status: 400 }); return; }
	parentPort.postMessage({ ok: true, value: { echo: job } });
});
parentPort.postMessage({ ready: true });
`)}`
);

let pool: BudgetedWorkerPool<string, { echo: string }> | undefined;
afterEach(async () => {
	await pool?.close();
});

describe('the budgeted worker pool', () => {
	it('ends a job that never yields at its time budget, and the next job runs on a fresh thread', async () => {
		pool = new BudgetedWorkerPool(WORKER, 1, { timeMs: 300, memoryMb: 64 });
		const spun = pool.run('spin');
		await expect(spun).rejects.toBeInstanceOf(BudgetExceeded);
		await expect(spun).rejects.toMatchObject({
			kind: 'time',
			message: 'it took longer than the 0.3 s allowed'
		});
		await expect(pool.run('hello')).resolves.toMatchObject({ echo: 'hello' });
	});

	it('ends a job that outgrows its memory budget', async () => {
		pool = new BudgetedWorkerPool(WORKER, 1, { timeMs: 60_000, memoryMb: 32 });
		await expect(pool.run('grow')).rejects.toMatchObject({ kind: 'memory' });
		await expect(pool.run('again')).resolves.toMatchObject({ echo: 'again' });
	});

	it('reports a job’s own failure and keeps the thread; queues jobs beyond its size', async () => {
		pool = new BudgetedWorkerPool(WORKER, 2, { timeMs: 60_000, memoryMb: 64 });
		await expect(pool.run('fail')).rejects.toEqual(new JobFailed('no such thing', 400));
		const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((job) => pool!.run(job)));
		expect(results.map((r) => r.echo)).toEqual(['a', 'b', 'c', 'd', 'e']);
	});
});

describe('the upload gate', () => {
	it('admits up to the per-user and the overall caps, then answers 429 with a Retry-After', () => {
		const gate = new UploadGate({ perUser: 2, overall: 3 });
		const leaveA1 = gate.enter('a');
		gate.enter('a');
		expect(() => gate.enter('a')).toThrow(GalleryError);
		try {
			gate.enter('a');
		} catch (error) {
			expect(error).toMatchObject({
				status: 429,
				message: expect.stringMatching(/2 upload\(s\) being processed/)
			});
			expect((error as GalleryError).retryAfter).toBeGreaterThanOrEqual(1);
		}
		const leaveB = gate.enter('b');
		expect(() => gate.enter('c')).toThrow(/busy with other uploads/);
		leaveB();
		leaveB(); // leaving twice frees one place only
		gate.enter('c');
		expect(() => gate.enter('d')).toThrow(/busy/);
		leaveA1();
		expect(() => gate.enter('a')).not.toThrow();
	});
});
