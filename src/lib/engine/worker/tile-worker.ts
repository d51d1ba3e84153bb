/// <reference lib="webworker" />
// A tile painter for the CPU path: its own tfjs on wasm and its own engine (see engine/tile-pool.ts).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { catalog } from '../../assets/bundled';
import { StyleEngine } from '../engine';
import { type PainterMessage, servePainter } from '../tile-pool';
import { readAsset } from './runtime';

declare const self: DedicatedWorkerGlobalScope;

const ready = tf.setBackend('wasm').then(() => new StyleEngine(tf, catalog, readAsset));

// One handler for the worker's life: it keeps the statistics bands waiting for their means.
const handle = ready.then((engine) =>
	servePainter(engine, (reply, transfer) => self.postMessage(reply, transfer))
);

self.onmessage = (event: MessageEvent<PainterMessage>) => {
	void handle.then((serve) => serve(event.data));
};
