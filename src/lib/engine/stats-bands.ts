// Whole-image statistics from horizontal bands of the preview, one per painter thread, run at once:
// each instance norm's mean and variance are reduced across the bands from every band's moments over
// the rows it owns, so every band goes on with the whole image's statistics and the pass is not one
// thread's work in front of the tiles. This file is the coordination only (no tfjs); a model that can
// read its statistics in bands does the tensor side (see imageStatsBand).
import { planStatsBands, type StatsBand } from '../kernels/tiling';
import { EngineError } from './types';

/** The fewest rows a band owns: smaller bands would be mostly margin. */
const MIN_BAND_ROWS = 128;
/** Rows of its neighbours each band sees (a multiple of the networks' stride of 4): enough that the
 * owned rows' activations barely feel the cut (measured on 683 and 684 rows: means within 1e-3 of a
 * standard deviation, variances within 2e-3 relative; at 16 rows, 2e-2 and 4e-2), for ~10% more work
 * on a 1024 px copy. */
export const STATS_BAND_MARGIN = 32;

/**
 * One band's moments of one layer, per channel: `moments` holds the C means then the C variances over
 * its `count` owned positions. The answer is the same for the whole image, over all bands.
 */
export type ReduceBand = (band: number, moments: Float32Array, count: number) => Promise<Float32Array>;

interface Round {
	parts: { moments: Float32Array; count: number }[];
	waiting: { resolve(moments: Float32Array): void; reject(error: Error): void }[];
}

/** Matches each band's n-th layer with the other bands' n-th, and answers them all once all have come. */
export class BandReducer {
	private readonly rounds = new Map<number, Round>();
	private readonly asked: number[];
	private failure: Error | null = null;

	constructor(private readonly bands: number) {
		this.asked = new Array<number>(bands).fill(0);
	}

	readonly reduce: ReduceBand = (band, moments, count) => {
		if (this.failure) return Promise.reject(this.failure);
		if (!Number.isInteger(band) || band < 0 || band >= this.bands) {
			return Promise.reject(new EngineError(`a statistics band ${band} of ${this.bands} does not exist`));
		}
		const index = this.asked[band]!++;
		let round = this.rounds.get(index);
		if (!round) {
			round = { parts: [], waiting: [] };
			this.rounds.set(index, round);
		}
		if (round.parts.length && round.parts[0]!.moments.length !== moments.length) {
			const error = new EngineError('the statistics bands disagree on a layer (channel counts differ)');
			this.fail(error);
			return Promise.reject(error);
		}
		round.parts.push({ moments, count });
		const answer = new Promise<Float32Array>((resolve, reject) => round.waiting.push({ resolve, reject }));
		if (round.parts.length === this.bands) {
			this.rounds.delete(index);
			const whole = combineMoments(round.parts);
			for (const waiting of round.waiting) waiting.resolve(whole);
		}
		return answer;
	};

	/** Ends the pass: every band waiting (or about to ask) gets `error`, so none waits for ever. */
	fail(error: Error): void {
		if (this.failure) return;
		this.failure = error;
		for (const round of this.rounds.values()) for (const waiting of round.waiting) waiting.reject(error);
		this.rounds.clear();
	}
}

/**
 * The moments of the union of disjoint parts (Chan et al.'s pairwise update, in float64): the mean of
 * the means weighted by counts, and the variance from each part's variance plus its mean's offset.
 */
export function combineMoments(parts: { moments: Float32Array; count: number }[]): Float32Array {
	const channels = parts[0]!.moments.length / 2;
	const total = parts.reduce((sum, p) => sum + p.count, 0);
	const out = new Float32Array(2 * channels);
	for (let c = 0; c < channels; c++) {
		let mean = 0;
		for (const p of parts) mean += (p.moments[c]! * p.count) / total;
		let squares = 0;
		for (const p of parts) {
			const offset = p.moments[c]! - mean;
			squares += p.count * (p.moments[channels + c]! + offset * offset);
		}
		out[c] = mean;
		out[channels + c] = squares / total;
	}
	return out;
}

/**
 * The bands of a statistics pass over a preview of `height` rows on `threads` threads (edges on the
 * networks' stride of 4): one per thread while each owns MIN_BAND_ROWS; one band is the whole pass.
 */
export function planBands(height: number, threads: number): StatsBand[] {
	const count = Math.max(1, Math.min(threads, Math.floor(height / MIN_BAND_ROWS)));
	return planStatsBands(height, count, STATS_BAND_MARGIN, 4);
}
