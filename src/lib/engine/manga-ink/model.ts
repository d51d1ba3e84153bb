// manga-ink: a procedural "manga look" with no weights. Ink lines from an XDoG edge stage, flat
// posterized tones, and screentone dots for the mid tones, on paper white; grayscale out. Every step is
// a tfjs op inside tf.tidy, so it runs on WebGPU, WebGL and wasm alike. The maths is defined (and unit
// tested) in kernels/manga.ts; the controls and their ranges are MANGA_OPTIONS there.
import type * as tf from '@tensorflow/tfjs';
import type { ModelCard } from '../../assets/catalog';
import { LUMA_WEIGHTS } from '../../kernels/color';
import {
	gaussianKernel1d,
	gaussianRadius,
	lineGrowth,
	lineSensitivity,
	MANGA_OPTIONS,
	type MangaOptions,
	SCREENTONE_ANGLE,
	SCREENTONE_SPACING,
	TONE_CURVE,
	TONE_SIGMA,
	validateMangaOptions,
	XDOG
} from '../../kernels/manga';
import type { StyleModel, StyleParams } from '../model';
import { warmUpWith } from '../readback';
import { type AssetReader, EngineError } from '../types';

export { MANGA_OPTIONS };

export interface Layers {
	lines: tf.Tensor3D;
	tones: tf.Tensor3D;
}

/** The three blurs of the luminance: XDoG's inner and outer Gaussian, and the tones' Gaussian. */
const BLUR_SIGMAS = [XDOG.sigma, XDOG.sigma * XDOG.k, TONE_SIGMA] as const;
/** One padding for all three: the widest radius (the narrower kernels are padded with zero weights). */
const BLUR_RADIUS = Math.max(...BLUR_SIGMAS.map(gaussianRadius));

export class MangaInkModel implements StyleModel {
	/** The engine mixes the photo back in for strength < 1. */
	readonly appliesStrength = false;
	/** One separable Gaussian per sigma, as a vertical depthwise filter [K,1,1,1]; made once, on first use. */
	private filters: tf.Tensor4D[] | null = null;

	constructor(
		readonly card: ModelCard,
		private readonly tf: typeof import('@tensorflow/tfjs')
	) {}

	/** Nothing to read: checks that the card is a procedural manga-ink card. */
	load(_read: AssetReader): Promise<void> {
		if (this.card.family !== 'manga-ink') {
			return Promise.reject(new EngineError(`${this.card.id}: not a manga-ink card`));
		}
		if (this.card.files.length > 0) {
			return Promise.reject(
				new EngineError(`${this.card.id}: manga-ink is procedural and has no files, the card lists some`)
			);
		}
		return Promise.resolve();
	}

	warmUp(): Promise<void> {
		return warmUpWith(() =>
			this.tf.tidy(() => this.stylize(this.tf.zeros([64, 64, 3]), { styles: [], strength: 1, options: {} }))
		);
	}

	/** Checked options with defaults filled in; EngineError names the option and its range. */
	options(options: Readonly<Record<string, number>>): MangaOptions {
		try {
			return validateMangaOptions(options);
		} catch (cause) {
			throw new EngineError(`${this.card.id}: ${(cause as Error).message}`);
		}
	}

	stylize(content: tf.Tensor3D, { options, origin }: StyleParams): tf.Tensor3D {
		const checked = this.options(options);
		const tf = this.tf;
		return tf.tidy(() => {
			const { lines, tones } = this.layers(content, checked, origin);
			// Paper white, then the tones, then the ink lines on top; the same value in R, G and B.
			// Copied to three channels by a [HW,1] x [1,3] product: tile, concat and broadcasts along the
			// channel axis are several times slower on wasm.
			const [height = 1, width = 1] = content.shape;
			const gray = tf.scalar(1).sub(tones).mul(tf.scalar(1).sub(lines)).mul(255);
			return gray
				.reshape([-1, 1])
				.matMul(tf.ones([1, 3]))
				.reshape([height, width, 3]) as tf.Tensor3D;
		});
	}

