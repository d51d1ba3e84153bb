// One tile painter thread: its own tfjs (wasm) and engine, painting the tiles the pool sends it.
import { parentPort, workerData } from 'node:worker_threads';
import type { TileRequest } from '../engine/engine';
import { loadProjectCatalog } from './catalog-fs';
import { createNodeEngine } from './node-engine';

export type TileWorkerMessage = { id: number; rgb: Float32Array } | { id: number; error: string };

const port = parentPort!;
const engine = await createNodeEngine(
	await loadProjectCatalog(),
	(workerData as { cacheDir: string }).cacheDir
);

port.on('message', (message: { id: number; request: TileRequest }) => {
	engine.paintTile(message.request).then(
		(rgb) => port.postMessage({ id: message.id, rgb } satisfies TileWorkerMessage, [rgb.buffer as ArrayBuffer]),
		(error: Error) => port.postMessage({ id: message.id, error: error.message } satisfies TileWorkerMessage)
	);
});
