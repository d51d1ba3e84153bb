// The tensor side of statistics read on painter threads (see stats-bands.ts) for tfjs graph models:
// their instance norms' mean and variance nodes get these custom ops. Outside such a run they are the
// plain mean and variance over height and width that the graph had. A statistics pass over the whole
// preview computes them so and publishes each as it goes. In one band of several, the mean op takes the
// band's moments over the rows it owns, waits for the whole image's from all bands and goes on with that
// mean; the variance op that follows answers with the whole image's variance (one wait per layer, not
// two). In a tile that follows a pass, each op waits for the pass to publish its layer's statistics.
import type * as tf from '@tensorflow/tfjs';
import { ownedRowsAt } from '../kernels/tiling';
import { isGpuBackend } from './backend';
import type { BandPass, StatsFeed } from './model';
import { meanItem, type PublishItem, varianceItem } from './stats-bands';
import { EngineError } from './types';

export const BAND_MEAN_OP = 'RakkanBandMean';
export const BAND_VARIANCE_OP = 'RakkanBandVariance';
/** The attribute the loader gives each mean and variance node: its norm's index in the network. */
export const LAYER_ATTR = 'rakkan_layer';

/** Where a run's norms get the whole image's statistics: its own (published as they come), the
 * bands of a pass, or a pass running elsewhere. */
export type StatsSource = { publish: PublishItem } | { band: BandPass } | { feed: StatsFeed };

interface Run {
	source: StatsSource;
	/** Why the statistics stopped coming (a failed pass): the run goes on with zeros and then fails, since
	 * a graph run that throws midway leaves its intermediate tensors behind. */
	failure?: Error;
	/** In a band: each layer's whole-image variance, from its mean's answer until the variance op takes it. */
	variances: Map<number, tf.Tensor>;
}

// A custom op cannot tell which graph run called it, and runs take turns on one thread (tiles waiting
// for a pass). Each run feeds its own tensor as the input the loader adds to every norm node (the style
// vector), so the ops find their run by that tensor.
const runs = new Map<tf.Tensor, Run>();

/** Runs `run`, a graph run fed `key`, with its norms' statistics from `source`; if they fail, frees
 * what the run made and throws why. */
export async function runWithStats<T extends tf.Tensor | tf.Tensor[]>(
	key: tf.Tensor,
	source: StatsSource,
	run: () => Promise<T>
): Promise<T> {
	if (runs.has(key)) throw new EngineError('this tensor already keys a statistics run');
	const state: Run = { source, variances: new Map() };
	runs.set(key, state);
	try {
		const result = await run();
		if (state.failure) {
			for (const tensor of [result].flat()) tensor.dispose();
			throw state.failure;
		}
		return result;
	} finally {
		for (const variance of state.variances.values()) variance.dispose();
		runs.delete(key);
	}
}

/** Makes the ops known to this thread's tfjs (once per thread is enough; again is harmless). */
export function registerBandOps(tfjs: typeof tf): void {
	quietExecuteAsyncAdvice();
	// The instance norm's own axes, height and width (checked against the graph when it loads).
	const plainMean = (x: tf.Tensor) => spatialMean(tfjs, x as tf.Tensor4D);
	// The variance op's input is the deviations from the mean (see the model's loader), not their squares.
	const plainVariance = (deviations: tf.Tensor) => tfjs.tidy(() => plainMean(tfjs.square(deviations)));
	const find = (node: tf.GraphNode) => {
		const key = node.inputs[2];
		const run = key ? runs.get(key) : undefined;
		return run ? { run, layer: node.attrs[LAYER_ATTR] as number, x: node.inputs[0] as tf.Tensor4D } : null;
	};
	// Once a run's statistics have failed, its norms take zeros so that it ends (see Run.failure).
	const orZeros = async (run: Run, x: tf.Tensor4D, statistic: () => Promise<tf.Tensor>) => {
		if (!run.failure) {
			try {
				return await statistic();
			} catch (error) {
				run.failure = error as Error;
			}
		}
		return tfjs.zeros([1, 1, 1, x.shape[3]]);
	};
	tfjs.registerOp(BAND_MEAN_OP, (node) => {
		const found = find(node);
		if (!found) return plainMean(node.inputs[0]!);
		const { run, layer, x } = found;
		const { source } = run;
		return orZeros(run, x, () => {
			if ('publish' in source) return published(plainMean(x), meanItem(layer), source.publish);
			if ('feed' in source) return followed(tfjs, source.feed, meanItem(layer), x);
			return bandMoments(tfjs, run, source.band, layer, x);
		});
	});
	tfjs.registerOp(BAND_VARIANCE_OP, (node) => {
		const found = find(node);
		if (!found) return plainVariance(node.inputs[0]!);
		const { run, layer, x } = found;
		const { source } = run;
		return orZeros(run, x, async () => {
			if ('publish' in source) return published(plainVariance(x), varianceItem(layer), source.publish);
			if ('feed' in source) return followed(tfjs, source.feed, varianceItem(layer), x);
			const variance = run.variances.get(layer);
			if (!variance) {
				throw new EngineError(`a statistics band reached layer ${layer}'s variance before its mean`);
			}
			run.variances.delete(layer);
			return variance;
		});
	});
}

