// The style engine: loads models once and runs a stylize job as a plan of tiles (one tile for a single
// pass), checking for cancellation between tiles (or, for tiles that read their statistics together and
// so run at once, between layers). The same code runs in the studio's worker and in the Node CLI; a
// TilePainter can spread the tiles over more threads.
import type * as tf from '@tensorflow/tfjs';
import { type Catalog, findModel, takesStyleImage } from '../assets/catalog';
import { type BandPass, createModel, type StatsFeed, type StyleModel, type TileStats } from './model';
import { readTileStats } from './readback';
import { isGpuBackend } from './backend';
import { BandReducer, followDepth, planBands, statsThreads } from './stats-bands';
import {
	type AssetReader,
	CanceledError,
	EngineError,
	type Pixels,
	type Progress,
	type Stage,
	type StylizeSettings,
	normalizeStyleWeights,
	validateStrength,
	type WeightedStyle
} from './types';
import { LUMA_WEIGHTS } from '../kernels/color';
import { fingerprint } from '../kernels/fingerprint';
import { fitWithin, type Size, workingSize } from '../kernels/geometry';
import {
	chooseTileSize,
	compositeTile,
	cropRgba,
	downscaleRgba,
	overlapFor,
	planTiles,
	sourceRegion,
	type StatsBand,
	tileBands,
	type Tile,
	type TileDevice,
	type TilePlan
} from '../kernels/tiling';

export interface StylizeJob {
	content: Pixels;
	/** Style references with blend weights (any positive numbers; normalised here). */
	styles: WeightedStyle[];
	settings: StylizeSettings;
}

export interface JobControl {
	signal?: AbortSignal;
	onProgress?: (progress: Progress) => void;
	/** Paints tiles elsewhere (worker threads, more Web Workers); this engine paints them otherwise. */
	painter?: TilePainter;
	/**
	 * Called when painting a tile fails (a lost GPU context, a failed backend): rebuilds what it must
	 * and the tile is tried again, keeping the tiles already finished. Without it, a failure ends the job.
	 */
	recover?: (error: Error) => Promise<void>;
}

/** How many times one tile is retried after `recover` before the job gives up. */
const MAX_RECOVERIES = 2;

/** One tile's work, self-contained so that another thread can do it with its own engine. */
export interface TileRequest {
	modelId: string;
	/** The tile's region of the photo, at the photo's resolution. */
	crop: Pixels;
	/** The size the network paints at, and the tile's size in the output. */
	work: Size;
	/** The tile's top-left in the whole working image, for models that draw by position (screentones). */
	origin: { x: number; y: number };
	out: Size;
	/** Style references already at their analysis size, weights normalised. */
	styles: WeightedStyle[];
	strength: number;
	preserveColors: boolean;
	options: Readonly<Record<string, number>>;
	/** The whole image's statistics, or the statistics pass (by id) whose layers the tile follows. */
	stats?: TileStats;
	follow?: number;
}

/** What a whole-image statistics pass needs, self-contained so that painter threads can run its bands. */
export interface StatsRequest {
	modelId: string;
	/** The whole picture, downscaled; every thread resizes it to `size` alike. */
	preview: Pixels;
	size: Size;
	styles: WeightedStyle[];
	strength: number;
	options: Readonly<Record<string, number>>;
}

/** What a thread running statistics bands reports to: each band's moments, what it publishes, its failure. */
export type BandCoordinator = Pick<BandReducer, 'reduce' | 'fail' | 'publish'>;

/** A statistics pass running on a painter's threads: tiles can follow it by id until it resolves. */
export interface StatsPass {
	id: number;
	stats: Promise<TileStats>;
}

/** A picture's tiles reading the statistics together on a painter's threads (see TilePainter.together). */
export interface TogetherPass {
	/** Each tile's pixels, in the order asked. */
	tiles: Promise<Float32Array>[];
	/** The whole image's statistics, once every tile has ended. */
	stats: Promise<TileStats>;
	/** Ends the tiles' waits for each other's moments: they end soon after, failing. */
	cancel(error: Error): void;
}

