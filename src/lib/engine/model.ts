// One interface for every model family, and the one factory that makes them (tfjs-models style).
import type * as tf from '@tensorflow/tfjs';
import type { DetectorCard, ModelCard } from '../assets/catalog';
import type { Face } from '../kernels/faces';
import type { StatsBand } from '../kernels/tiling';
import { BlazefaceDetector } from './face-blazeface/detector';
import { ArbitraryWyfModel } from './arbitrary-wyf/model';
import { MangaInkModel } from './manga-ink/model';
import { FastStyleModel } from './fast-style/model';
import { WhiteboxCartoonModel } from './whitebox-cartoon/model';
import { MagentaTfliteModel } from './magenta-tflite/model';
import { AnimeganTfliteModel } from './animegan-tflite/model';
import { type AssetReader, EngineError } from './types';

export interface StyleParams {
	/** Style references, HxWx3 float 0..255 at the analysis size, weights summing to 1; empty for
	 * fixed-style models. */
	styles: { image: tf.Tensor3D; weight: number }[];
	strength: number;
	/** Model-specific controls by name (e.g. manga-ink's line weight); each model documents its own. */
	options: Readonly<Record<string, number>>;
	/** Where the content's top-left pixel sits in the whole working image (tiles); 0, 0 when absent. */
	origin?: { x: number; y: number };
}

/** Numbers every tile of one image shares, as plain arrays so they can cross to worker threads. */
export type TileStats = Record<string, { shape: number[]; data: Float32Array }>;

/** One band of a statistics pass spread over threads (see stats-bands.ts). */
export interface BandPass extends Pick<StatsBand, 'rows' | 'owned' | 'columns' | 'ownedColumns'> {
	/** This band's moments of a layer (a norm, by index) over its owned positions (C means, then C
	 * variances) and their count in, the whole image's out (see ReduceBand). Absent when the band is the
	 * whole preview: its statistics are the image's. */
	reduce?(layer: number, moments: Float32Array, count: number): Promise<Float32Array>;
	/** Publishes an item (see FEED_SHARED, meanItem, varianceItem) to the tiles that follow the pass. */
	publish(item: number, values: Float32Array): void;
}

/** What a pass has published, by item, each waited for until it comes. */
export type StatsFeed = (item: number) => Promise<Float32Array>;

/** TileStats still on the device, by the same names; whoever holds them disposes them. */
export type StatTensors = Record<string, tf.Tensor>;

/** What every network Rakkan runs does: load verified weights, warm up, and let go of its tensors. */
export interface LoadedNetwork {
	load(read: AssetReader): Promise<void>;
	/** One run on zeros so the first real request does not pay for kernel compilation. */
	warmUp(): void | Promise<void>;
	dispose(): void;
}

/** A face detector: square windows of the photo in, faces in each window's input pixels out. */
export interface FaceDetector extends LoadedNetwork {
	readonly card: DetectorCard;
	/**
	 * Inputs [N,H,W,3] RGB 0..255 (not disposed) in, one list of faces per input, in its pixels. Read back
	 * asynchronously: a synchronous read breaks the WebGPU device (see readback.ts).
	 */
	detect(inputs: tf.Tensor4D, minScore: number): Promise<Face[][]>;
}

export interface StyleModel extends LoadedNetwork {
	readonly card: ModelCard;
	/** True when the model applies strength itself (style-vector interpolation); otherwise the engine
	 * blends the painting with the full-resolution photo, which keeps the image sharp. */
	readonly appliesStrength: boolean;
	warmUp(): Promise<void>;
	/**
	 * Synchronous tensor work: content HxWx3 float 0..255 in, the painting HxWx3 float 0..255 out.
	 * With `stats` (from imageStats), the content is one tile of a larger image.
	 */
	stylize(content: tf.Tensor3D, params: StyleParams, stats?: TileStats): tf.Tensor3D;
	/**
	 * For instance-normalised networks: the statistics of the whole image, read from a downscaled view,
	 * that every tile then uses so neighbouring tiles agree. Absent where tiles are independent.
	 */
	imageStats?(preview: tf.Tensor3D, params: StyleParams): StatTensors;
	/**
	 * imageStats for one band of the preview, the bands running on several threads or taking turns on
	 * one: the network sees only `band.rows`, and every norm's moments come back through `band.reduce` as
	 * the whole preview's, so each band ends with what imageStats(preview) gives, up to the margin's effect.
	 */
	imageStatsBand?(preview: tf.Tensor3D, params: StyleParams, band: BandPass): Promise<StatTensors>;
	/**
	 * stylize for a tile whose statistics are still being read by a pass on another thread: the run
	 * waits at each norm for its layer's statistics from `feed` (what imageStatsBand publishes), so it
	 * paints what stylize with the pass's statistics paints. Not disposed: content; the caller owns the result.
	 */
	stylizeFollowing?(content: tf.Tensor3D, params: StyleParams, feed: StatsFeed): Promise<tf.Tensor3D>;
	/** How many norms a run waits at for the whole image's statistics (as bands or following a pass). */
	readonly statsLayers?: number;
	/** What every run of a pass shares, read from the whole picture (`preview`): see FEED_SHARED. */
	sharedValues?(preview: tf.Tensor3D, params: StyleParams): Promise<Float32Array>;
	/**
	 * stylize for a tile that reads the whole image's statistics together with the picture's other
	 * tiles, each a band of the pass (see tileBands): every norm's moments over the part the tile owns go
	 * through `band.reduce` and come back as the whole image's, so no pass runs before the tiles. With
	 * the painting, the whole image's statistics (the same from every tile). Not disposed: content.
	 */
	stylizeBand?(
		content: tf.Tensor3D,
		shared: Float32Array,
		band: BandPass
	): Promise<{ painting: tf.Tensor3D; stats: StatTensors }>;
}

