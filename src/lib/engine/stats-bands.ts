// Whole-image statistics on painter threads, so that the pass is not one thread's work in front of the
// tiles. Horizontal bands of the preview run at once, one per thread: each instance norm's mean and
// variance are reduced across the bands from every band's moments over the rows it owns, so every band
// goes on with the whole image's statistics. Meanwhile the other threads paint tiles that follow the
// pass: each layer's statistics are published as soon as they are reduced, and a tile's run waits at
// each norm for its layer's. A small picture's tiles are themselves the bands of the pass (see
// tileBands): they read the statistics together, with no copy. This file is the coordination only (no
// tfjs); a model that can read its statistics in bands does the tensor side (see imageStatsBand,
// stylizeFollowing and stylizeBand).
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
 * One band's moments of one layer (a norm, by its index in the network), per channel: `moments` holds
 * the C means then the C variances over its `count` owned positions. The answer is the same for the
 * whole image, over all bands.
 */
export type ReduceBand = (
	band: number,
	layer: number,
	moments: Float32Array,
	count: number
) => Promise<Float32Array>;

/**
 * What a pass publishes as it goes, for tiles that follow it on other threads: at FEED_SHARED what its
 * bands share before the network runs (the style vector), then each layer's whole-image means and
 * variances. A tile that follows waits for each item as its own run reaches it.
 */
export const FEED_SHARED = 0;
export const meanItem = (layer: number) => 1 + 2 * layer;
export const varianceItem = (layer: number) => 2 + 2 * layer;
export type PublishItem = (item: number, values: Float32Array) => void;

interface Round {
	parts: { band: number; moments: Float32Array; count: number }[];
	waiting: { resolve(moments: Float32Array): void; reject(error: Error): void }[];
}

/**
 * Matches each band's moments of a layer with the other bands', answers them all once all have come,
 * and publishes each layer's answer, and what the bands publish themselves, for the tiles following
 * the pass (each item once: every band shares the same style vector).
 */
export class BandReducer {
	private readonly rounds = new Map<number, Round>();
	private readonly published = new Set<number>();
	private failure: Error | null = null;

	constructor(
		private readonly bands: number,
		private readonly publishItem: PublishItem = () => undefined,
		/** Hears of each layer all bands have passed. */
		private readonly onLayer: (layer: number) => void = () => undefined
	) {}

	readonly reduce: ReduceBand = (band, layer, moments, count) => {
		if (this.failure) return Promise.reject(this.failure);
		if (!Number.isInteger(band) || band < 0 || band >= this.bands) {
			return Promise.reject(new EngineError(`a statistics band ${band} of ${this.bands} does not exist`));
		}
		let round = this.rounds.get(layer);
		if (!round) {
			round = { parts: [], waiting: [] };
			this.rounds.set(layer, round);
		}
		const clash = round.parts.some((p) => p.band === band)
			? `band ${band} sent layer ${layer} twice`
			: round.parts.length && round.parts[0]!.moments.length !== moments.length
				? 'the statistics bands disagree on a layer (channel counts differ)'
				: null;
		if (clash) {
			const error = new EngineError(clash);
			this.fail(error);
			return Promise.reject(error);
		}
		round.parts.push({ band, moments, count });
		const answer = new Promise<Float32Array>((resolve, reject) => round.waiting.push({ resolve, reject }));
		if (round.parts.length === this.bands) {
			this.rounds.delete(layer);
			// In band order, whatever order they came in: float sums depend on it, and the picture should not.
			const whole = combineMoments(round.parts.sort((a, b) => a.band - b.band));
			const channels = whole.length / 2;
			this.publish(meanItem(layer), whole.slice(0, channels));
			this.publish(varianceItem(layer), whole.slice(channels));
			for (const waiting of round.waiting) waiting.resolve(whole);
			this.onLayer(layer);
		}
		return answer;
	};

	/** Publishes an item for the following tiles, unless it already was or the pass has failed. */
	readonly publish: PublishItem = (item, values) => {
		if (this.published.has(item) || this.failure) return;
		this.published.add(item);
		this.publishItem(item, values);
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
 * A thread's copy of what a pass has published, for the tiles on it that follow the pass: each item
 * as it comes, a wait for one not here yet, and the pass's failure for every wait.
 */
export class FeedBuffer {
	private readonly items = new Map<number, Float32Array>();
	private readonly waiting = new Map<
		number,
		{ resolve(values: Float32Array): void; reject(error: Error): void }[]
	>();
	private failure: Error | null = null;

	add(item: number, values: Float32Array): void {
		this.items.set(item, values);
		for (const waiting of this.waiting.get(item) ?? []) waiting.resolve(values);
		this.waiting.delete(item);
	}

	fail(error: Error): void {
		this.failure ??= error;
		for (const list of this.waiting.values()) for (const waiting of list) waiting.reject(error);
		this.waiting.clear();
	}

	readonly item = (item: number): Promise<Float32Array> => {
		const values = this.items.get(item);
		if (values) return Promise.resolve(values);
		if (this.failure) return Promise.reject(this.failure);
		return new Promise((resolve, reject) => {
			const list = this.waiting.get(item) ?? [];
			list.push({ resolve, reject });
			this.waiting.set(item, list);
		});
	};
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
 * How many of `threads` read a pass's statistics (in as many bands) when tiles can follow it: a
 * quarter, at least one. Measured on 2 threads at 1536x1024: two bands read it only 1.3x faster than
 * one (they wait for each other at every layer and share the memory bus), and a first paint took 1.66x
 * less time than on one thread; one band with the other thread following it, 1.74x to 1.85x, and
 * 1.81x to 1.89x once the norms' means were pools (as much as re-paints, whose statistics are cached).
 */
export function statsThreads(threads: number): number {
	return Math.max(1, Math.floor(threads / 4));
}

/**
 * The most tile pixels a following thread holds at once: a waiting tile keeps its activations (nine
 * 384 px tiles, 1.3 MP, grew the process by 0.9 GB; tfjs's wasm heap stops at 4 GB), so two 768 px tiles.
 */
const MAX_FOLLOWING_PIXELS = 1.5e6;
/** And at most this many, however small: each is a graph run of its own taking turns on the thread. */
const MAX_FOLLOWING = 16;

/**
 * How many tiles a thread following a pass holds at once: as many pixels as the pass reads, within
 * MAX_FOLLOWING_PIXELS and MAX_FOLLOWING, and at least one. The pass and a tile run the same network up
 * to its last norm, so these tiles' work before their last norm is about as much as the pass's: fewer
 * would leave the thread idle while the pass reads the next layer, and more, each finishing only after
 * the pass, would leave the thread still painting them after the others had run out of tiles.
 */
export function followDepth(statsPixels: number, tilePixels: number): number {
	const pixels = Math.max(1, tilePixels);
	const busy = Math.ceil(statsPixels / pixels);
	return Math.max(1, Math.min(busy, MAX_FOLLOWING, Math.floor(MAX_FOLLOWING_PIXELS / pixels)));
}

/**
 * The bands of a statistics pass over a preview of `height` rows on `threads` threads (edges on the
 * networks' stride of 4): one per thread while each owns MIN_BAND_ROWS; one band is the whole pass.
 */
export function planBands(height: number, threads: number): StatsBand[] {
	const count = Math.max(1, Math.min(threads, Math.floor(height / MIN_BAND_ROWS)));
	return planStatsBands(height, count, STATS_BAND_MARGIN, 4);
}
