// The maths of the manga-ink renderer (src/lib/engine/manga-ink/model.ts), pure: no tfjs, no DOM.
// The model does the same arithmetic with tensor ops; the scalar versions here define it and let the
// unit tests check it: Gaussian weights for the XDoG edge stage, the posterized tones, the screentone
// cell geometry, and the user's options with their ranges.

export interface MangaOptionRange {
	readonly min: number;
	readonly max: number;
	readonly default: number;
	/** Whole numbers only. */
	readonly integer: boolean;
	/** What the option does, for people and for the studio's tooltips. */
	readonly description: string;
}

/**
 * The manga-ink controls (`StyleParams.options` / `StylizeSettings.options`); absent ones take the default.
 * - `lineWeight`: how thick and dark the ink lines are. It scales the XDoG sharpening factor p by its
 *   square root (so fainter edges get ink too and every line darkens) and, above 1, thickens the lines
 *   by up to two pixels (see lineSensitivity and lineGrowth).
 * - `toneDensity`: how much of a screentone area the dots cover. A mid tone of darkness d is printed with
 *   coverage 1 - (1 - d)^toneDensity: 1 prints the tone's own darkness, higher a darker, denser tone,
 *   lower a lighter, sparser one; the default 0.6 keeps the light tones light, as screentones are.
 *   The dot pitch stays SCREENTONE_SPACING.
 * - `levels`: how many flat tones the luminance is posterized into, black and paper white included:
 *   2 is pure black and white, 3..6 add 1..4 screentones between them.
 */
export const MANGA_OPTIONS = {
	lineWeight: {
		min: 0.25,
		max: 3,
		default: 1,
		integer: false,
		description: 'thickness and darkness of the ink lines'
	},
	toneDensity: {
		min: 0.25,
		max: 3,
		default: 0.6,
		integer: false,
		description: 'how much of a screentone area the dots cover'
	},
	levels: {
		min: 2,
		max: 6,
		default: 4,
		integer: true,
		description: 'number of flat tones, black and white included'
	}
} as const satisfies Record<string, MangaOptionRange>;

export type MangaOptionName = keyof typeof MANGA_OPTIONS;
export type MangaOptions = Record<MangaOptionName, number>;

const OPTION_NAMES = Object.keys(MANGA_OPTIONS) as MangaOptionName[];

/** The options with defaults filled in; throws RangeError naming the option and its range. */
export function validateMangaOptions(options: Readonly<Record<string, number>>): MangaOptions {
	for (const name of Object.keys(options)) {
		if (!(name in MANGA_OPTIONS)) {
			throw new RangeError(`unknown option "${name}" (the options are ${OPTION_NAMES.join(', ')})`);
		}
	}
	const result = {} as MangaOptions;
	for (const name of OPTION_NAMES) {
		const range: MangaOptionRange = MANGA_OPTIONS[name];
		const value = options[name] ?? range.default;
		const ok =
			typeof value === 'number' &&
			Number.isFinite(value) &&
			value >= range.min &&
			value <= range.max &&
			(!range.integer || Number.isInteger(value));
		if (!ok) {
			const kind = range.integer ? 'a whole number' : 'a number';
			throw new RangeError(`${name} must be ${kind} from ${range.min} to ${range.max}, got ${String(value)}`);
		}
		result[name] = value;
	}
	return result;
}

/**
 * The XDoG edge stage (Winnemöller et al. 2012) on luminance in 0..1. XDoG sharpens the image as
 * S = (1 + p) G_sigma - p G_(k sigma) = G_sigma + p (G_sigma - G_(k sigma)) and soft-thresholds it with
 * T(u) = 1 for u >= eps, 1 + tanh(phi (u - eps)) below. The renderer thresholds only the edge term
 * u = p (G_sigma - G_(k sigma)), which is 0 on flat areas of any brightness, so the lines carry the
 * outlines and the posterized tones carry the shading: ink = 1 - T(u) with threshold -eps (see xdogInk).
 */
export const XDOG = {
	/** Inner Gaussian, in pixels of the working image. */
	sigma: 1,
	/** The outer Gaussian is k times wider; 1.6 approximates a Laplacian of Gaussian (Marr-Hildreth). */
	k: 1.6,
	/** Sharpening factor p at lineWeight 1 (see lineSensitivity). */
	p: 24,
	/** Edge terms below -eps become ink (a step of contrast 1 peaks near -0.11 p). */
	epsilon: 0.3,
	/** Softness of the threshold: higher gives harder line edges. */
	phi: 5
} as const;

/** Blur of the luminance that the tones are posterized from, so single noisy pixels do not flip tone. */
export const TONE_SIGMA = 1.5;

/** Screentone grid rotation, degrees: 45 is the classic angle, least visible as a pattern. */
export const SCREENTONE_ANGLE = 45;

/** Half-width in pixels that holds a Gaussian's weight to within 0.3 %. */
export function gaussianRadius(sigma: number): number {
	if (!Number.isFinite(sigma) || sigma <= 0) throw new RangeError('sigma must be a positive number');
	return Math.max(1, Math.ceil(3 * sigma));
}

/**
 * Sampled 1-D Gaussian weights, 2 * radius + 1 of them, summing to 1. A radius larger than the
 * Gaussian's own pads with near-zero weights, so kernels of several widths can share one length.
 */
export function gaussianKernel1d(sigma: number, radius = gaussianRadius(sigma)): number[] {
	gaussianRadius(sigma);
	if (!Number.isInteger(radius) || radius < 0) throw new RangeError('radius must be a whole number >= 0');
	const weights: number[] = [];
	for (let i = -radius; i <= radius; i++) weights.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
	const total = weights.reduce((sum, w) => sum + w, 0);
	return weights.map((w) => w / total);
}

