/// <reference lib="webworker" />
// The engine worker: owns tfjs, picks the backend, runs jobs (the newest request wins). On the CPU
// path it spreads tiles over painter workers; on a GPU it recovers from a lost context and resumes
// from the tiles already finished.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { catalog } from '../../assets/bundled';
import { findDetector } from '../../assets/catalog';
import { findFaces } from '../faces';
import { createDetector, type FaceDetector } from '../model';
import { type BackendPreference, chooseBackend, isGpuBackend } from '../backend';
import { type StylizeJob, type TilePainter, StyleEngine } from '../engine';
import { type TilePort, type TileReply, TilePool } from '../tile-pool';
import { type BackendName, CanceledError, EngineError, type Pixels } from '../types';
import { probeDevice } from './probe';
import type { EngineRequest, EngineResponse } from './protocol';
import { readAsset } from './runtime';

declare const self: DedicatedWorkerGlobalScope;

/** How often a running GPU tile checks that its WebGL context still exists. */
const CONTEXT_CHECK_MS = 100;

let engine: StyleEngine | null = null;
/** Painter workers for the CPU path, made on the first tiled job and kept until the backend changes. */
let pool: TilePool | null = null;
/** Every job not finished yet, by request id: how to stop it. */
const jobs = new Map<number, AbortController>();
/** The jobs past their start, which a backend switch must wait for: when each lets go of its tensors. */
const running = new Set<Promise<void>>();
/**
 * Backend switches, one after another. tfjs keeps one global backend: two overlapping setBackend calls
 * (the studio's automatic start and the user's choice a moment later) left tfjs running one backend's
 * kernels on another's tensors ("Cannot read properties of undefined (reading 'get')"), and a job still
 * painting while the backend changed under it did the same.
 */
let switching: Promise<void> = Promise.resolve();
let latestInit = 0;
/** The face detector on the current backend, loaded on the first request for faces. */
let detector: Promise<FaceDetector> | null = null;

function post(message: EngineResponse, transfer: Transferable[] = []): void {
	self.postMessage(message, transfer);
}

function backendName(): BackendName {
	return tf.getBackend() as BackendName;
}

async function startBackend(order: BackendName[]): Promise<BackendName | null> {
	for (const backend of order) {
		if (await tf.setBackend(backend).catch(() => false)) {
			await tf.ready();
			return backend;
		}
	}
	return null;
}

function resetEngine(): void {
	engine?.dispose();
	void detector?.then(
		(d) => d.dispose(),
		() => undefined
	);
	detector = null;
	engine = new StyleEngine(tf, catalog, readAsset);
	void pool?.dispose();
	pool = null;
}

/** Stops every running job and waits until none of them touches a tensor any more. */
async function stopJobs(): Promise<void> {
	for (const controller of jobs.values()) controller.abort();
	await Promise.all(running);
}

function init(id: number, preference: BackendPreference): void {
	latestInit = id;
	switching = switching.then(() => (id === latestInit ? switchBackend(id, preference) : undefined));
}

async function switchBackend(id: number, preference: BackendPreference): Promise<void> {
	await stopJobs();
	const choice = chooseBackend(await probeDevice(), preference);
	const backend = await startBackend(choice.order);
	if (!backend) {
		post({ type: 'init-failed', id, message: 'No tfjs backend could start in this browser.' });
		return;
	}
	resetEngine();
	const wanted = choice.order[0]!;
	if (backend === wanted) post({ type: 'ready', id, backend, reason: choice.reason });
	else
		post({ type: 'ready', id, backend, reason: fallbackMessage(`${wanted} cannot start in this browser`) });
}

/** What the studio shows when a backend could not be used: what failed, and where Rakkan went instead. */
function fallbackMessage(what: string): string {
	return `${what}; Rakkan fell back to ${backendName()}.`;
}

/**
 * A job that fails on a GPU backend for a reason other than a lost context (a model op the backend does
 * not support, a shader that does not compile) would fail there again: the engine moves to the CPU path,
 * which runs every family, and says so.
 */
async function fallBackToCpu(id: number, why: string): Promise<void> {
	const backend = await startBackend(['wasm', 'cpu']);
	if (!backend) throw new EngineError(`${why}, and no CPU backend could start`);
	resetEngine();
	post({ type: 'notice', id, backend, message: fallbackMessage(why) });
}

function webglContext(): WebGLRenderingContext | null {
	const backend = tf.backend() as { gpgpu?: { gl?: WebGLRenderingContext } };
	return backendName() === 'webgl' ? (backend.gpgpu?.gl ?? null) : null;
}

function webWorkerPort(): TilePort {
	const worker = new Worker(new URL('./tile-worker.ts', import.meta.url), { type: 'module' });
	return {
		post: (message) => worker.postMessage(message),
		listen(onReply, onFailure) {
			worker.onmessage = (event: MessageEvent<TileReply>) => onReply(event.data);
			worker.onerror = (event) => onFailure(event.message || 'the painter worker crashed');
		},
		terminate: () => worker.terminate()
	};
}

