// The page's glue to the engine worker, driven by a hand-operated fake Worker.
import { beforeEach, describe, expect, it } from 'vitest';
import type { StylizeJob } from '../../src/lib/engine/engine';
import { EngineClient } from '../../src/lib/engine/worker/client';
import type { EngineRequest, EngineResponse } from '../../src/lib/engine/worker/protocol';
import { CanceledError, EngineError, type Pixels } from '../../src/lib/engine/types';

class FakeWorker {
	onmessage: ((event: MessageEvent<EngineResponse>) => void) | null = null;
	onerror: ((event: ErrorEvent) => void) | null = null;
	readonly posted: { message: EngineRequest; transfer: Transferable[] }[] = [];
	terminated = false;

	postMessage(message: EngineRequest, transfer: Transferable[] = []): void {
		this.posted.push({ message, transfer });
	}

	terminate(): void {
		this.terminated = true;
	}

	/** The worker answering. */
	reply(message: EngineResponse): void {
		if (!this.onmessage) throw new Error('the client did not listen for messages');
		this.onmessage({ data: message } as MessageEvent<EngineResponse>);
	}

	crash(message: string): void {
		if (!this.onerror) throw new Error('the client did not listen for errors');
		this.onerror({ message } as ErrorEvent);
	}

	requests(type: EngineRequest['type']): EngineRequest[] {
		return this.posted.map((p) => p.message).filter((m) => m.type === type);
	}

	lastInitId(): number {
		const last = this.requests('init').at(-1);
		if (last?.type !== 'init') throw new Error('no init request was sent');
		return last.id;
	}

	lastStylizeId(): number {
		const last = this.requests('stylize').at(-1);
		if (last?.type !== 'stylize') throw new Error('no stylize request was sent');
		return last.id;
	}
}

function pixels(width: number, height: number, fill = 0): Pixels {
	return { width, height, data: new Uint8ClampedArray(width * height * 4).fill(fill) };
}

function job(fill = 10): StylizeJob {
	return {
		content: pixels(2, 2, fill),
		styles: [{ pixels: pixels(1, 1, 200), weight: 1 }],
		settings: {
			modelId: 'arbitrary-wyf',
			strength: 0.5,
			preserveColors: false,
			workingSide: 64,
			styleSide: 32,
			output: { width: 2, height: 2 }
		}
	};
}

/** Lets the client's awaits (on the ready promise) run. */
function flush(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Settles a promise into its value or its error, so nothing is left unhandled. */
function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
	return promise.then(
		(value) => ({ value }),
		(error: unknown) => ({ error })
	);
}

