// Benchmark of the Node engine on the wasm backend: model load and warm-up, then the engine path
// (`StyleEngine.stylize`, end to end) against a plain reference path (the same two graph models
// called with `executeAsync`) at long sides 256, 512 and 1024; then every catalog model (models.ts),
// the cost of tiling (tiling.ts), tiles on worker threads (parallel.ts), memory as the image grows
// (memory.ts), the gallery server (gallery.ts) and the worst cost of hostile input (hostile.ts).
//
// Run with `npm run bench` (`npm run bench -- --quick`, or `npx tsx bench/run.ts --quick`, for a smoke
// test with small images and single runs). One JSON object goes to stdout; progress lines go to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { findModel, findStyle, type ModelCard } from '../src/lib/assets/catalog';
import { createModel, readGraphArtifacts, type StyleModel } from '../src/lib/engine/model';
import { DEFAULT_SETTINGS, type AssetReader, type Pixels } from '../src/lib/engine/types';
import { fitWithin, workingSize } from '../src/lib/kernels/geometry';
import { defaultCacheDir, readVerified } from '../src/lib/node/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../src/lib/node/catalog-fs';
import { CHROMIUM } from '../tests/e2e/harness';
import { decodeImage } from '../src/lib/node/image-io';
import { createNodeEngine, useWasmBackend } from '../src/lib/node/node-engine';
import type { BenchContext } from './context';
import { benchFaces, FACES_NOTES } from './faces';
import { benchGallery, GALLERY_NOTES } from './gallery';
import { benchGpu, GPU_NOTES } from './gpu';
import { benchHostile, HOSTILE_NOTES } from './hostile';
import { benchMemory, MEMORY_NOTES } from './memory';
import { benchModels, MODELS_NOTES } from './models';
import { benchParallel, PARALLEL_NOTES } from './parallel';
import { benchSoftBinding, SOFT_BINDING_NOTES } from './soft-binding';
import { benchTiling, TILING_NOTES } from './tiling';
import { contentImage, cpuMs, median, msPerMegapixel, processMaxRss, progress, round, time } from './util';

const MODEL_ID = 'arbitrary-wyf';
const STYLE_ID = 'rembrandt-night-watch';
/** Long side of the synthetic 4:3 content image, and how many timed runs each path gets there. */
const SIZES = [
	{ longSide: 256, runs: 5 },
	{ longSide: 512, runs: 3 },
	{ longSide: 1024, runs: 2 }
] as const;
const QUICK_SIZES = [{ longSide: 256, runs: 1 }] as const;
const QUICK = process.argv.slice(2).includes('--quick');

interface GraphPair {
	style: tfType.GraphModel;
	transfer: tfType.GraphModel;
}

/** Everything a library might print goes to stderr, so stdout carries only the JSON. */
const writeJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
console.log = (...args: unknown[]) => console.error(...args);
// executeAsync on these control-flow-free graphs advises execute() on every call; the reference path
// calls executeAsync on purpose, so that one advisory is dropped.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
	if (typeof args[0] === 'string' && args[0].includes('You can use model.execute() instead')) return;
	warn(...args);
};