/**
 * The factor on XDoG's p for a lineWeight: sqrt, so heavier lines pick up somewhat fainter edges (and
 * lighter ones drop them) without turning photo noise into ink; the thickness comes from lineGrowth.
 */
export function lineSensitivity(lineWeight: number): number {
	return Math.sqrt(lineWeight);
}

/**
 * How strongly the lines grow by a pixel, twice over: [0..1 for lineWeight 1..2, 0..1 for 2..3]; none
 * at 1 and below.
 */
export function lineGrowth(lineWeight: number): [number, number] {
	const share = (amount: number) => Math.min(1, Math.max(0, amount));
	return [share(lineWeight - 1), share(lineWeight - 2)];
}

/** Ink (0..1) from an XDoG edge term u = p (G_sigma - G_(k sigma)): 1 - T(u) with threshold -eps. */
export function xdogInk(u: number, epsilon: number = XDOG.epsilon, phi: number = XDOG.phi): number {
	return Math.max(0, Math.tanh(phi * (-u - epsilon)));
}

/**
 * How luminance is shaped before it is binned into tones: a levels adjustment (`black` and below prints
 * as black, `white` and above as paper) and then a power under 1, which widens the light bins. So paper
 * white and the light tones take more of the picture, deep shadows go solid black, as in manga.
 */
export const TONE_CURVE = { black: 0.1, white: 0.85, gamma: 0.6 } as const;

/** Luminance 0..1 through TONE_CURVE, 0..1. */
export function toneCurve(luminance: number): number {
	const { black, white, gamma } = TONE_CURVE;
	return Math.pow(Math.min(1, Math.max(0, (luminance - black) / (white - black))), gamma);
}

/**
 * The flat tone level (0 = black .. levels - 1 = paper white) of a luminance in 0..1: equal-width bins
 * of toneCurve(luminance).
 */
export function toneLevel(luminance: number, levels: number): number {
	return Math.min(levels - 1, Math.floor(toneCurve(luminance) * levels));
}

/** The darkness (0 = paper, 1 = black) that a tone level stands for. */
export function levelDarkness(level: number, levels: number): number {
	return 1 - level / (levels - 1);
}

/** The share of a screentone area the dots cover for a tone of darkness 0..1 (see toneDensity). */
export function screentoneCoverage(darkness: number, toneDensity: number): number {
	return 1 - Math.pow(1 - darkness, toneDensity);
}

/**
 * Screentone dot pitch, in pixels of the working image: fixed like the pen's width (XDOG.sigma), so a
 * bigger working side gives finer tone, and every tile of a tiled image gets the same screen.
 */
export const SCREENTONE_SPACING = 5;

/**
 * The spot that prints a coverage in one cell of pitch `spacing`: up to half coverage, a black dot at
 * the cell centre; above, the dots have merged and a white hole at the cell corner is left. Both have
 * area coverage * spacing^2 (resp. (1 - coverage) * spacing^2), so the printed share is exact; the
 * largest radius, spacing * sqrt(1/(2 pi)) = 0.4 spacing, stays inside the cell.
 */
export function halftoneSpot(coverage: number, spacing: number): { radius: number; hole: boolean } {
	const hole = coverage > 0.5;
	const area = hole ? 1 - coverage : coverage;
	return { radius: spacing * Math.sqrt(Math.max(0, area) / Math.PI), hole };
}

/**
 * Where pixel (x, y) (its centre, x + 0.5, y + 0.5) lies in the screentone grid rotated by `angleDeg`:
 * the offsets, in pixels, from the nearest cell centre (`centre`) and the nearest cell corner (`corner`).
 */
export function cellOffsets(
	x: number,
	y: number,
	spacing: number,
	angleDeg: number = SCREENTONE_ANGLE
): { centre: [number, number]; corner: [number, number] } {
	const [u, v] = rotatedCellCoordinates(x, y, spacing, angleDeg);
	const centre = (t: number) => (t - Math.floor(t) - 0.5) * spacing;
	const corner = (t: number) => (t - Math.floor(t + 0.5)) * spacing;
	return { centre: [centre(u), centre(v)], corner: [corner(u), corner(v)] };
}

/** Pixel centre (x + 0.5, y + 0.5) in rotated grid units (one unit per cell). */
export function rotatedCellCoordinates(
	x: number,
	y: number,
	spacing: number,
	angleDeg: number = SCREENTONE_ANGLE
): [number, number] {
	const a = (angleDeg * Math.PI) / 180;
	const [cos, sin] = [Math.cos(a), Math.sin(a)];
	const px = x + 0.5;
	const py = y + 0.5;
	return [(px * cos + py * sin) / spacing, (-px * sin + py * cos) / spacing];
}

/** Ink 0..1 of a disc edge of `radius` at `distance`, anti-aliased over one pixel. */
export function discInk(distance: number, radius: number): number {
	return Math.min(1, Math.max(0, radius - distance + 0.5));
}

/** The screentone's ink (0..1) at pixel (x, y) for a coverage: the scalar twin of the model's tensor code. */
export function screentoneInk(
	x: number,
	y: number,
	coverage: number,
	spacing: number,
	angleDeg: number = SCREENTONE_ANGLE
): number {
	const { radius, hole } = halftoneSpot(coverage, spacing);
	const { centre, corner } = cellOffsets(x, y, spacing, angleDeg);
	return hole ? 1 - discInk(Math.hypot(...corner), radius) : discInk(Math.hypot(...centre), radius);
}
