// The page's side of the canvas worker (canvas-worker.ts): request ids, transfers, and cancellation. A
// canceled job ends the worker (the only way to stop a canvas mid-encode) and fails every job in flight
// as canceled; the next job starts a fresh worker. Whoever creates the client disposes it.
import { CanceledError } from '../engine/types';
import type { CanvasJob, CanvasJobs, CanvasRequest, CanvasResponse } from './canvas-protocol';

export interface CanvasJobOptions {
	signal?: AbortSignal;
	/** Buffers handed to the worker (the caller no longer reads them). */
	transfer?: Transferable[];
}

interface Pending {
	resolve(output: unknown): void;
	reject(error: Error): void;
}

/** Starts the canvas worker (the bundler finds the worker's module from this `new URL`). */
const startCanvasWorker = () =>
	new Worker(new URL('./canvas-worker.ts', import.meta.url), { type: 'module' });

export class CanvasWorkerClient {
	#worker: Worker | null = null;
	#nextId = 1;
	readonly #pending = new Map<number, Pending>();

	constructor(private readonly makeWorker: () => Worker = startCanvasWorker) {}

	run<K extends CanvasJob>(
		type: K,
		input: CanvasJobs[K]['input'],
		{ signal, transfer = [] }: CanvasJobOptions = {}
	): Promise<CanvasJobs[K]['output']> {
		if (signal?.aborted) return Promise.reject(new CanceledError());
		const worker = this.#start();
		const id = this.#nextId++;
		return new Promise<CanvasJobs[K]['output']>((resolve, reject) => {
			const onAbort = () => this.#stop(new CanceledError());
			signal?.addEventListener('abort', onAbort, { once: true });
			this.#pending.set(id, {
				resolve: (output) => {
					signal?.removeEventListener('abort', onAbort);
					resolve(output as CanvasJobs[K]['output']);
				},
				reject: (error) => {
					signal?.removeEventListener('abort', onAbort);
					reject(error);
				}
			});
			worker.postMessage({ id, type, input } as CanvasRequest, transfer);
		});
	}

	dispose(): void {
		this.#stop(new CanceledError());
	}

	#start(): Worker {
		if (this.#worker) return this.#worker;
		const worker = this.makeWorker();
		worker.onmessage = (event: MessageEvent<CanvasResponse>) => {
			const { id } = event.data;
			const pending = this.#pending.get(id);
			if (!pending) return;
			this.#pending.delete(id);
			if ('error' in event.data) pending.reject(new Error(event.data.error));
			else pending.resolve(event.data.output);
		};
		worker.onerror = (event) => this.#stop(new Error(event.message || 'The canvas worker crashed.'));
		this.#worker = worker;
		return worker;
	}

	/** Ends the worker and fails every job in flight with `error`. */
	#stop(error: Error): void {
		this.#worker?.terminate();
		this.#worker = null;
		const pending = [...this.#pending.values()];
		this.#pending.clear();
		for (const job of pending) job.reject(error);
	}
}
