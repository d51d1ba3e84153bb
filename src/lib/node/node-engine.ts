// The style engine in Node (CLI, tests, benchmarks): tfjs on the wasm backend, assets from the cache.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { Catalog } from '../assets/catalog';
import { StyleEngine } from '../engine/engine';
import { defaultCacheDir, readVerified } from './asset-cache';
import { PROJECT_ROOT } from './catalog-fs';

export async function useWasmBackend(): Promise<typeof tf> {
	if (tf.getBackend() !== 'wasm') {
		if (!(await tf.setBackend('wasm'))) throw new Error('The wasm backend could not start.');
		await tf.ready();
	}
	return tf;
}

export async function createNodeEngine(
	catalog: Catalog,
	cacheDir = defaultCacheDir(PROJECT_ROOT)
): Promise<StyleEngine> {
	return new StyleEngine(await useWasmBackend(), catalog, (file) => readVerified(file, cacheDir));
}
