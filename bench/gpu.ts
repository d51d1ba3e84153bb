// Benchmark of every model family on every tfjs backend the browser offers (webgpu, webgl, wasm), in
// headless Chromium against the production build (`npm run build` first), for the day a real GPU is
// there: milliseconds per megapixel per backend. On SwiftShader (a software GPU, what headless Chromium
// has on a machine without one) it runs too, about 40x slower than wasm: the figures then say nothing
// about GPUs, only that the paths run.
//
// Run with `npm run bench:gpu` (`-- --side N`: the square picture's side, default 128; `-- --runs N`: the
// timed jobs after one warm job, default 2). One JSON object goes to stdout; progress lines to stderr.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { photoPath } from '../tests/helpers/assets';
import {
	availableBackends,
	engineBundle,
	openEnginePage,
	type PagePixels,
	paintOnBackend
} from '../tests/e2e/engine-page';
import { startStudio } from '../tests/e2e/harness';
import { median, progress, round } from './util';

/** One model of each family (the families' other models run the same code on other weights). */
const MODELS = [
	'manga-ink',
	'fast-udnie',
	'cartoon-whitebox',
	'anime-hayao',
	'arbitrary-wyf',
	'magenta-arbitrary'
];
const TAKES_STYLE = new Set(['arbitrary-wyf', 'magenta-arbitrary']);

export const GPU_NOTES = [
	'msPerMegapixel: the median of the timed StyleEngine.stylize jobs (single pass, strength 1, the result read back) over the picture megapixels, after one untimed warm job; loadMs: loading the model (verified weights fetched from the studio, uploaded, warmed up).',
	'Each backend runs in the same page, one after another; the style (where a model takes one) is analysed at the picture side.',
	'devices: what Chromium reports. "SwiftShader" means a software renderer on the CPU: GPU figures are then not GPU speed.'
];

async function square(file: string, side: number): Promise<PagePixels> {
	const { data, info } = await sharp(file)
		.resize(side, side, { fit: 'cover' })
		.ensureAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	return { width: info.width, height: info.height, data: Array.from(data) };
}

/** Every family on every backend Chromium offers, at `side` x `side`; `runs` timed jobs after a warm one. */
export async function benchGpu({ side, runs }: { side: number; runs: number }) {
	if (!Number.isInteger(side) || side < 32 || !Number.isInteger(runs) || runs < 1) {
		throw new Error('--side must be a whole number >= 32 and --runs >= 1');
	}
	const [bundle, studio] = await Promise.all([engineBundle(), startStudio()]);
	try {
		const page = await openEnginePage(studio, bundle);
		page.setDefaultTimeout(0);
		// tsx keeps function names with a `__name` helper, which the functions sent to the page call too
		// (Vitest's transform does not, so the e2e tests using the same page helpers never needed it).
		await page.evaluate('globalThis.__name = (fn) => fn');
		const { backends, devices } = await availableBackends(page);
		const content = await square(await photoPath('coffee'), side);
		const style = await square(await photoPath('astronaut'), side);
		const megapixels = (side * side) / 1e6;
		const results: Record<string, Record<string, GpuResult>> = {};
		for (const modelId of MODELS) {
			results[modelId] = {};
			for (const backend of backends) {
				progress(`gpu: ${modelId} on ${backend}`);
				try {
					const run = await paintOnBackend(page, {
						backend,
						modelId,
						content,
						style: TAKES_STYLE.has(modelId) ? style : null,
						styleSide: side,
						jobs: runs + 1
					});
					const timed = run.jobMs.slice(1);
					results[modelId][backend] = {
						msPerMegapixel: round(median(timed) / megapixels),
						loadMs: round(run.loadMs),
						jobMs: timed.map((ms) => round(ms))
					};
				} catch (error) {
					results[modelId][backend] = { error: (error as Error).message.split('\n')[0]! };
				}
			}
		}
		return { side, runs, backends, devices, msPerMegapixel: results };
	} finally {
		await studio.stop();
	}
}

export type GpuResult = { msPerMegapixel: number; loadMs: number; jobMs: number[] } | { error: string };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const { values } = parseArgs({
		options: { side: { type: 'string', default: '128' }, runs: { type: 'string', default: '2' } }
	});
	try {
		const result = await benchGpu({ side: Number(values.side), runs: Number(values.runs) });
		process.stdout.write(`${JSON.stringify({ ...result, notes: GPU_NOTES }, null, 2)}\n`);
		// A family that failed on a backend is in the JSON; the exit status says so too.
		const failed = Object.values(result.msPerMegapixel).some((byBackend) =>
			Object.values(byBackend).some((run) => 'error' in run)
		);
		if (failed) process.exitCode = 1;
	} catch (error) {
		console.error(error);
		process.exitCode = 1;
	}
}
