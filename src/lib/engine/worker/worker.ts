/// <reference lib="webworker" />
// The engine worker: owns tfjs, picks the backend, runs jobs; the newest request wins.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { catalog } from '../../assets/bundled';
import type { AssetFile } from '../../assets/catalog';
import { servedAssetUrl } from '../../assets/paths';
import { type BackendPreference, chooseBackend } from '../backend';
import { StyleEngine } from '../engine';
import { CanceledError, type BackendName } from '../types';
import { probeDevice } from './probe';
import type { EngineRequest, EngineResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

setWasmPaths({
	'tfjs-backend-wasm.wasm': wasmPlain,
	'tfjs-backend-wasm-simd.wasm': wasmSimd,
	'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded
});

let engine: StyleEngine | null = null;
const running = new Map<number, AbortController>();

function post(message: EngineResponse, transfer: Transferable[] = []): void {
	self.postMessage(message, transfer);
}

async function readAsset(file: AssetFile): Promise<Uint8Array> {
	const response = await fetch(servedAssetUrl(file.url));
	if (!response.ok) throw new Error(`${file.url}: the studio could not serve it (HTTP ${response.status})`);
	const bytes = new Uint8Array(await response.arrayBuffer());
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
	const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
	if (hex !== file.sha256) throw new Error(`${file.url} failed its sha256 check`);
	return bytes;
}

async function init(id: number, preference: BackendPreference): Promise<void> {
	for (const controller of running.values()) controller.abort();
	engine?.dispose();
	engine = null;
	const choice = chooseBackend(await probeDevice(), preference);
	for (const backend of choice.order) {
		if (await tf.setBackend(backend).catch(() => false)) {
			await tf.ready();
			engine = new StyleEngine(tf, catalog, readAsset);
			const reason = backend === choice.order[0] ? choice.reason : `${choice.order[0]} failed to start`;
			post({ type: 'ready', id, backend: tf.getBackend() as BackendName, reason });
			return;
		}
	}
	post({ type: 'init-failed', id, message: 'No tfjs backend could start in this browser.' });
}

async function stylize(id: number, job: Extract<EngineRequest, { type: 'stylize' }>['job']): Promise<void> {
	// Newest request wins: anything still running is superseded.
	for (const controller of running.values()) controller.abort();
	const controller = new AbortController();
	running.set(id, controller);
	try {
		if (!engine) throw new Error('The engine is not ready yet.');
		const result = await engine.stylize(job, {
			signal: controller.signal,
			onProgress: (progress) => post({ type: 'progress', id, progress })
		});
		if (controller.signal.aborted) post({ type: 'canceled', id });
		else post({ type: 'done', id, result }, [result.data.buffer]);
	} catch (error) {
		if (error instanceof CanceledError) post({ type: 'canceled', id });
		else post({ type: 'error', id, message: (error as Error).message });
	} finally {
		running.delete(id);
	}
}

self.onmessage = (event: MessageEvent<EngineRequest>) => {
	const request = event.data;
	switch (request.type) {
		case 'init':
			void init(request.id, request.preference);
			break;
		case 'stylize':
			void stylize(request.id, request.job);
			break;
		case 'cancel':
			running.get(request.id)?.abort();
			break;
	}
};
