// The tensor side of banded statistics (see stats-bands.ts) for tfjs graph models: their instance
// norms' mean and variance nodes get these custom ops. Outside a band pass they are the plain mean and
// variance over height and width that the graph had. Inside one, the mean op takes the band's moments
// over the rows it owns, waits for the whole image's from all bands and goes on with that mean; the
// variance op that follows answers with the whole image's variance (one wait per layer, not two).
import type * as tf from '@tensorflow/tfjs';
import { ownedRowsAt } from '../kernels/tiling';
import type { BandPass } from './model';
import { EngineError } from './types';

export const BAND_MEAN_OP = 'RakkanBandMean';
export const BAND_VARIANCE_OP = 'RakkanBandVariance';

interface Running {
	pass: BandPass;
	/** The whole image's variance of the layer whose mean came last, for the variance op that follows. */
	variance: tf.Tensor | null;
}

// A custom op cannot tell which graph run called it, so a thread runs one band at a time (a painter
// thread gets one band of a pass and nothing else until it answers) and `running` is that band.
let running: Running | null = null;

/** Runs `run` (the graph run of a band) as this thread's band; its norms reduce through `pass`. */
export async function inBandPass<T>(pass: BandPass, run: () => Promise<T>): Promise<T> {
	if (running) throw new EngineError('this thread is already running a statistics band');
	const band: Running = { pass, variance: null };
	running = band;
	try {
		return await run();
	} finally {
		band.variance?.dispose();
		running = null;
	}
}

/** Makes the ops known to this thread's tfjs (once per thread is enough; again is harmless). */
export function registerBandOps(tfjs: typeof tf): void {
	// The instance norm's own axes, height and width (checked against the graph when it loads).
	const plainMean = (x: tf.Tensor) => tfjs.mean(x, [1, 2], true);
	tfjs.registerOp(BAND_MEAN_OP, (node) => {
		const x = node.inputs[0] as tf.Tensor4D;
		return running ? bandMoments(tfjs, running, x) : plainMean(x);
	});
	tfjs.registerOp(BAND_VARIANCE_OP, (node) => {
		// Its input is the deviations from the mean (see the model's loader), not their squares.
		if (!running) return tfjs.tidy(() => plainMean(tfjs.square(node.inputs[0]!)));
		const variance = running.variance;
		if (!variance) throw new EngineError('a statistics band reached a variance before its mean');
		running.variance = null;
		return variance;
	});
}

async function bandMoments(tfjs: typeof tf, band: Running, x: tf.Tensor4D): Promise<tf.Tensor> {
	const [, height, width, channels] = x.shape;
	const [from, to] = ownedRowsAt(band.pass, height);
	const local = tfjs.tidy(() => {
		const { mean, variance } = tfjs.moments(
			x.slice([0, from, 0, 0], [1, to - from, width, channels]),
			[0, 1, 2]
		);
		return tfjs.concat([mean, variance]);
	});
	let moments: Float32Array;
	try {
		moments = Float32Array.from(await local.data());
	} finally {
		local.dispose();
	}
	const whole = await band.pass.reduce(moments, (to - from) * width);
	band.variance?.dispose();
	band.variance = tfjs.tensor4d(whole.subarray(channels), [1, 1, 1, channels]);
	return tfjs.tensor4d(whole.subarray(0, channels), [1, 1, 1, channels]);
}