/** Paints one tile: RGB floats 0..255, out.width x out.height, row-major. */
export type TilePainter = {
	concurrency: number;
	paint(request: TileRequest): Promise<Float32Array>;
	/**
	 * Runs the bands of a statistics pass on the painter's threads at once, one each (see stats-bands.ts);
	 * with `depth`, the other threads take up to that many tiles each that follow the pass as it goes.
	 */
	statistics?(request: StatsRequest, bands: StatsBand[], depth?: number): StatsPass;
	/**
	 * Paints a picture's tiles all at once, each a band of the statistics pass they read together (see
	 * tileBands), sharing `shared` (see StyleModel.sharedValues).
	 */
	together?(
		requests: TileRequest[],
		bands: StatsBand[],
		shared: Float32Array,
		onLayer?: (layer: number) => void
	): TogetherPass;
};

/** Where each stage starts on the progress bar. */
const STAGE_START: Record<Stage, number> = {
	'loading-model': 0,
	'analysing-style': 0.3,
	painting: 0.4,
	finishing: 0.95
};

/**
 * The downscaled whole image that instance-norm statistics are read from: the working size up to
 * STATS_FULL_SIDE, 3/4 of it above, at most STATS_SIDE long. Measured on Hokusai's wave and Vermeer's
 * girl at 1152 px: tiles within 37.8 and 34.0 dB of a single pass with the 3/4 copy, 45.9 and 46.4 dB
 * with a full-size one, 33.2 and 31.2 dB at 5/8, for a pass that costs as many tiles as its pixels; small
 * pictures keep a full-size copy (magenta at 192 px: 35.6 dB, 30.8 at 3/4), which costs little there.
 */
const STATS_SCALE = 0.75;
const STATS_FULL_SIDE = 768;
const STATS_SIDE = 1024;
/**
 * The most tile pixels of one picture that read their statistics together (see tileBands): all of
 * them wait in memory at each norm, as followDepth's tiles do (1.3 MP of tiles grew the process by
 * 0.9 GB), on one thread when there is one; a 1 MP picture's tiles fit.
 */
const MAX_TOGETHER_PIXELS = 1.5e6;
/** Whole-image statistics kept for re-paints of the same picture (a few, each a few kilobytes). */
const STATS_CACHE_ENTRIES = 8;

export class StyleEngine {
	private readonly models = new Map<string, Promise<StyleModel>>();
	/** Whole-image statistics by model, preview, styles and settings, most recently used last. */
	private readonly statsCache = new Map<string, TileStats>();

	constructor(
		private readonly tf: typeof import('@tensorflow/tfjs'),
		private readonly catalog: Catalog,
		private readonly read: AssetReader
	) {}

	/** The loaded, warmed-up model; loaded once and shared by later jobs. */
	model(id: string): Promise<StyleModel> {
		let pending = this.models.get(id);
		if (!pending) {
			const model = createModel(findModel(this.catalog, id), this.tf);
			pending = model.load(this.read).then(async () => {
				await model.warmUp();
				return model;
			});
			pending.catch(() => this.models.delete(id));
			this.models.set(id, pending);
		}
		return pending;
	}

	/**
	 * The tile plan a job will use: tiles in working pixels (aligned to the networks' stride of 4, so
	 * each tile samples exactly where a single pass would), and the same tiles in output pixels for
	 * compositing. One tile for a single pass; `tileSize` is 0 then.
	 */
	plan(job: StylizeJob): { tiles: TilePlan; workTiles: Tile[]; work: Size; tileSize: number } {
		const { settings, content } = job;
		const { output } = settings;
		const work = workingSize(content.width, content.height, settings.workingSide);
		const tileSize = this.tileSize(settings.tile ?? 'auto');
		const single = tileSize === 0 || (work.width <= tileSize && work.height <= tileSize);
		const workPlan = single
			? planTiles(work.width, work.height, Math.max(work.width, work.height), 0)
			: planTiles(work.width, work.height, tileSize, overlapFor(tileSize), 4);
		return {
			tiles: toOutput(workPlan, work, output),
			workTiles: workPlan.tiles,
			work,
			tileSize: single ? 0 : tileSize
		};
	}