/** Who paints a job's tiles: painter workers on the CPU path, this worker (checking the GPU) otherwise. */
function painterFor(job: StylizeJob, current: StyleEngine): TilePainter {
	const tiles = current.plan(job).tiles.tiles.length;
	const cpu = backendName() === 'wasm' || backendName() === 'cpu';
	const cores = Math.min(navigator.hardwareConcurrency || 1, 4);
	if (cpu && tiles > 1 && cores > 1) {
		pool ??= new TilePool(Array.from({ length: cores }, webWorkerPort));
		return pool;
	}
	return {
		concurrency: 1,
		paint: (request) => untilContextLost(current.paintTile(request))
	};
}

/**
 * A lost WebGL context makes tfjs reads wait forever (its fences never signal), so a GPU tile races
 * a watcher of the context; the abandoned read is dropped with the context.
 */
async function untilContextLost<T>(work: Promise<T>): Promise<T> {
	const gl = webglContext();
	if (!gl) return work;
	// If the context goes, the abandoned work may still fail later; that is expected, not an error.
	work.catch(() => undefined);
	let timer: ReturnType<typeof setInterval> | undefined;
	const lost = new Promise<never>((_, reject) => {
		timer = setInterval(() => {
			if (gl.isContextLost()) reject(new EngineError('the WebGL context was lost'));
		}, CONTEXT_CHECK_MS);
	});
	try {
		return await Promise.race([work, lost]);
	} finally {
		clearInterval(timer);
	}
}

/** Rebuilds the backend after a GPU failure (or falls back to wasm) and reloads the model lazily. */
async function recover(id: number, error: Error): Promise<void> {
	const failed = backendName();
	const factory = tf.findBackendFactory(failed);
	try {
		tf.removeBackend(failed);
	} catch {
		// The lost backend may fail to dispose; it is replaced either way.
	}
	if (factory) tf.registerBackend(failed, factory);
	const backend = await startBackend([failed, 'wasm', 'cpu']);
	if (!backend)
		throw new EngineError(`the ${failed} backend failed (${error.message}) and nothing could replace it`);
	// The running job keeps its engine; the models reload on the new backend at the next tile.
	engine?.dispose();
	const how = backend === failed ? `restarted ${backend}` : `switched to ${backend}`;
	post({
		type: 'notice',
		id,
		backend,
		message: `The ${failed} backend failed (${error.message}); Rakkan ${how} and resumed from the finished tiles.`
	});
}

async function stylize(id: number, job: StylizeJob): Promise<void> {
	// Newest request wins: anything still running is superseded.
	for (const controller of jobs.values()) controller.abort();
	const controller = new AbortController();
	jobs.set(id, controller);
	let settle = () => {};
	const settled = new Promise<void>((resolve) => (settle = resolve));
	try {
		// A job starts on the backend the latest switch chose, never during a switch.
		await switching;
		running.add(settled);
		if (controller.signal.aborted) throw new CanceledError();
		const paint = () => {
			if (!engine) throw new EngineError('The engine is not ready yet.');
			const current = engine;
			return current.stylize(job, {
				signal: controller.signal,
				onProgress: (progress) => post({ type: 'progress', id, progress }),
				painter: painterFor(job, current),
				recover: (error) => recover(id, error)
			});
		};
		let result: Pixels;
		try {
			result = await paint();
		} catch (error) {
			const failed = backendName();
			if (error instanceof CanceledError || controller.signal.aborted || !isGpuBackend(failed)) throw error;
			await fallBackToCpu(id, `${job.settings.modelId} failed on ${failed} (${(error as Error).message})`);
			result = await paint();
		}
		if (controller.signal.aborted) post({ type: 'canceled', id });
		else post({ type: 'done', id, result }, [result.data.buffer]);
	} catch (error) {
		if (error instanceof CanceledError) post({ type: 'canceled', id });
		else post({ type: 'error', id, message: (error as Error).message });
	} finally {
		jobs.delete(id);
		running.delete(settled);
		settle();
	}
}

async function loadDetector(): Promise<FaceDetector> {
	const created = createDetector(findDetector(catalog), tf);
	await created.load(readAsset);
	await created.warmUp();
	return created;
}

async function detectFaces(id: number, pixels: Pixels): Promise<void> {
	let settle = () => {};
	const settled = new Promise<void>((resolve) => (settle = resolve));
	try {
		// Like a job: it runs on the backend the latest switch chose, and a switch waits for it.
		await switching;
		running.add(settled);
		if (!engine) throw new EngineError('The engine is not ready yet.');
		detector ??= loadDetector();
		detector.catch(() => (detector = null)); // a failed load is retried by the next request
		post({ type: 'faces', id, scan: await findFaces(tf, await detector, pixels) });
	} catch (error) {
		post({ type: 'faces-failed', id, message: (error as Error).message });
	} finally {
		running.delete(settled);
		settle();
	}
}

self.onmessage = (event: MessageEvent<EngineRequest>) => {
	const request = event.data;
	switch (request.type) {
		case 'init':
			init(request.id, request.preference);
			break;
		case 'stylize':
			void stylize(request.id, request.job);
			break;
		case 'detect-faces':
			void detectFaces(request.id, request.pixels);
			break;
		case 'cancel':
			jobs.get(request.id)?.abort();
			break;
		case 'simulate-gpu-reset':
			webglContext()?.getExtension('WEBGL_lose_context')?.loseContext();
			break;
	}
};
