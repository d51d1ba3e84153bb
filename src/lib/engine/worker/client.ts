// The page's side of the engine channel: one worker, request ids, newest request wins, and
// cancellation through an AbortSignal. Whoever creates the client disposes it (and the worker).
import type { BackendPreference } from '../backend';
import type { StylizeJob } from '../engine';
import type { FaceScan } from '../faces';
import { type BackendName, CanceledError, EngineError, type Pixels, type Progress } from '../types';
import type { EngineRequest, EngineResponse } from './protocol';

export interface StylizeCallbacks {
	signal?: AbortSignal;
	onProgress?: (progress: Progress) => void;
	/** Told when the engine recovered from a failure and carried on (and on which backend). */
	onNotice?: (message: string, backend: BackendName) => void;
}

interface Pending {
	resolve(result: Pixels): void;
	reject(error: Error): void;
	callbacks: StylizeCallbacks;
}

export interface BackendInfo {
	backend: BackendName;
	reason: string;
}

export class EngineClient {
	private nextId = 1;
	private readonly pending = new Map<number, Pending>();
	private readonly faceRequests = new Map<
		number,
		{ resolve(scan: FaceScan): void; reject(error: Error): void }
	>();
	private ready: Promise<BackendInfo> | null = null;
	/** The latest init's id and settlers; an older init is settled as canceled when a newer one starts. */
	private readyWaiter: { id: number; resolve(info: BackendInfo): void; reject(error: Error): void } | null =
		null;

	constructor(private readonly worker: Worker) {
		worker.onmessage = (event: MessageEvent<EngineResponse>) => this.receive(event.data);
		worker.onerror = (event) => {
			// A worker that fails to load never answers init: settle it too, or the studio waits forever.
			const error = new EngineError(event.message || 'The engine worker crashed.');
			this.readyWaiter?.reject(error);
			this.failAll(error);
		};
	}

	/** Starts (or restarts) the engine on the preferred backend; resolves with the active one. */
	init(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
		this.failAll(new CanceledError());
		this.readyWaiter?.reject(new CanceledError());
		const id = this.nextId++;
		this.ready = new Promise<BackendInfo>((resolve, reject) => (this.readyWaiter = { id, resolve, reject }));
		this.send({ type: 'init', id, preference });
		return this.ready;
	}

	async stylize(job: StylizeJob, options: StylizeCallbacks = {}): Promise<Pixels> {
		await (this.ready ?? this.init());
		// Newest request wins: older ones settle as canceled right away.
		for (const [id, older] of this.pending) {
			this.pending.delete(id);
			this.send({ type: 'cancel', id });
			older.reject(new CanceledError());
		}
		if (options.signal?.aborted) throw new CanceledError();
		const id = this.nextId++;
		return new Promise<Pixels>((resolve, reject) => {
			this.pending.set(id, { resolve, reject, callbacks: options });
			options.signal?.addEventListener(
				'abort',
				() => {
					if (!this.pending.delete(id)) return;
					this.send({ type: 'cancel', id });
					reject(new CanceledError());
				},
				{ once: true }
			);
			this.send({ type: 'stylize', id, job }, [job.content.data.buffer as ArrayBuffer]);
		});
	}

	/** Faces in `pixels` (a downscaled copy of the photo is enough), in those pixels' coordinates. */
	async detectFaces(pixels: Pixels): Promise<FaceScan> {
		await (this.ready ?? this.init());
		const id = this.nextId++;
		return new Promise<FaceScan>((resolve, reject) => {
			this.faceRequests.set(id, { resolve, reject });
			this.send({ type: 'detect-faces', id, pixels }, [pixels.data.buffer as ArrayBuffer]);
		});
	}

	/** Diagnostics: makes the GPU context fail on purpose, to watch the engine recover. */
	simulateGpuReset(): void {
		this.send({ type: 'simulate-gpu-reset' });
	}

	dispose(): void {
		this.failAll(new CanceledError());
		this.worker.terminate();
	}

	private send(request: EngineRequest, transfer: Transferable[] = []): void {
		this.worker.postMessage(request, transfer);
	}

	private receive(message: EngineResponse): void {
		switch (message.type) {
			case 'ready':
				if (this.readyWaiter?.id === message.id)
					this.readyWaiter.resolve({ backend: message.backend, reason: message.reason });
				return;
			case 'init-failed':
				if (this.readyWaiter?.id === message.id) this.readyWaiter.reject(new EngineError(message.message));
				return;
			case 'faces':
			case 'faces-failed': {
				const request = this.faceRequests.get(message.id);
				this.faceRequests.delete(message.id);
				if (message.type === 'faces') request?.resolve(message.scan);
				else request?.reject(new EngineError(message.message));
				return;
			}
		}
		const pending = this.pending.get(message.id);
		if (!pending) return; // a superseded or canceled request: its late messages are dropped
		if (message.type === 'progress') {
			pending.callbacks.onProgress?.(message.progress);
			return;
		}
		if (message.type === 'notice') {
			pending.callbacks.onNotice?.(message.message, message.backend);
			return;
		}
		this.pending.delete(message.id);
		if (message.type === 'done') pending.resolve(message.result);
		else if (message.type === 'canceled') pending.reject(new CanceledError());
		else pending.reject(new EngineError(message.message));
	}

	private failAll(error: Error): void {
		for (const pending of this.pending.values()) pending.reject(error);
		this.pending.clear();
		for (const request of this.faceRequests.values()) request.reject(error);
		this.faceRequests.clear();
	}
}