export function createDetector(card: DetectorCard, tfjs: typeof tf): FaceDetector {
	switch (card.family) {
		case 'face-blazeface':
			return new BlazefaceDetector(card, tfjs);
		default:
			throw new EngineError(`"${String(card.family)}" is not a supported detector family`);
	}
}

export function createModel(card: ModelCard, tfjs: typeof tf): StyleModel {
	switch (card.family) {
		case 'arbitrary-wyf':
			return new ArbitraryWyfModel(card, tfjs);
		case 'manga-ink':
			return new MangaInkModel(card, tfjs);
		case 'fast-style':
			return new FastStyleModel(card, tfjs);
		case 'whitebox-cartoon':
			return new WhiteboxCartoonModel(card, tfjs);
		case 'magenta-tflite':
			return new MagentaTfliteModel(card, tfjs);
		case 'animegan-tflite':
			return new AnimeganTfliteModel(card, tfjs);
		default:
			throw new EngineError(`"${String(card.family)}" is not a supported model family`);
	}
}

/** tfjs graph-model artifacts from a catalog card's `<prefix>model.json` and its weight shards. */
export async function readGraphArtifacts(
	card: ModelCard | DetectorCard,
	prefix: string,
	read: AssetReader
): Promise<tf.io.ModelArtifacts> {
	const file = (role: string) => {
		const found = card.files.find((f) => f.role === role);
		if (!found) throw new EngineError(`${card.id}: the catalog card has no file "${role}"`);
		return found;
	};
	let json: {
		modelTopology?: unknown;
		weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
		format?: string;
		userDefinedMetadata?: Record<string, unknown>;
	};
	// Read outside the try: an integrity or I/O error from the reader must reach the caller as it is.
	const bytes = await read(file(`${prefix}model.json`));
	try {
		json = JSON.parse(new TextDecoder().decode(bytes)) as typeof json;
	} catch (cause) {
		throw new EngineError(
			`${card.id}: ${prefix}model.json is not a graph model (${(cause as Error).message})`
		);
	}
	if (json.format !== 'graph-model' || !json.modelTopology || !json.weightsManifest) {
		throw new EngineError(`${card.id}: ${prefix}model.json is not a tfjs graph model`);
	}
	const groups = json.weightsManifest;
	const shards = await Promise.all(groups.flatMap((g) => g.paths).map((p) => read(file(prefix + p))));
	const total = shards.reduce((sum, s) => sum + s.byteLength, 0);
	const weightData = new Uint8Array(total);
	let offset = 0;
	for (const shard of shards) {
		weightData.set(shard, offset);
		offset += shard.byteLength;
	}
	return {
		format: json.format,
		modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
		weightSpecs: groups.flatMap((g) => g.weights),
		weightData: weightData.buffer,
		userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata']
	};
}

/** The bytes of weight data a manifest describes; null when that needs decoding (string weights). */
export function manifestBytes(specs: tf.io.WeightsManifestEntry[]): number | null {
	let total = 0;
	for (const spec of specs) {
		if (spec.dtype === 'string') return null;
		const count = spec.shape.reduce((a, b) => a * b, 1);
		const stored = spec.quantization?.dtype;
		const size = stored
			? stored === 'uint8'
				? 1
				: 2
			: spec.dtype === 'bool'
				? 1
				: spec.dtype === 'complex64'
					? 8
					: 4;
		total += count * size;
	}
	return total;
}