	async stylize(job: StylizeJob, control: JobControl = {}): Promise<Pixels> {
		const { settings } = job;
		const strength = validateStrength(settings.strength);
		const weights = job.styles.length ? normalizeStyleWeights(job.styles.map((s) => s.weight)) : [];
		const step = (stage: Stage, tiles?: Progress['tiles']) => {
			if (control.signal?.aborted) throw new CanceledError();
			const span = STAGE_START.finishing - STAGE_START.painting;
			const fraction = STAGE_START[stage] + (tiles ? (span * tiles.done) / tiles.total : 0);
			control.onProgress?.({ stage, fraction, tiles });
		};
		step('loading-model');
		const model = await this.model(settings.modelId);
		const needsStyle = takesStyleImage(model.card);
		if (needsStyle && job.styles.length === 0) {
			throw new EngineError(`${settings.modelId} needs a style image`);
		}
		step('analysing-style');
		const styles = needsStyle
			? await Promise.all(
					job.styles.map(async (s, i) => ({
						pixels: await this.styleAt(s.pixels, settings.styleSide),
						weight: weights[i]!
					}))
				)
			: [];
		const { tiles, workTiles, work } = this.plan(job);
		const options = settings.options ?? {};
		// Tiles take the whole image's statistics, follow a pass still reading them on other threads, or
		// read them together.
		const statistics =
			tiles.tiles.length > 1
				? await this.imageStats(model, job, styles, strength, options, control.painter, workTiles)
				: undefined;
		let stats = statistics && 'stats' in statistics ? statistics.stats : undefined;
		let follow = statistics && 'pass' in statistics ? statistics.pass.id : undefined;
		if (statistics && 'pass' in statistics) {
			statistics.pass.stats.then(
				(known) => {
					stats = known;
					follow = undefined;
				},
				// A failed pass fails the tiles that follow it, and so the job.
				() => undefined
			);
		}
		const { width, height } = settings.output;
		const output = new Uint8ClampedArray(width * height * 4).fill(255);
		const painter = control.painter ?? {
			concurrency: 1,
			paint: (request: TileRequest) => this.paintTile(request)
		};
		const request = (tile: Tile): TileRequest => ({
			modelId: settings.modelId,
			crop: this.crop(job.content, sourceRegion(workTiles[tile.index]!, work, job.content)),
			work: { width: workTiles[tile.index]!.width, height: workTiles[tile.index]!.height },
			origin: { x: workTiles[tile.index]!.x, y: workTiles[tile.index]!.y },
			out: { width: tile.width, height: tile.height },
			styles,
			strength,
			preserveColors: settings.preserveColors,
			options,
			...(stats ? { stats } : { follow })
		});

		// Tiles are painted `concurrency` at a time and composited in raster order (the feathering
		// blends each tile over the ones before it), so at most a few painted tiles wait in memory.
		const painted = new Map<number, Float32Array>();
		let next = 0;
		let composited = 0;
		const total = tiles.tiles.length;
		step('painting', { done: 0, total });
		const finished = (tile: Tile, rgb: Float32Array) => {
			painted.set(tile.index, rgb);
			while (painted.has(composited)) {
				compositeTile(output, width, tiles.tiles[composited]!, painted.get(composited)!);
				painted.delete(composited++);
			}
			if (!control.signal?.aborted) step('painting', { done: composited, total });
		};
		if (statistics && 'together' in statistics) {
			const { shared, remember } = statistics.together;
			const requests = tiles.tiles.map((tile) => request(tile));
			const bands = tileBands({ columns: tiles.columns, tiles: workTiles }, 4);
			// Progress by layer, since the tiles all end at about the same time.
			const layers = model.statsLayers ?? 0;
			const onLayer = (layer: number) => {
				if (control.signal?.aborted || !layers) return;
				const done = Math.min(layer + 1, layers);
				const span = STAGE_START.finishing - STAGE_START.painting;
				control.onProgress?.({
					stage: 'painting',
					fraction: STAGE_START.painting + (span * done) / (layers + 1),
					tiles: { done: 0, total },
					layers: { done, total: layers }
				});
			};
			const pass =
				control.painter?.together?.(requests, bands, shared, onLayer) ??
				this.together(requests, bands, shared, onLayer);
			// Canceled, the tiles stop waiting for each other and end on zeros: their graph runs cannot
			// be cut short without leaving their tensors behind, so this ends when a single pass would.
			const cancel = () => pass.cancel(new CanceledError());
			control.signal?.addEventListener('abort', cancel);
			if (control.signal?.aborted) cancel();
			try {
				// The statistics settle once every tile has ended, failing as the first tile that failed.
				await Promise.allSettled(
					pass.tiles.map((tile, i) => tile.then((rgb) => finished(tiles.tiles[i]!, rgb)))
				);
				const read = await pass.stats.catch((error: Error) => error);
				if (control.signal?.aborted) throw new CanceledError();
				if (read instanceof Error) throw read;
				remember(read);
			} finally {
				control.signal?.removeEventListener('abort', cancel);
			}
		} else {
			const worker = async () => {
				while (next < total) {
					if (control.signal?.aborted) return;
					const tile = tiles.tiles[next++]!;
					await yieldToEvents();
					if (control.signal?.aborted) return;
					finished(tile, await this.paintRecovering(painter, request(tile), control));
				}
			};
			// While a pass runs, the threads that follow it hold several tiles each (see followDepth).
			const following = statistics && 'pass' in statistics ? statistics.following : 0;
			await Promise.all(Array.from({ length: Math.min(painter.concurrency + following, total) }, worker));
		}
		step('finishing');
		control.onProgress?.({ stage: 'finishing', fraction: 1 });
		return { width, height, data: output };
	}

