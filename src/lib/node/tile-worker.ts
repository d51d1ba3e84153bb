// One tile painter thread of the CLI: its own tfjs (wasm) and engine, painting tiles and reading statistics bands as the pool asks.
import { parentPort, workerData } from 'node:worker_threads';
import { servePainter } from '../engine/tile-pool';
import { loadProjectCatalog } from './catalog-fs';
import { createNodeEngine } from './node-engine';

const port = parentPort!;
const engine = await createNodeEngine(
	await loadProjectCatalog(),
	(workerData as { cacheDir: string }).cacheDir
);

port.on(
	'message',
	servePainter(engine, (reply, transfer) => port.postMessage(reply, transfer))
);
