// One tile painter thread of the CLI: its own tfjs (wasm) and engine, painting what the pool sends.
import { parentPort, workerData } from 'node:worker_threads';
import { serveTiles } from '../engine/tile-pool';
import { loadProjectCatalog } from './catalog-fs';
import { createNodeEngine } from './node-engine';

const port = parentPort!;
const engine = await createNodeEngine(
	await loadProjectCatalog(),
	(workerData as { cacheDir: string }).cacheDir
);

port.on(
	'message',
	serveTiles(
		(request) => engine.paintTile(request),
		(reply, transfer) => port.postMessage(reply, transfer)
	)
);