	private async paintRecovering(
		painter: TilePainter,
		request: TileRequest,
		control: JobControl
	): Promise<Float32Array> {
		for (let attempt = 0; ; attempt++) {
			try {
				return await painter.paint(request);
			} catch (error) {
				if (!control.recover || attempt >= MAX_RECOVERIES || control.signal?.aborted) throw error;
				await control.recover(error as Error);
			}
		}
	}

	/**
	 * Paints one tile (see TileRequest). A tile that follows a statistics pass reads its layers from
	 * `feed` (the painter thread's copy of what the pass has published) as its run reaches them.
	 */
	async paintTile(request: TileRequest, feed?: StatsFeed): Promise<Float32Array> {
		const model = await this.model(request.modelId);
		const tf = this.tf;
		const { crop, input } = this.tileInput(request);
		const styles = request.styles.map((s) => ({ image: toTensor(tf, s.pixels), weight: s.weight }));
		let result: tf.Tensor3D;
		try {
			const params = { styles, strength: request.strength, options: request.options, origin: request.origin };
			let painting: tf.Tensor3D;
			if (request.follow === undefined) painting = tf.tidy(() => model.stylize(input, params, request.stats));
			else if (feed && model.stylizeFollowing) painting = await model.stylizeFollowing(input, params, feed);
			else
				throw new EngineError(`${request.modelId} cannot paint a tile that follows a statistics pass here`);
			try {
				result = tf.tidy(() => finishTile(tf, model, request, crop, painting));
			} finally {
				painting.dispose();
			}
		} finally {
			tf.dispose([crop, input, ...styles.map((s) => s.image)]);
		}
		const data = (await result.data()) as Float32Array;
		result.dispose();
		return data;
	}

	/**
	 * Paints a picture's tiles all at once on this thread, each a band of the statistics pass they read
	 * together (see tileBands): each norm waits for every tile's moments over the part it owns, so the
	 * statistics are the full-size picture's and no pass over a copy runs first. A failed tile, or
	 * `cancel`, ends the others' waits.
	 */
	private together(
		requests: TileRequest[],
		bands: StatsBand[],
		shared: Float32Array,
		onLayer: (layer: number) => void
	): TogetherPass {
		const reducer = new BandReducer(requests.length, undefined, onLayer);
		let stats: TileStats | undefined;
		const tiles = requests.map(async (request, index) => {
			try {
				const painted = await this.paintBand(request, shared, {
					...bands[index]!,
					// The runs hand over to each other in microtasks: at each layer, one lets events in
					// (a cancel) first.
					reduce: async (layer, moments, count) => {
						const whole = await reducer.reduce(index, layer, moments, count);
						if (index === 0) await yieldToEvents();
						return whole;
					},
					publish: () => undefined
				});
				stats ??= painted.stats;
				return painted.rgb;
			} catch (error) {
				reducer.fail(error as Error);
				throw error;
			}
		});
		return {
			tiles,
			stats: Promise.allSettled(tiles).then((runs) => {
				const failed = runs.find((run): run is PromiseRejectedResult => run.status === 'rejected');
				if (failed) throw failed.reason;
				return stats!;
			}),
			cancel: (error) => reducer.fail(error)
		};
	}

