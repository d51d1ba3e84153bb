// Worker threads that run one job at a time each, within a budget: a job that takes longer than its time
// or needs more heap than its memory allows is ended by terminating its thread (the only way to stop code
// that never yields), and a fresh thread takes the place of the old one. A thread's start-up (loading its
// modules) is not counted against the job.
import { Worker } from 'node:worker_threads';

export interface JobBudget {
	/** Wall time one job may take. */
	timeMs: number;
	/** The V8 heap of a worker thread (resourceLimits.maxOldGenerationSizeMb). */
	memoryMb: number;
}

/** A job that used up its budget. */
export class BudgetExceeded extends Error {
	constructor(
		readonly kind: 'time' | 'memory',
		message: string
	) {
		super(message);
		this.name = 'BudgetExceeded';
	}
}

/** A job's own expected failure, as its worker reported it. */
export class JobFailed extends Error {
	constructor(
		message: string,
		readonly status?: number
	) {
		super(message);
		this.name = 'JobFailed';
	}
}

/** What a worker thread posts: once `{ready: true}` when it can take jobs, then one reply per job. */
export type WorkerReply<Out> =
	{ ready: true } | { ok: true; value: Out } | { ok: false; message: string; status?: number };

interface PooledWorker {
	worker: Worker;
	ready: Promise<void>;
}

export class BudgetedWorkerPool<In, Out> {
	private readonly idle: PooledWorker[] = [];
	private readonly waiting: ((worker: PooledWorker) => void)[] = [];
	private started = 0;
	private closed = false;

	constructor(
		private readonly entry: string | URL,
		readonly size: number,
		readonly budget: JobBudget
	) {}

	/** Runs one job on a free thread (waiting for one when all are busy). */
	async run(input: In, transfer: ArrayBuffer[] = []): Promise<Out> {
		const pooled = await this.acquire();
		const { worker } = pooled;
		return new Promise<Out>((resolve, reject) => {
			let settled = false;
			const finish = (keep: boolean, settle: () => void) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				worker.off('message', onMessage);
				worker.off('error', onError);
				worker.off('exit', onExit);
				if (keep) this.release(pooled);
				else this.discard(pooled);
				settle();
			};
			const seconds = Number((this.budget.timeMs / 1000).toFixed(2));
			const timer = setTimeout(
				() =>
					finish(false, () =>
						reject(new BudgetExceeded('time', `it took longer than the ${seconds} s allowed`))
					),
				this.budget.timeMs
			);
			const onMessage = (reply: WorkerReply<Out>) => {
				if ('ready' in reply) return;
				if (reply.ok) finish(true, () => resolve(reply.value));
				else finish(true, () => reject(new JobFailed(reply.message, reply.status)));
			};
			const onError = (error: Error & { code?: string }) =>
				finish(false, () =>
					reject(
						error.code === 'ERR_WORKER_OUT_OF_MEMORY'
							? new BudgetExceeded('memory', `it needed more than the ${this.budget.memoryMb} MB allowed`)
							: new Error(`an upload worker failed: ${error.message}`)
					)
				);
			const onExit = (code: number) =>
				finish(false, () => reject(new Error(`an upload worker stopped (exit code ${code})`)));
			worker.on('message', onMessage);
			worker.on('error', onError);
			worker.on('exit', onExit);
			worker.postMessage(input, transfer);
		});
	}

	/** Ends every thread; jobs in flight fail. */
	async close(): Promise<void> {
		this.closed = true;
		const all = this.idle.splice(0);
		await Promise.all(all.map((p) => p.worker.terminate()));
	}

	private async acquire(): Promise<PooledWorker> {
		if (this.closed) throw new Error('the upload workers are shut down');
		const pooled =
			this.idle.pop() ??
			(this.started < this.size
				? this.spawn()
				: await new Promise<PooledWorker>((resolve) => this.waiting.push(resolve)));
		try {
			await pooled.ready;
			return pooled;
		} catch (error) {
			this.discard(pooled);
			throw error;
		}
	}

	private spawn(): PooledWorker {
		this.started += 1;
		const worker = new Worker(this.entry, {
			resourceLimits: {
				maxOldGenerationSizeMb: this.budget.memoryMb,
				maxYoungGenerationSizeMb: Math.min(64, Math.max(8, this.budget.memoryMb / 8)),
				stackSizeMb: 4
			}
		});
		// Idle threads do not keep the process alive.
		worker.unref();
		const ready = new Promise<void>((resolve, reject) => {
			const onMessage = (reply: WorkerReply<Out>) => {
				if (!('ready' in reply)) return;
				cleanup();
				resolve();
			};
			const onError = (error: Error) => {
				cleanup();
				reject(new Error(`an upload worker could not start: ${error.message}`));
			};
			const onExit = (code: number) => {
				cleanup();
				reject(new Error(`an upload worker could not start (exit code ${code})`));
			};
			const cleanup = () => {
				worker.off('message', onMessage);
				worker.off('error', onError);
				worker.off('exit', onExit);
			};
			worker.on('message', onMessage);
			worker.on('error', onError);
			worker.on('exit', onExit);
		});
		// A start-up failure is reported to the job that waits for it; no unhandled rejection meanwhile.
		ready.catch(() => {});
		return { worker, ready };
	}

	private release(pooled: PooledWorker): void {
		const next = this.waiting.shift();
		if (next) next(pooled);
		else this.idle.push(pooled);
	}

	/** Ends a thread (over budget, crashed) and starts a replacement for whoever waits. */
	private discard(pooled: PooledWorker): void {
		this.started -= 1;
		void pooled.worker.terminate();
		const next = this.waiting.shift();
		if (next && !this.closed) next(this.spawn());
	}
}
