// The CLI's tile painters: one worker thread per core, each with its own wasm engine.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type TilePort, type TileReply, TilePool } from '../engine/tile-pool';

function workerThreadPort(cacheDir: string): TilePort {
	const worker = new Worker(new URL('../../../bin/tile-worker.js', import.meta.url), {
		workerData: { cacheDir }
	});
	return {
		post: (message) => worker.postMessage(message),
		listen(onReply, onFailure) {
			worker.on('message', (reply: TileReply) => onReply(reply));
			worker.on('error', (error) => onFailure(error.message));
		},
		terminate: () => worker.terminate()
	};
}

export function createTileWorkerPool(cacheDir: string, size = availableParallelism()): TilePool {
	return new TilePool(Array.from({ length: Math.max(1, size) }, () => workerThreadPort(cacheDir)));
}