	/** paintTile for one tile of a pass the tiles read together (see together), with the statistics. */
	async paintBand(
		request: TileRequest,
		shared: Float32Array,
		band: BandPass
	): Promise<{ rgb: Float32Array; stats: TileStats }> {
		const model = await this.model(request.modelId);
		if (!model.stylizeBand) throw new EngineError(`${request.modelId} cannot read statistics in tiles`);
		const tf = this.tf;
		const { crop, input } = this.tileInput(request);
		try {
			const { painting, stats } = await model.stylizeBand(input, shared, band);
			const result = tf.tidy(() => finishTile(tf, model, request, crop, painting));
			painting.dispose();
			const [rgb, read] = await Promise.all([result.data() as Promise<Float32Array>, readTileStats(stats)]);
			result.dispose();
			return { rgb, stats: read };
		} finally {
			tf.dispose([crop, input]);
		}
	}

	/** A tile's crop of the photo, and the crop at the size the network paints it. */
	private tileInput(request: TileRequest): { crop: tf.Tensor3D; input: tf.Tensor3D } {
		const tf = this.tf;
		return tf.tidy(() => {
			const crop = toTensor(tf, request.crop);
			const input = tf.image.resizeBilinear(crop, [request.work.height, request.work.width], false, true);
			return { crop, input };
		});
	}

	/** Frees every loaded model; later jobs load them again. */
	dispose(): void {
		for (const pending of this.models.values()) {
			void pending.then(
				(model) => {
					try {
						model.dispose();
					} catch {
						// A model whose GPU context is gone cannot free its textures; they went with it.
					}
				},
				() => undefined
			);
		}
		this.models.clear();
		this.statsCache.clear();
	}

	private tileSize(tile: number | 'auto'): number {
		if (tile !== 'auto') {
			if (!Number.isInteger(tile) || tile < 0 || (tile > 0 && tile < 64)) {
				throw new EngineError(
					`the tile size must be 0 (single pass), 'auto' or at least 64 px, got ${String(tile)}`
				);
			}
			return tile;
		}
		const backend = this.tf.getBackend() as TileDevice['backend'];
		const maxTextureSize =
			backend === 'webgl' ? this.tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE') : undefined;
		return chooseTileSize({ backend, maxTextureSize });
	}

	/** A style reference at its analysis size, as small pixels every tile can reuse. */
	private async styleAt(pixels: Pixels, side: number): Promise<Pixels> {
		const size = fitWithin(pixels.width, pixels.height, side);
		const tf = this.tf;
		const small = tf.tidy(() =>
			tf.image.resizeBilinear(toTensor(tf, pixels), [size.height, size.width], false, true).round()
		);
		const out = await toPixels(small);
		small.dispose();
		return out;
	}