/**
 * The mean over height and width of a 1xHxWxC tensor, kept as 1x1x1xC. On wasm (and cpu) tfjs's Mean
 * transposes the whole activation before reducing it: 187 ms for a 1024x683x32 layer, half a statistics
 * pass. An average pool over the whole image reads it in place (7 ms), and is closer to float64.
 */
export function spatialMean(tfjs: typeof tf, x: tf.Tensor4D): tf.Tensor4D {
	// A GPU's own mean is a parallel reduction already; one pool window per channel would be a loop.
	if (isGpuBackend(tfjs.getBackend())) return tfjs.mean(x, [1, 2], true);
	const [, height, width] = x.shape;
	return tfjs.avgPool(x, [height, width], [height, width], 'valid');
}

/** A statistic of the whole preview, published to the following tiles before the run goes on with it. */
async function published(statistic: tf.Tensor, item: number, publish: PublishItem): Promise<tf.Tensor> {
	try {
		publish(item, Float32Array.from(await statistic.data()));
		return statistic;
	} catch (error) {
		statistic.dispose();
		throw error;
	}
}

/** A statistic a pass elsewhere publishes, for a layer of `x`'s channels. */
async function followed(tfjs: typeof tf, feed: StatsFeed, item: number, x: tf.Tensor4D): Promise<tf.Tensor> {
	const channels = x.shape[3];
	const values = await feed(item);
	if (values.length !== channels) {
		throw new EngineError(`the statistics this tile follows do not fit its layers (item ${item})`);
	}
	return tfjs.tensor4d(values, [1, 1, 1, channels]);
}

async function bandMoments(
	tfjs: typeof tf,
	run: Run,
	band: BandPass,
	layer: number,
	x: tf.Tensor4D
): Promise<tf.Tensor> {
	if (!band.reduce) throw new EngineError('a statistics band of several has no way to reduce its moments');
	const [, height, width, channels] = x.shape;
	const [from, to] = ownedRowsAt(band, height);
	const [left, right] = band.columns
		? ownedRowsAt({ rows: band.columns, owned: band.ownedColumns ?? band.columns }, width)
		: [0, width];
	// Each column's mean of x and of x squared over the rows above `to` and over those above `from`, so
	// over the owned rows by difference: one pooling window from the top each, since copying out the
	// owned part (a slice, element by element on wasm) cost more than the norms themselves.
	const tops = from > 0 ? [to, from] : [to];
	const pooled = tfjs.tidy(() =>
		[x, tfjs.square(x)].flatMap((t) => tops.map((rows) => tfjs.avgPool(t, [rows, 1], [height, 1], 'valid')))
	);
	let columns: Float32Array[];
	try {
		columns = (await Promise.all(pooled.map((t) => t.data()))) as Float32Array[];
	} finally {
		tfjs.dispose(pooled);
	}
	// The owned part's means of x and x squared in float64, and the variance as the mean square less the
	// squared mean (activations here sit within a few hundred standard deviations of their mean, so
	// float32's squares keep the variance to well under 1e-3 of itself).
	const count = (to - from) * (right - left);
	const ownedMean = (first: number, c: number) => {
		let sum = 0;
		for (let column = left; column < right; column++) {
			const at = column * channels + c;
			sum += columns[first]![at]! * to - (from > 0 ? columns[first + 1]![at]! * from : 0);
		}
		return sum / count;
	};
	const moments = new Float32Array(2 * channels);
	for (let c = 0; c < channels; c++) {
		const mean = ownedMean(0, c);
		moments[c] = mean;
		moments[channels + c] = Math.max(0, ownedMean(tops.length, c) - mean * mean);
	}
	const whole = await band.reduce(layer, moments, count);
	run.variances.get(layer)?.dispose();
	run.variances.set(layer, tfjs.tensor4d(whole.subarray(channels), [1, 1, 1, channels]));
	return tfjs.tensor4d(whole.subarray(0, channels), [1, 1, 1, channels]);
}

const EXECUTE_ADVICE = 'This model execution did not contain any nodes with control flow';
let quiet = false;

/** tfjs advises execute() after every executeAsync() of a graph without control flow; runs with these
 * ops need executeAsync for their waits, so that advice (a line per tile in the CLI) is dropped. */
function quietExecuteAsyncAdvice(): void {
	if (quiet) return;
	quiet = true;
	const warn = console.warn;
	console.warn = (...args: unknown[]) => {
		if (typeof args[0] === 'string' && args[0].startsWith(EXECUTE_ADVICE)) return;
		warn.apply(console, args);
	};
}
