// The server's upload processing: a pool of worker threads (bin/upload-worker.js) with a time and memory
// budget per upload, and the admission gate that caps uploads in flight per user and overall.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GalleryError } from './errors';
import type { ProcessedUpload, UploadLimits } from './uploads';
import { BudgetedWorkerPool, BudgetExceeded, JobFailed, type JobBudget } from './worker-pool';

const WORKER_ENTRY = 'bin/upload-worker.js';

/**
 * bin/upload-worker.js, found upwards from this module: from src/lib/server/gallery/ in development and
 * from build/server/chunks/ in the production build.
 */
export function uploadWorkerEntry(from = path.dirname(fileURLToPath(import.meta.url))): string {
	for (let dir = from; ; dir = path.dirname(dir)) {
		const candidate = path.join(dir, WORKER_ENTRY);
		if (existsSync(candidate)) return candidate;
		if (path.dirname(dir) === dir) throw new Error(`${WORKER_ENTRY} not found above ${from}`);
	}
}

export type UploadProcessor = (bytes: Uint8Array, limits: UploadLimits) => Promise<ProcessedUpload>;
export type ImageFingerprinter = (bytes: Uint8Array, limits: UploadLimits) => Promise<string>;

/** A job for an upload worker: a whole upload, or only the fingerprint of an image (a soft-binding lookup). */
export interface UploadJob {
	task: 'upload' | 'fingerprint';
	bytes: Uint8Array;
	limits: UploadLimits;
}
export type UploadJobResult = ProcessedUpload | { fingerprint: string };

export const BUDGET_MESSAGE = {
	time: 'The image or its Content Credentials are too complex to check in time',
	memory: 'The image or its Content Credentials are too complex to check within the memory allowed'
} as const;

/** Processes uploads on worker threads; over budget is a 422 that says so, never a stalled server. */
export function workerUploadProcessor(
	size: number,
	budget: JobBudget
): {
	process: UploadProcessor;
	fingerprint: ImageFingerprinter;
	close(): Promise<void>;
} {
	const pool = new BudgetedWorkerPool<UploadJob, UploadJobResult>(uploadWorkerEntry(), size, budget);
	async function run(job: UploadJob): Promise<UploadJobResult> {
		try {
			// A copy goes to the worker (the caller keeps its bytes to store them).
			return await pool.run(job);
		} catch (error) {
			if (error instanceof BudgetExceeded) {
				throw new GalleryError(422, `${BUDGET_MESSAGE[error.kind]}: ${error.message}. It was not shared.`);
			}
			if (error instanceof JobFailed && error.status) {
				throw new GalleryError(error.status as GalleryError['status'], error.message);
			}
			throw error;
		}
	}
	return {
		process: async (bytes, limits) => (await run({ task: 'upload', bytes, limits })) as ProcessedUpload,
		fingerprint: async (bytes, limits) =>
			((await run({ task: 'fingerprint', bytes, limits })) as { fingerprint: string }).fingerprint,
		close: () => pool.close()
	};
}

export interface GateLimits {
	perUser: number;
	overall: number;
}

/**
 * Uploads in flight in this process, per user and in all. `enter` answers 429 with a Retry-After when
 * either cap is reached; the caller leaves (in a finally) when its upload is done.
 */
export class UploadGate {
	private total = 0;
	private readonly byUser = new Map<string, number>();
	/** Recent upload durations (an average), for the Retry-After estimate. */
	private averageMs = 1000;

	constructor(readonly limits: GateLimits) {}

	enter(userId: string): () => void {
		const mine = this.byUser.get(userId) ?? 0;
		const retryAfter = Math.min(60, Math.max(1, Math.ceil(this.averageMs / 1000)));
		if (mine >= this.limits.perUser) {
			throw new GalleryError(
				429,
				`You have ${mine} upload(s) being processed; wait for them to finish and try again.`,
				{ retryAfter }
			);
		}
		if (this.total >= this.limits.overall) {
			throw new GalleryError(429, 'The server is busy with other uploads; try again in a moment.', {
				retryAfter
			});
		}
		this.total += 1;
		this.byUser.set(userId, mine + 1);
		const started = performance.now();
		let left = false;
		return () => {
			if (left) return;
			left = true;
			this.total -= 1;
			const count = (this.byUser.get(userId) ?? 1) - 1;
			if (count > 0) this.byUser.set(userId, count);
			else this.byUser.delete(userId);
			this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - started);
		};
	}
}