	/**
	 * Statistics of the whole image. Kept per picture, styles and settings, so a re-paint (another
	 * strength is another key; a new tile size or output size is not) starts painting at once. A model
	 * that can has a small picture's tiles read them together (`together`: what they share, and where
	 * their statistics go once read). Otherwise they are read from a downscaled copy made without a
	 * full-size tensor; a model that can read them in bands does so on the painter's threads when it has
	 * several (see statsThreads), and the other threads paint tiles that follow the pass layer by layer,
	 * so the pass is not serial work in front of the tiles.
	 */
	private async imageStats(
		model: StyleModel,
		job: StylizeJob,
		styles: WeightedStyle[],
		strength: number,
		options: Readonly<Record<string, number>>,
		painter: TilePainter | undefined,
		workTiles: Tile[]
	): Promise<
		| { stats: TileStats }
		| { pass: StatsPass; following: number }
		| { together: { shared: Float32Array; remember(stats: TileStats): void } }
		| undefined
	> {
		if (!model.imageStats) return undefined;
		const { content } = job;
		const work = workingSize(content.width, content.height, job.settings.workingSide);
		const long = Math.max(work.width, work.height);
		const side = Math.min(
			STATS_SIDE,
			Math.max(Math.min(long, STATS_FULL_SIDE), Math.round(long * STATS_SCALE))
		);
		const size = workingSize(content.width, content.height, side);
		const small = fitWithin(content.width, content.height, Math.max(size.width, size.height));
		const preview: Pixels = {
			width: small.width,
			height: small.height,
			data: downscaleRgba(content.data, content.width, content.height, small.width, small.height)
		};
		const request: StatsRequest = { modelId: model.card.id, preview, size, styles, strength, options };
		// The statistics are a function of exactly these inputs, so equal keys give equal statistics.
		const key = JSON.stringify([
			model.card.id,
			fingerprint(preview.data),
			size,
			styles.map((s) => [fingerprint(s.pixels.data), s.pixels.width, s.weight]),
			strength,
			options
		]);
		const cached = this.statsCache.get(key);
		if (cached) {
			this.statsCache.delete(key);
			this.statsCache.set(key, cached);
			return { stats: cached };
		}
		const remember = (stats: TileStats) => {
			this.statsCache.set(key, stats);
			if (this.statsCache.size > STATS_CACHE_ENTRIES) {
				this.statsCache.delete(this.statsCache.keys().next().value!);
			}
		};
		// A picture small enough for all its tiles to wait in memory together reads its statistics in its
		// tiles: no pixel is read twice, and they are the full-size picture's. On the painter's threads, or
		// on this one when it paints on the CPU (a GPU's memory is kept for one tile at a time).
		const allTilePixels = workTiles.reduce((sum, t) => sum + t.width * t.height, 0);
		const canTogether = painter ? painter.together !== undefined : !isGpuBackend(this.tf.getBackend());
		if (model.stylizeBand && model.sharedValues && canTogether && allTilePixels <= MAX_TOGETHER_PIXELS) {
			const { preview: small, styles: images } = this.statsInputs(request);
			try {
				const shared = await model.sharedValues(small, { styles: images, strength, options });
				return { together: { shared, remember } };
			} finally {
				this.tf.dispose([small, ...images.map((s) => s.image)]);
			}
		}
		const tilePixels = Math.max(...workTiles.map((t) => t.width * t.height));
		const threads = painter?.statistics && model.imageStatsBand ? painter.concurrency : 0;
		const bands = threads > 1 ? planBands(size.height, statsThreads(threads)) : [];
		const depth =
			bands.length && threads > bands.length && model.stylizeFollowing
				? followDepth(size.width * size.height, tilePixels)
				: 0;
		if (bands.length > 1 || depth > 0) {
			const pass = painter!.statistics!(request, bands, depth);
			pass.stats.then(remember, () => undefined);
			// Each following thread holds `depth` tiles where it would hold one.
			return { pass, following: depth > 0 ? (threads - bands.length) * (depth - 1) : 0 };
		}
		const stats = await this.wholeStats(model, request);
		remember(stats);
		return { stats };
	}

	/** The statistics of a model that reads them in one pass over the whole preview. */
	private async wholeStats(model: StyleModel, request: StatsRequest): Promise<TileStats> {
		const { preview, styles } = this.statsInputs(request);
		try {
			const params = { styles, strength: request.strength, options: request.options };
			return await readTileStats(this.tf.tidy(() => model.imageStats!(preview, params)));
		} finally {
			this.tf.dispose([preview, ...styles.map((s) => s.image)]);
		}
	}

	/**
	 * Runs one band of a statistics pass spread over painter threads (see stats-bands.ts); `coordinator`
	 * answers its moments and hears at once when it fails, so that no band elsewhere waits for ever.
	 * Resolves with the statistics, the same in every band.
	 */
	async statsBand(request: StatsRequest, band: StatsBand, coordinator: BandCoordinator): Promise<TileStats> {
		try {
			const model = await this.model(request.modelId);
			if (!model.imageStatsBand)
				throw new EngineError(`${request.modelId} does not read statistics in bands`);
			const { preview, styles } = this.statsInputs(request);
			try {
				const params = { styles, strength: request.strength, options: request.options };
				const { rows, owned } = band;
				const whole = owned.start === 0 && owned.end >= request.size.height;
				const pass: BandPass = {
					rows,
					owned,
					publish: (item, values) => coordinator.publish(item, values),
					...(whole
						? {}
						: {
								reduce: (layer: number, moments: Float32Array, count: number) =>
									coordinator.reduce(band.index, layer, moments, count)
							})
				};
				return await readTileStats(await model.imageStatsBand(preview, params, pass));
			} finally {
				this.tf.dispose([preview, ...styles.map((s) => s.image)]);
			}
		} catch (error) {
			coordinator.fail(error as Error);
			throw error;
		}
	}