describe('EngineClient', () => {
	let worker: FakeWorker;
	let client: EngineClient;

	beforeEach(() => {
		worker = new FakeWorker();
		client = new EngineClient(worker as unknown as Worker);
	});

	async function ready(): Promise<void> {
		const init = client.init();
		worker.reply({ type: 'ready', id: worker.lastInitId(), backend: 'wasm', reason: 'test' });
		await init;
	}

	describe('init', () => {
		it('sends the preference and resolves with the backend the worker reports', async () => {
			const init = client.init('webgl');
			expect(worker.posted.map((p) => p.message)).toEqual([
				{ type: 'init', id: expect.any(Number), preference: 'webgl' }
			]);
			worker.reply({
				type: 'ready',
				id: worker.lastInitId(),
				backend: 'webgl',
				reason: 'a GPU with WebGL (test)'
			});
			await expect(init).resolves.toEqual({ backend: 'webgl', reason: 'a GPU with WebGL (test)' });
		});

		it('defaults to the auto preference', () => {
			void settle(client.init());
			expect(worker.requests('init')).toEqual([{ type: 'init', id: expect.any(Number), preference: 'auto' }]);
		});

		it('rejects with an EngineError on init-failed', async () => {
			const init = settle(client.init());
			worker.reply({
				type: 'init-failed',
				id: worker.lastInitId(),
				message: 'No tfjs backend could start in this browser.'
			});
			const { error } = await init;
			expect(error).toBeInstanceOf(EngineError);
			expect((error as Error).message).toBe('No tfjs backend could start in this browser.');
		});

		it('settles an earlier init as canceled when a newer one starts, and ignores its late ready', async () => {
			const first = settle(client.init('webgl'));
			const firstId = worker.lastInitId();
			const second = client.init('wasm');
			expect((await first).error).toBeInstanceOf(CanceledError);
			worker.reply({ type: 'ready', id: firstId, backend: 'webgl', reason: 'stale' });
			worker.reply({ type: 'ready', id: worker.lastInitId(), backend: 'wasm', reason: 'chosen by the user' });
			await expect(second).resolves.toEqual({ backend: 'wasm', reason: 'chosen by the user' });
		});

		it('rejects when the worker crashes before it is ready', async () => {
			const init = settle(client.init());
			worker.crash('Failed to load the worker module');
			const { error } = await init;
			expect(error).toBeInstanceOf(EngineError);
			expect((error as Error).message).toBe('Failed to load the worker module');
		});

		it('makes a stylize after a failed init fail too, without sending the job', async () => {
			const init = settle(client.init());
			worker.reply({ type: 'init-failed', id: worker.lastInitId(), message: 'nope' });
			await init;
			const { error } = await settle(client.stylize(job()));
			expect(error).toBeInstanceOf(EngineError);
			expect(worker.requests('stylize')).toEqual([]);
		});
	});

	describe('stylize', () => {
		it('starts the engine first when nobody called init', async () => {
			const result = settle(client.stylize(job()));
			expect(worker.posted[0]?.message).toEqual({ type: 'init', id: expect.any(Number), preference: 'auto' });
			expect(worker.requests('stylize')).toEqual([]);
			worker.reply({ type: 'ready', id: worker.lastInitId(), backend: 'wasm', reason: 'test' });
			await flush();
			const id = worker.lastStylizeId();
			const out = pixels(2, 2, 99);
			worker.reply({ type: 'done', id, result: out });
			expect((await result).value).toBe(out);
		});

		it('sends the job with an id, transfers the content pixels, forwards progress and resolves on done', async () => {
			await ready();
			const theJob = job();
			const progress: unknown[] = [];
			const result = client.stylize(theJob, { onProgress: (p) => progress.push(p) });
			await flush();

			const sent = worker.posted.at(-1);
			expect(sent?.message).toMatchObject({ type: 'stylize', job: theJob });
			const id = worker.lastStylizeId();
			expect(Number.isInteger(id)).toBe(true);
			expect(sent?.transfer).toEqual([theJob.content.data.buffer]);
			expect(sent?.transfer[0]).toBe(theJob.content.data.buffer);

			worker.reply({ type: 'progress', id, progress: { stage: 'loading-model', fraction: 0 } });
			worker.reply({ type: 'progress', id, progress: { stage: 'painting', fraction: 0.5 } });
			expect(progress).toEqual([
				{ stage: 'loading-model', fraction: 0 },
				{ stage: 'painting', fraction: 0.5 }
			]);

			const out = pixels(2, 2, 7);
			worker.reply({ type: 'done', id, result: out });
			await expect(result).resolves.toBe(out);
		});

		it('gives each request a new id', async () => {
			await ready();
			const first = settle(client.stylize(job()));
			await flush();
			const firstId = worker.lastStylizeId();
			worker.reply({ type: 'done', id: firstId, result: pixels(1, 1) });
			await first;
			void settle(client.stylize(job()));
			await flush();
			expect(worker.lastStylizeId()).not.toBe(firstId);
		});

		it('ignores messages for ids it does not know', async () => {
			await ready();
			const progress: unknown[] = [];
			const result = settle(client.stylize(job(), { onProgress: (p) => progress.push(p) }));
			await flush();
			const id = worker.lastStylizeId();
			worker.reply({ type: 'progress', id: id + 100, progress: { stage: 'painting', fraction: 0.3 } });
			worker.reply({ type: 'done', id: id + 100, result: pixels(1, 1) });
			expect(progress).toEqual([]);
			const out = pixels(3, 3);
			worker.reply({ type: 'done', id, result: out });
			expect((await result).value).toBe(out);
		});

		it('newest wins: a second request cancels the first, and a late done for the first is ignored', async () => {
			await ready();
			const firstProgress: unknown[] = [];
			const first = settle(client.stylize(job(1), { onProgress: (p) => firstProgress.push(p) }));
			await flush();
			const firstId = worker.lastStylizeId();

			const second = client.stylize(job(2));
			const firstOutcome = await first;
			expect(firstOutcome.error).toBeInstanceOf(CanceledError);
			await flush();
			const secondId = worker.lastStylizeId();
			expect(secondId).not.toBe(firstId);
			// The worker is told to stop the superseded job too.
			expect(worker.requests('cancel')).toEqual([{ type: 'cancel', id: firstId }]);

			worker.reply({ type: 'progress', id: firstId, progress: { stage: 'painting', fraction: 0.9 } });
			worker.reply({ type: 'done', id: firstId, result: pixels(1, 1, 1) });
			expect(firstProgress).toEqual([]);

			const out = pixels(2, 2, 2);
			worker.reply({ type: 'done', id: secondId, result: out });
			await expect(second).resolves.toBe(out);
		});

		it('aborting the signal sends a cancel for that id and rejects with CanceledError', async () => {
			await ready();
			const controller = new AbortController();
			const result = settle(client.stylize(job(), { signal: controller.signal }));
			await flush();
			const id = worker.lastStylizeId();

			controller.abort();
			expect(worker.posted.at(-1)?.message).toEqual({ type: 'cancel', id });
			const { error } = await result;
			expect(error).toBeInstanceOf(CanceledError);

			// The worker's late answers are dropped, and no second cancel is sent.
			worker.reply({ type: 'done', id, result: pixels(1, 1) });
			controller.abort();
			expect(worker.requests('cancel')).toHaveLength(1);
		});

		it('does not send a cancel when the signal aborts after the job finished', async () => {
			await ready();
			const controller = new AbortController();
			const result = client.stylize(job(), { signal: controller.signal });
			await flush();
			const out = pixels(1, 1);
			worker.reply({ type: 'done', id: worker.lastStylizeId(), result: out });
			await expect(result).resolves.toBe(out);
			controller.abort();
			expect(worker.requests('cancel')).toEqual([]);
		});

		it('rejects at once, without sending the job, when the signal is already aborted', async () => {
			await ready();
			const controller = new AbortController();
			controller.abort();
			const { error } = await settle(client.stylize(job(), { signal: controller.signal }));
			expect(error).toBeInstanceOf(CanceledError);
			expect(worker.requests('stylize')).toEqual([]);
		});

		it('rejects with CanceledError when the worker reports canceled', async () => {
			await ready();
			const result = settle(client.stylize(job()));
			await flush();
			worker.reply({ type: 'canceled', id: worker.lastStylizeId() });
			expect((await result).error).toBeInstanceOf(CanceledError);
		});

		it('rejects with an EngineError carrying the worker message on error', async () => {
			await ready();
			const result = settle(client.stylize(job()));
			await flush();
			worker.reply({
				type: 'error',
				id: worker.lastStylizeId(),
				message: 'arbitrary-wyf needs a style image'
			});
			const { error } = await result;
			expect(error).toBeInstanceOf(EngineError);
			expect(error).not.toBeInstanceOf(CanceledError);
			expect((error as Error).message).toBe('arbitrary-wyf needs a style image');
		});

		it('rejects pending jobs with an EngineError when the worker crashes', async () => {
			await ready();
			const result = settle(client.stylize(job()));
			await flush();
			worker.crash('out of memory');
			const { error } = await result;
			expect(error).toBeInstanceOf(EngineError);
			expect((error as Error).message).toBe('out of memory');
		});

		it('names a crash without a message', async () => {
			await ready();
			const result = settle(client.stylize(job()));
			await flush();
			worker.crash('');
			expect(((await result).error as Error).message).toBe('The engine worker crashed.');
		});

		it('a re-init cancels jobs in flight', async () => {
			await ready();
			const result = settle(client.stylize(job()));
			await flush();
			void settle(client.init('wasm'));
			expect((await result).error).toBeInstanceOf(CanceledError);
		});
	});

	describe('dispose', () => {
		it('terminates the worker and rejects the pending job', async () => {
			await ready();
			const result = settle(client.stylize(job()));
			await flush();
			expect(worker.terminated).toBe(false);
			client.dispose();
			expect(worker.terminated).toBe(true);
			expect((await result).error).toBeInstanceOf(CanceledError);
		});
	});
});
