// Paints tiles on several worker threads, one tfjs (wasm) engine each: the CPU path's parallelism,
// since threaded wasm gains nothing here. Whoever creates the pool disposes it.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TilePainter, TileRequest } from '../engine/engine';
import { EngineError } from '../engine/types';
import type { TileWorkerMessage } from './tile-worker';

interface Waiting {
	resolve(rgb: Float32Array): void;
	reject(error: Error): void;
}

export class TileWorkerPool implements TilePainter {
	readonly concurrency: number;
	private readonly workers: Worker[];
	private readonly idle: Worker[];
	private readonly queue: { request: TileRequest; waiting: Waiting }[] = [];
	private readonly inFlight = new Map<number, { worker: Worker; waiting: Waiting }>();
	private nextId = 1;

	constructor(cacheDir: string, size = availableParallelism()) {
		this.concurrency = Math.max(1, size);
		this.workers = Array.from({ length: this.concurrency }, () => {
			const worker = new Worker(new URL('../../../bin/tile-worker.js', import.meta.url), {
				workerData: { cacheDir }
			});
			worker.on('message', (message: TileWorkerMessage) => this.settle(worker, message));
			worker.on('error', (error) =>
				this.fail(worker, new EngineError(`a painter thread failed: ${error.message}`))
			);
			return worker;
		});
		this.idle = [...this.workers];
	}

	paint(request: TileRequest): Promise<Float32Array> {
		return new Promise((resolve, reject) => {
			this.queue.push({ request, waiting: { resolve, reject } });
			this.dispatch();
		});
	}

	async dispose(): Promise<void> {
		for (const { waiting } of [...this.inFlight.values(), ...this.queue]) {
			waiting.reject(new EngineError('the painter threads were stopped'));
		}
		this.inFlight.clear();
		this.queue.length = 0;
		await Promise.all(this.workers.map((w) => w.terminate()));
	}

	private dispatch(): void {
		while (this.idle.length && this.queue.length) {
			const worker = this.idle.pop()!;
			const { request, waiting } = this.queue.shift()!;
			const id = this.nextId++;
			this.inFlight.set(id, { worker, waiting });
			worker.postMessage({ id, request });
		}
	}

	private settle(worker: Worker, message: TileWorkerMessage): void {
		const entry = this.inFlight.get(message.id);
		if (!entry) return;
		this.inFlight.delete(message.id);
		this.idle.push(worker);
		if ('rgb' in message) entry.waiting.resolve(message.rgb);
		else entry.waiting.reject(new EngineError(message.error));
		this.dispatch();
	}

	private fail(worker: Worker, error: Error): void {
		for (const [id, entry] of this.inFlight) {
			if (entry.worker !== worker) continue;
			this.inFlight.delete(id);
			entry.waiting.reject(error);
		}
	}
}