	/**
	 * The two layers of ink, each HxWx1 in 0..1 (1 = black): `lines` from the XDoG edge stage and
	 * `tones` (flat black, screentone, or none) from the posterized luminance.
	 */
	layers(
		content: tf.Tensor3D,
		{ lineWeight, toneDensity, levels }: MangaOptions,
		origin = { x: 0, y: 0 }
	): Layers {
		const tf = this.tf;
		const filters = this.blurFilters();
		return tf.tidy(() => {
			const [height = 1, width = 1] = content.shape;
			const weights = tf.tensor2d(LUMA_WEIGHTS.map((w) => [w / 255]));
			const luma = content.reshape([-1, 3]).matMul(weights).reshape([1, height, width, 1]) as tf.Tensor4D;
			// Separable Gaussian blurs as two depthwise passes each, over edges replicated outwards (not
			// zeros), so the frame of the picture is no edge.
			const padded = replicatePad(tf, luma, BLUR_RADIUS);
			const [inner, outer, smooth] = filters.map((vertical) => {
				const horizontal = vertical.reshape([1, -1, 1, 1]) as tf.Tensor4D;
				const across = tf.depthwiseConv2d(padded, horizontal, 1, 'valid');
				return tf.depthwiseConv2d(across, vertical, 1, 'valid').squeeze([0]) as tf.Tensor3D;
			}) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];

			// Ink lines: XDoG's edge term u = p (G_sigma - G_k_sigma), soft-thresholded below -eps.
			const u = inner.sub(outer).mul(XDOG.p * lineSensitivity(lineWeight));
			let lines: tf.Tensor3D = u.neg().sub(XDOG.epsilon).mul(XDOG.phi).tanh().relu();
			// Heavier lines: grow them by up to one pixel all round (lineWeight 1..2), then by up to another
			// along the axes (2..3), which together round the pen into an octagon instead of a square.
			const grow = lineGrowth(lineWeight);
			if (grow[0] > 0) lines = lines.maximum(tf.maxPool(lines, 3, 1, 'same').mul(grow[0]));
			if (grow[1] > 0) {
				const plus = tf.maxPool(lines, [3, 1], 1, 'same').maximum(tf.maxPool(lines, [1, 3], 1, 'same'));
				lines = lines.maximum(plus.mul(grow[1]));
			}

			// Flat tones: bins of the shaped luminance, 0 = black .. levels - 1 = paper (see toneLevel).
			const { black, white, gamma } = TONE_CURVE;
			const level = smooth
				.sub(black)
				.div(white - black)
				.clipByValue(0, 1)
				.pow(gamma)
				.mul(levels)
				.floor()
				.clipByValue(0, levels - 1);
			// Screentone coverage 1 - (1 - darkness)^toneDensity, where 1 - darkness is the tone itself.
			const coverage = tf.scalar(1).sub(level.div(levels - 1).pow(toneDensity)) as tf.Tensor3D;
			const screen = screentone(tf, height, width, coverage, SCREENTONE_SPACING, origin);
			const tones = tf.where(
				level.equal(0),
				tf.onesLike(screen),
				tf.where(level.equal(levels - 1), tf.zerosLike(screen), screen)
			);
			return { lines, tones };
		});
	}

	/** Frees the blur filters (the only tensors the model holds); a later stylize makes them again. */
	dispose(): void {
		this.filters?.forEach((filter) => filter.dispose());
		this.filters = null;
	}

	private blurFilters(): tf.Tensor4D[] {
		// Kept: the first use may come inside the engine's tidy, which must not free them.
		this.filters ??= BLUR_SIGMAS.map((sigma) => {
			const weights = gaussianKernel1d(sigma, BLUR_RADIUS);
			return this.tf.keep(this.tf.tensor4d(weights, [weights.length, 1, 1, 1]));
		});
		return this.filters;
	}
}

/**
 * Pads H and W of [1,H,W,C] by repeating the edge rows and columns `r` times (any size, even 1 px): a
 * gather of clamped indices along each axis, one native op on every backend.
 */
function replicatePad(tfjs: typeof import('@tensorflow/tfjs'), x: tf.Tensor4D, r: number): tf.Tensor4D {
	const [, h = 1, w = 1] = x.shape;
	const clamped = (n: number) =>
		tfjs.tensor1d(
			Array.from({ length: n + 2 * r }, (_, i) => Math.min(n - 1, Math.max(0, i - r))),
			'int32'
		);
	return x.gather(clamped(h), 1).gather(clamped(w), 2);
}

/**
 * Screentone ink (0..1), HxWx1, for a per-pixel coverage: a grid rotated by SCREENTONE_ANGLE with one
 * spot per cell, a black dot at the centre up to half coverage and a white hole at the corner above
 * (see halftoneSpot and screentoneInk in kernels/manga.ts, which this computes for every pixel at once).
 */
function screentone(
	tfjs: typeof import('@tensorflow/tfjs'),
	height: number,
	width: number,
	coverage: tf.Tensor3D,
	spacing: number,
	/** The tile's place in the whole image, so the dot grid of neighbouring tiles lines up. */
	origin: { x: number; y: number }
): tf.Tensor3D {
	const a = (SCREENTONE_ANGLE * Math.PI) / 180;
	const [cos, sin] = [Math.cos(a), Math.sin(a)];
	// Pixel centres in grid units: u = (x cos + y sin) / s, v = (-x sin + y cos) / s, each HxWx1.
	const xs = tfjs
		.range(origin.x, origin.x + width)
		.add(0.5)
		.reshape([1, width, 1]);
	const ys = tfjs
		.range(origin.y, origin.y + height)
		.add(0.5)
		.reshape([height, 1, 1]);
	const u = xs.mul(cos / spacing).add(ys.mul(sin / spacing));
	const v = ys.mul(cos / spacing).sub(xs.mul(sin / spacing));
	const distance = (du: tf.Tensor, dv: tf.Tensor) => du.square().add(dv.square()).sqrt().mul(spacing);
	const toCentre = distance(u.sub(u.floor()).sub(0.5), v.sub(v.floor()).sub(0.5));
	const toCorner = distance(u.sub(u.add(0.5).floor()), v.sub(v.add(0.5).floor()));
	const hole = coverage.greater(0.5);
	const area = tfjs.where(hole, tfjs.scalar(1).sub(coverage), coverage).relu();
	const radius = area.div(Math.PI).sqrt().mul(spacing);
	const disc = (d: tf.Tensor) => radius.sub(d).add(0.5).clipByValue(0, 1);
	return tfjs.where(hole, tfjs.scalar(1).sub(disc(toCorner)), disc(toCentre)) as tf.Tensor3D;
}