async function main(): Promise<void> {
	const started = performance.now();
	const tf = await useWasmBackend();
	const cacheDir = defaultCacheDir(PROJECT_ROOT);
	const read: AssetReader = (file) => readVerified(file, cacheDir);
	const catalog = await loadProjectCatalog();
	const card = findModel(catalog, MODEL_ID);
	const styleCard = findStyle(catalog, STYLE_ID);
	if (!styleCard?.files[0]) throw new Error(`the catalog has no style "${STYLE_ID}"`);
	const style = await decodeImage(await readVerified(styleCard.files[0], cacheDir));
	const ctx: BenchContext = { tf, catalog, cacheDir, style, quick: QUICK };
	const sectionMs: Record<string, number> = {};
	const sectionCpuMs: Record<string, number> = {};
	const section = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
		const start = performance.now();
		const cpu = process.cpuUsage();
		try {
			return await run();
		} finally {
			sectionMs[name] = round(performance.now() - start);
			sectionCpuMs[name] = round(cpuMs(process.cpuUsage(cpu)));
		}
	};

	// First, while the process's RSS and wasm heap are still small (see MEMORY_NOTES).
	const memory = await section('memory', () => benchMemory(ctx));
	const sizesStarted = performance.now();
	const sizesCpu = process.cpuUsage();

	// A fresh model: load (read verified files + loadGraphModel both nets), then warm-up.
	progress('loading the model');
	const model = createModel(card, tf);
	const bytesBeforeLoad = tf.memory().numBytes;
	const loadMs = await time(() => model.load(read));
	const modelTensorBytes = tf.memory().numBytes - bytesBeforeLoad;
	const warmUpMs = await time(() => model.warmUp());

	// The engine loads and warms its own copy before anything is timed.
	const engine = await createNodeEngine(catalog, cacheDir);
	const engineReadyMs = await time(() => engine.model(MODEL_ID));
	const nets = await loadGraphPair(tf, card, read);

	const sizes = [];
	for (const { longSide, runs } of QUICK ? QUICK_SIZES : SIZES) {
		const content = contentImage(longSide, Math.round((longSide * 3) / 4), longSide);
		const work = workingSize(content.width, content.height, longSide);
		const job = (strength: number) => ({
			content,
			styles: [{ pixels: style, weight: 1 }],
			settings: {
				modelId: MODEL_ID,
				strength,
				preserveColors: false,
				workingSide: longSide,
				styleSide: DEFAULT_SETTINGS.styleSide,
				// A single pass, like the reference path: tiling is measured on its own below.
				tile: 0,
				output: work
			}
		});
		const enginePath = async (strength: number) => {
			await engine.stylize(job(strength));
		};
		const referencePath = () => reference(tf, nets, content, style, DEFAULT_SETTINGS.styleSide);

		progress(`${work.width}x${work.height}: warm runs`);
		const tensorsBefore = tf.memory().numTensors;
		await enginePath(1);
		await referencePath();
		await enginePath(0.5);

		// Interleaved, so drift (heat, other load) hits all three paths alike.
		const samples = { engine: [] as number[], reference: [] as number[], half: [] as number[] };
		for (let i = 0; i < runs; i++) {
			progress(`${work.width}x${work.height}: run ${i + 1} of ${runs}`);
			samples.engine.push(await time(() => enginePath(1)));
			samples.reference.push(await time(referencePath));
			samples.half.push(await time(() => enginePath(0.5)));
		}
		const leakedTensors = tf.memory().numTensors - tensorsBefore;

		const memory = await peakMemory(tf, model, content, style, work);
		const ms = median(samples.engine);
		const referenceMs = median(samples.reference);
		sizes.push({
			longSide,
			width: work.width,
			height: work.height,
			runs,
			ms: round(ms),
			msPerMegapixel: round(msPerMegapixel(ms, work)),
			referenceMs: round(referenceMs),
			referenceMsPerMegapixel: round(msPerMegapixel(referenceMs, work)),
			ratio: round(ms / referenceMs, 3),
			msStrengthHalf: round(median(samples.half)),
			peakTensorBytes: memory.peakBytes,
			peakTensorBytesAboveBaseline: memory.peakBytes - memory.baselineBytes,
			baselineTensorBytes: memory.baselineBytes,
			peakTensorBytesStrengthHalf: memory.peakBytesHalf,
			leakedTensors,
			samplesMs: {
				engine: samples.engine.map((v) => round(v)),
				reference: samples.reference.map((v) => round(v)),
				strengthHalf: samples.half.map((v) => round(v))
			}
		});
	}

	model.dispose();
	nets.style.dispose();
	nets.transfer.dispose();
	engine.dispose();
	sectionMs.sizes = round(performance.now() - sizesStarted);
	sectionCpuMs.sizes = round(cpuMs(process.cpuUsage(sizesCpu)));

	const models = await section('models', () => benchModels(ctx));
	const tiling = await section('tiling', () => benchTiling(ctx));
	const parallel = await section('parallel', () => benchParallel(ctx));
	const gallery = await section('gallery', () => benchGallery(QUICK));
	const hostile = await section('hostile', () => benchHostile(QUICK));
	const softBinding = await section('softBinding', () => benchSoftBinding(QUICK));
	const faces = await section('faces', () => benchFaces(ctx));
	// The browser sections need the production build (the gallery section made one if it was missing).
	const browser = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM}`;
	const gpu = browser
		? { skipped: browser }
		: await section('gpu', () => benchGpu({ side: QUICK ? 32 : 64, runs: QUICK ? 1 : 2 }));
	const editor = browser ? { skipped: browser } : await section('editor', async () => benchEditor());

	const cpus = os.cpus();
	writeJson({
		figures: figures(tiling, parallel, sizes.at(-1), gallery, gpu, editor),
		machine: {
			node: process.version,
			platform: `${os.platform()} ${os.release()} ${os.arch()}`,
			cpuModel: cpus[0]?.model ?? 'unknown',
			cpuCount: cpus.length,
			availableParallelism: os.availableParallelism(),
			tfjs: tf.version.tfjs,
			backend: tf.getBackend(),
			wasmSimd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
			wasmMultithread: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
			wasmThreads: getThreadsCount(),
			processMaxRssBytes: processMaxRss()
		},
		quick: QUICK,
		model: MODEL_ID,
		style: STYLE_ID,
		styleImage: { width: style.width, height: style.height, styleSide: DEFAULT_SETTINGS.styleSide },
		loadMs: round(loadMs),
		warmUpMs: round(warmUpMs),
		modelTensorBytes,
		engineModelReadyMs: round(engineReadyMs),
		sizes,
		models,
		tiling,
		parallel,
		gallery,
		hostile,
		softBinding,
		faces,
		gpu,
		editor,
		memory,
		sectionMs,
		sectionCpuMs,
		totalMs: round(performance.now() - started),
		totalCpuMs: round(cpuMs(process.cpuUsage())),
		notes: [
			...NOTES,
			...MODELS_NOTES,
			...TILING_NOTES,
			...PARALLEL_NOTES,
			...GALLERY_NOTES,
			HOSTILE_NOTES,
			...SOFT_BINDING_NOTES,
			...FACES_NOTES,
			...GPU_NOTES,
			...MEMORY_NOTES,
			...RUN_NOTES
		]
	});
}

interface Figure {
	figure: string;
	value: number;
	/** What the value aims at; null for a figure that is only reported (GPU speed has no target). */
	reference: number | null;
	/** How the value must compare with the reference. */
	aim: '<=' | '<' | '>=' | null;
	meets: boolean | null;
}

function figure(name: string, value: number, aim: '<=' | '<' | '>=', reference: number): Figure {
	const meets = aim === '<=' ? value <= reference : aim === '<' ? value < reference : value >= reference;
	return { figure: name, value, reference, aim, meets };
}

function reported(name: string, value: number): Figure {
	return { figure: name, value, reference: null, aim: null, meets: null };
}

type GalleryResult = Awaited<ReturnType<typeof benchGallery>>;
type GpuSection = Awaited<ReturnType<typeof benchGpu>> | { skipped: string };

/** The headline ratios next to what they aim at (the sections below hold how each was measured). */
function figures(
	tiling: Awaited<ReturnType<typeof benchTiling>>,
	parallel: Awaited<ReturnType<typeof benchParallel>>,
	largest: { ratio: number } | undefined,
	gallery: GalleryResult,
	gpu: GpuSection,
	editor: unknown
): Figure[] {
	return [
		figure('tiling: tiled / single pass, first paint', tiling.overhead, '<=', tiling.targetOverhead),
		figure('tiling: tiled / single pass, re-paint', tiling.repaintOverhead, '<=', tiling.targetOverhead),
		figure(
			`parallel: speed-up on ${parallel.availableParallelism} threads`,
			parallel.speedup,
			'>=',
			parallel.targetSpeedup
		),
		figure(
			`parallel: speed-up on ${parallel.availableParallelism} threads, re-paint`,
			parallel.repaintSpeedup,
			'>=',
			parallel.targetSpeedup
		),
		...(largest ? [figure('engine / plain executeAsync, largest size', largest.ratio, '<=', 1.1)] : []),
		...(
			[
				['PGlite', gallery.pglite],
				['PostgreSQL', gallery.postgres]
			] as const
		).flatMap(([store, result]) => [
			figure(
				`gallery (${store}): listing / bare node:http, requests per second`,
				result.listVsBare,
				'>=',
				0.3
			),
			figure(`gallery (${store}): listing p99 / p50`, result.listP99OverP50, '<', 10)
		]),
		...gpuFigures(gpu),
		...editorFigures(editor)
	];
}

/** Milliseconds per megapixel of every family on every backend (no target: see the gpu section's devices). */
function gpuFigures(gpu: GpuSection): Figure[] {
	if ('skipped' in gpu) return [];
	return Object.entries(gpu.msPerMegapixel).flatMap(([modelId, backends]) =>
		Object.entries(backends).flatMap(([backend, result]) =>
			'msPerMegapixel' in result
				? [
						reported(
							`gpu: ${modelId} on ${backend}, ms per megapixel at ${gpu.side} px`,
							result.msPerMegapixel
						)
					]
				: []
		)
	);
}

/**
 * `npm run bench:editor` in its own process (it drives Chromium and prints one JSON object), as the
 * editor section; a failure is reported in the section instead of ending the whole benchmark.
 */
function benchEditor(): unknown {
	const run = spawnSync(
		process.execPath,
		['--import', 'tsx', path.join('bench', 'editor.ts'), ...(QUICK ? ['--quick'] : [])],
		{ cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 }
	);
	if (run.status !== 0) return { failed: `bench/editor.ts exited with ${run.status ?? run.signal}` };
	return JSON.parse(run.stdout) as unknown;
}

/**
 * The editor's figures from bench/editor.ts's JSON: today the median time to record a stroke on the
 * largest document (aim: under 300 ms at 24 MP). A figure bench/editor.ts adds (the longest main-thread
 * task, aim 50 ms) is mapped here the same way.
 */
function editorFigures(editor: unknown): Figure[] {
	const documents = (editor as { documents?: { label: string; strokeRecordedMs?: { median: number } }[] })
		.documents;
	const largest = documents?.at(-1);
	if (!largest?.strokeRecordedMs) return [];
	return [
		figure(`editor: stroke recorded, median ms (${largest.label})`, largest.strokeRecordedMs.median, '<', 300)
	];
}

const NOTES = [
	'figures: the headline ratios with their reference (aim) and whether they meet it: tiling, painter threads, the engine against the plain path, the gallery listing against a bare node:http server and its p99/p50 on each store, the editor (bench/editor.ts, run as the editor section), and milliseconds per megapixel of each family on each browser backend (the gpu section, `npm run bench:gpu` at 64 px; reported, no reference: on SwiftShader they are CPU figures).',
	'Content: a synthetic, deterministic 4:3 image (gradients, rings and seeded noise); style: rembrandt-night-watch decoded with image-io, analysed at a long side of 256.',
	'loadMs: createModel + load() of a fresh model (readVerified of every file, sha256 re-checked, then loadGraphModel of both nets); warmUpMs: its warmUp(). engineModelReadyMs: the engine loading and warming its own copy (also untimed in the runs).',
	'ms: median of engine.stylize(job) end to end (pixels to tensor, style resize, style vector, transfer net, output resize to the same working size, clip/round, download to RGBA pixels) at strength 1, workingSide = long side, output = working size. msStrengthHalf: the same at strength 0.5 (adds the content style vector at 256 and the interpolation).',
	"referenceMs: median of the plain path with the same weights loaded separately: fromPixels for content and style, style resized to 256 long side, styleNet.executeAsync -> vector, transferNet.executeAsync({Placeholder, Placeholder_1}), await out.data(), manual dispose. ratio = ms / referenceMs at strength 1; the difference is the engine's own work (an identity-size content resize, squeeze, clip and round, the RGBA conversion).",
	'Each size gets one untimed warm run of every path first; the timed runs then alternate engine, reference, strength-0.5 so drift affects all alike. samplesMs lists every timed run.',
	'peakTensorBytes: profile.peakBytes of tf.profile(() => model.stylize(content, { style, strength: 1 })) on the fresh model, with the content and the 256-side style already tensors. It is the largest tfjs-tracked byte count after any kernel, so it includes what was already allocated (baselineTensorBytes: the weights of the three loaded copies of the nets, modelTensorBytes each, plus the two input tensors); peakTensorBytesAboveBaseline subtracts that. It counts tensor bytes only, not the wasm heap, which does not shrink. peakTensorBytesStrengthHalf: the same at strength 0.5.',
	'leakedTensors: tf.memory().numTensors after the warm and timed runs of a size minus before; 0 means no path leaks.'
];

const RUN_NOTES = [
	'quick: true when run with --quick (sizes: long side 256 only, one timed run; every other section at small sizes, see its note): a smoke test whose timings are not comparable with a full run. sectionMs: wall time of each section (sizes is the load, warm-up and sizes part above); the sections run in the order memory, sizes, models, tiling, parallel, gallery, hostile, softBinding, faces, gpu, editor. sectionCpuMs, totalCpuMs: user + system CPU time of the process (all threads) in the same spans; on a machine busy with other work, CPU time of the single-threaded sections is close to what their wall time would be on an idle one. machine.processMaxRssBytes: the OS peak resident set size of the process at the end (process.resourceUsage().maxRSS), worker threads included.'
];

/** The two nets of the card, loaded from the same verified files as the model, for the reference path. */
async function loadGraphPair(tf: typeof tfType, card: ModelCard, read: AssetReader): Promise<GraphPair> {
	const [style, transfer] = await Promise.all([
		readGraphArtifacts(card, 'style/', read),
		readGraphArtifacts(card, 'transfer/', read)
	]);
	return {
		style: await tf.loadGraphModel(tf.io.fromMemory(style)),
		transfer: await tf.loadGraphModel(tf.io.fromMemory(transfer))
	};
}

function pixelsTensor(tf: typeof tfType, pixels: Pixels): tfType.Tensor3D {
	const data = new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength);
	return tf.tidy(() =>
		tf.browser.fromPixels({ data, width: pixels.width, height: pixels.height }, 3).toFloat()
	);
}

/** The plain path: executeAsync on both nets, every tensor disposed by hand. */
async function reference(
	tf: typeof tfType,
	nets: GraphPair,
	content: Pixels,
	style: Pixels,
	styleSide: number
): Promise<Float32Array> {
	const size = fitWithin(style.width, style.height, styleSide);
	const style3d = pixelsTensor(tf, style);
	const styleSmall = tf.image.resizeBilinear(style3d, [size.height, size.width], true);
	const styleBatch = styleSmall.expandDims(0);
	const content3d = pixelsTensor(tf, content);
	const contentBatch = content3d.expandDims(0);
	const vector = (await nets.style.executeAsync(styleBatch)) as tfType.Tensor;
	const out = (await nets.transfer.executeAsync({
		Placeholder: contentBatch,
		Placeholder_1: vector
	})) as tfType.Tensor;
	const result = (await out.data()) as Float32Array;
	for (const t of [style3d, styleSmall, styleBatch, content3d, contentBatch, vector, out]) t.dispose();
	return result;
}

/** tf.profile around the model's tensor work (the engine path minus pixel conversion and resizes). */
async function peakMemory(
	tf: typeof tfType,
	model: StyleModel,
	content: Pixels,
	style: Pixels,
	work: { width: number; height: number }
): Promise<{ baselineBytes: number; peakBytes: number; peakBytesHalf: number }> {
	const styleSize = fitWithin(style.width, style.height, DEFAULT_SETTINGS.styleSide);
	const inputs = tf.tidy(() => ({
		content: tf.image.resizeBilinear(pixelsTensor(tf, content), [work.height, work.width], true),
		style: tf.image.resizeBilinear(pixelsTensor(tf, style), [styleSize.height, styleSize.width], true)
	}));
	try {
		const baselineBytes = tf.memory().numBytes;
		const peakAt = async (strength: number) => {
			const info = await tf.profile(() =>
				model.stylize(inputs.content, { styles: [{ image: inputs.style, weight: 1 }], strength, options: {} })
			);
			(info.result as tfType.Tensor).dispose();
			return info.peakBytes;
		};
		return { baselineBytes, peakBytes: await peakAt(1), peakBytesHalf: await peakAt(0.5) };
	} finally {
		inputs.content.dispose();
		inputs.style.dispose();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