	/** A statistics request's preview at its analysis size and its styles, as tensors the caller frees. */
	private statsInputs(request: StatsRequest): {
		preview: tf.Tensor3D;
		styles: { image: tf.Tensor3D; weight: number }[];
	} {
		const tf = this.tf;
		return tf.tidy(() => ({
			preview: tf.image.resizeBilinear(
				toTensor(tf, request.preview),
				[request.size.height, request.size.width],
				false,
				true
			),
			styles: request.styles.map((s) => ({ image: toTensor(tf, s.pixels), weight: s.weight }))
		}));
	}

	private crop(content: Pixels, region: { x: number; y: number; width: number; height: number }): Pixels {
		const whole =
			region.x === 0 && region.y === 0 && region.width === content.width && region.height === content.height;
		return whole
			? content
			: { width: region.width, height: region.height, data: cropRgba(content.data, content.width, region) };
	}
}

/** A plan in working pixels, mapped to output pixels (its overlaps recomputed from the mapped tiles). */
function toOutput(plan: TilePlan, work: Size, output: Size): TilePlan {
	const x = (v: number) => Math.round((v * output.width) / work.width);
	const y = (v: number) => Math.round((v * output.height) / work.height);
	const mapped = plan.tiles.map((t) => ({
		...t,
		x: x(t.x),
		y: y(t.y),
		width: x(t.x + t.width) - x(t.x),
		height: y(t.y + t.height) - y(t.y)
	}));
	for (const tile of mapped) {
		const column = tile.index % plan.columns;
		const left = column > 0 ? mapped[tile.index - 1]! : null;
		const above = tile.index >= plan.columns ? mapped[tile.index - plan.columns]! : null;
		tile.overlapLeft = left ? left.x + left.width - tile.x : 0;
		tile.overlapTop = above ? above.y + above.height - tile.y : 0;
	}
	return { ...plan, width: output.width, height: output.height, tiles: mapped };
}

/** A painted tile at its output size, with strength and preserved colours applied, as 0..255 integers. */
function finishTile(
	tf: typeof import('@tensorflow/tfjs'),
	model: StyleModel,
	request: TileRequest,
	crop: tf.Tensor3D,
	painting: tf.Tensor3D
): tf.Tensor3D {
	const { width, height } = request.out;
	// Half-pixel centres (not aligned corners) everywhere: a tile's crop then samples exactly where
	// the whole image would, so tiles agree with a single pass.
	let out: tf.Tensor3D = tf.image.resizeBilinear(painting, [height, width], false, true);
	const sameSize = request.crop.width === width && request.crop.height === height;
	const original = sameSize ? crop : tf.image.resizeBilinear(crop, [height, width], false, true);
	if (!model.appliesStrength && request.strength < 1) {
		out = out.mul(request.strength).add(original.mul(1 - request.strength));
	}
	if (request.preserveColors) out = keepColors(tf, original, out);
	return out.clipByValue(0, 255).round() as tf.Tensor3D;
}

/** The photo's chroma with the painting's luma (see preserveColorsPixel in kernels/color). */
function keepColors(
	tf: typeof import('@tensorflow/tfjs'),
	photo: tf.Tensor3D,
	painted: tf.Tensor3D
): tf.Tensor3D {
	const weights = tf.tensor1d([...LUMA_WEIGHTS]);
	const luma = (image: tf.Tensor3D) => image.mul(weights).sum(-1, true);
	return photo.add(luma(painted).sub(luma(photo)));
}

/** RGBA pixels to an HxWx3 float tensor in 0..255. */
export function toTensor(tf: typeof import('@tensorflow/tfjs'), pixels: Pixels): tf.Tensor3D {
	// fromPixels wants a Uint8Array; a view over the same bytes avoids a copy.
	const data = new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength);
	return tf.tidy(() =>
		tf.browser.fromPixels({ data, width: pixels.width, height: pixels.height }, 3).toFloat()
	);
}

/** An HxWx3 tensor in 0..255 to opaque RGBA pixels. */
export async function toPixels(tensor: tf.Tensor3D): Promise<Pixels> {
	const [height, width] = tensor.shape;
	const rgb = await tensor.data();
	const data = new Uint8ClampedArray(width * height * 4);
	for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
		data[j] = rgb[i]!;
		data[j + 1] = rgb[i + 1]!;
		data[j + 2] = rgb[i + 2]!;
		data[j + 3] = 255;
	}
	return { width, height, data };
}

/** Lets cancel and newer-request messages in before the next long synchronous stage. */
function yieldToEvents(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 0));
}
