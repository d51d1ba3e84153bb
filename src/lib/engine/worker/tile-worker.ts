/// <reference lib="webworker" />
// A tile painter for the CPU path: its own tfjs on wasm and its own engine (see engine/tile-pool.ts).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { catalog } from '../../assets/bundled';
import { StyleEngine } from '../engine';
import { serveTiles } from '../tile-pool';
import { readAsset } from './runtime';

declare const self: DedicatedWorkerGlobalScope;

const ready = tf.setBackend('wasm').then(() => new StyleEngine(tf, catalog, readAsset));

self.onmessage = (event) => {
	void ready.then((engine) =>
		serveTiles(
			(request) => engine.paintTile(request),
			(reply, transfer) => self.postMessage(reply, transfer)
		)(event.data as Parameters<ReturnType<typeof serveTiles>>[0])
	);
};
