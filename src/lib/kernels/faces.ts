// Face detection maths, pure (no tfjs, no DOM): BlazeFace's anchors and output decoding, the passes a
// photo is looked at in (the whole picture, then overlapping tiles for small faces), weighted
// non-maximum suppression that merges the passes, and feathered masks made from the detections.
import type { MaskPixels, Rect } from './brush';

export interface FacePoint {
	x: number;
	y: number;
}

/** One face: its box and keypoints in the pixels of the image it was found in, and its score 0..1. */
export interface Face {
	x: number;
	y: number;
	width: number;
	height: number;
	score: number;
	/** MediaPipe's six: the subject's right eye, left eye, nose tip, mouth centre, right ear, left ear. */
	keypoints: FacePoint[];
}

export const BLAZEFACE_INPUT = 256;
export const BLAZEFACE_KEYPOINTS = 6;
/** Values per anchor in the regressor output: box (dx, dy, w, h) and six (x, y) keypoints. */
export const BLAZEFACE_ROW = 4 + 2 * BLAZEFACE_KEYPOINTS;

/**
 * BlazeFace's anchor centres in input pixels, [x0, y0, x1, y1, ...]: MediaPipe's SSD anchors with fixed
 * size, after merging the layers that share a stride. For the 256 back model: strides 16 (2 anchors a
 * cell) then 32 (6 a cell), 512 + 384 = 896 anchors; y outer, then x, then the anchors of a cell.
 */
export function blazefaceAnchors(inputSize = BLAZEFACE_INPUT): Float32Array {
	const layers = [
		{ stride: inputSize / 16, perCell: 2 },
		{ stride: inputSize / 8, perCell: 6 }
	];
	const count = layers.reduce((n, l) => n + (inputSize / l.stride) ** 2 * l.perCell, 0);
	const out = new Float32Array(count * 2);
	let i = 0;
	for (const { stride, perCell } of layers) {
		const cells = inputSize / stride;
		for (let y = 0; y < cells; y++) {
			for (let x = 0; x < cells; x++) {
				for (let a = 0; a < perCell; a++) {
					out[i++] = stride * (x + 0.5);
					out[i++] = stride * (y + 0.5);
				}
			}
		}
	}
	return out;
}

/** A logistic of a logit clipped to ±100, as MediaPipe does, so extreme logits cannot overflow. */
export function sigmoid(logit: number): number {
	const clipped = Math.max(-100, Math.min(100, logit));
	return 1 / (1 + Math.exp(-clipped));
}

/**
 * Turns BlazeFace's raw outputs into faces in input pixels: `logits` one per anchor, `regressors`
 * BLAZEFACE_ROW per anchor (the 512 stride-16 rows first, then the 384 stride-32 rows, matching the anchors).
 * Keeps the faces scoring at least `minScore`.
 */
export function decodeBlazeface(
	logits: Float32Array,
	regressors: Float32Array,
	anchors: Float32Array,
	minScore: number
): Face[] {
	const count = anchors.length / 2;
	if (logits.length !== count || regressors.length !== count * BLAZEFACE_ROW) {
		throw new RangeError(
			`BlazeFace outputs do not match ${count} anchors (${logits.length} scores, ${regressors.length / BLAZEFACE_ROW} boxes)`
		);
	}
	const faces: Face[] = [];
	for (let i = 0; i < count; i++) {
		const score = sigmoid(logits[i]!);
		if (!(score >= minScore)) continue;
		const ax = anchors[i * 2]!;
		const ay = anchors[i * 2 + 1]!;
		const row = i * BLAZEFACE_ROW;
		const cx = ax + regressors[row]!;
		const cy = ay + regressors[row + 1]!;
		const w = regressors[row + 2]!;
		const h = regressors[row + 3]!;
		if (!(w > 0 && h > 0)) continue;
		const keypoints: FacePoint[] = [];
		for (let k = 0; k < BLAZEFACE_KEYPOINTS; k++) {
			keypoints.push({ x: ax + regressors[row + 4 + k * 2]!, y: ay + regressors[row + 5 + k * 2]! });
		}
		faces.push({ x: cx - w / 2, y: cy - h / 2, width: w, height: h, score, keypoints });
	}
	return faces;
}

/**
 * Whether the keypoints are laid out like a human face: eyes in the upper part of the box, then the nose,
 * then the mouth. BlazeFace also fires on animal faces (a cat scores 0.78), whose eyes sit lower in the box
 * and whose nose nearly meets the mouth; those are not people, so they must not count as one.
 */
export function humanFaceLayout(face: Face): boolean {
	const [right, left, nose, mouth] = face.keypoints;
	if (!right || !left || !nose || !mouth) return false;
	const y = (p: FacePoint) => (p.y - face.y) / face.height;
	const eyes = (y(right) + y(left)) / 2;
	return eyes <= MAX_EYE_LINE && eyes < y(nose) && y(nose) < y(mouth) && y(nose) <= MAX_NOSE_LINE;
}

/** From the layouts of human faces and cats on the labelled set (bench/faces.ts): human eye lines sit at
 * 0.26-0.34 of the box and noses at 0.43-0.62; a cat's at 0.41 and 0.69. */
const MAX_EYE_LINE = 0.37;
const MAX_NOSE_LINE = 0.66;

export function intersectionOverUnion(a: Rect, b: Rect): number {
	const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
	const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
	if (w <= 0 || h <= 0) return 0;
	const inter = w * h;
	return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * MediaPipe's weighted non-maximum suppression: the best face takes every face overlapping it by more
 * than `iou`, and the merged box and keypoints are their score-weighted mean (the best score stays). The
 * same face seen by several passes and neighbouring anchors becomes one, with a steadier box.
 */
export function weightedNonMaxSuppression(faces: readonly Face[], iou: number): Face[] {
	const left = [...faces].sort((a, b) => b.score - a.score);
	const out: Face[] = [];
	while (left.length > 0) {
		const best = left[0]!;
		const group = left.filter((f) => intersectionOverUnion(best, f) > iou || f === best);
		const total = group.reduce((s, f) => s + f.score, 0);
		const mean = (pick: (f: Face) => number) => group.reduce((s, f) => s + pick(f) * f.score, 0) / total;
		out.push({
			x: mean((f) => f.x),
			y: mean((f) => f.y),
			width: mean((f) => f.width),
			height: mean((f) => f.height),
			score: best.score,
			keypoints: best.keypoints.map((_, k) => ({
				x: mean((f) => f.keypoints[k]?.x ?? best.keypoints[k]!.x),
				y: mean((f) => f.keypoints[k]?.y ?? best.keypoints[k]!.y)
			}))
		});
		for (const f of group) left.splice(left.indexOf(f), 1);
	}
	return out;
}

/** A square window of the image the detector looks at, in image pixels (it may reach past the edges). */
export interface DetectionWindow {
	x: number;
	y: number;
	side: number;
}

export interface PassOptions {
	/** The largest grid of tiles (1: the whole picture only; 2: also 2x2 tiles; 3: also 3x3). */
	maxGrid: number;
	/** Tiles smaller than this many image pixels are not worth looking at (the detector's input is 256). */
	minTileSide: number;
	/** How much neighbouring tiles overlap, as a fraction of a tile, so a face on a seam is whole in one. */
	overlap: number;
}

export const DEFAULT_PASSES: PassOptions = { maxGrid: 2, minTileSide: 160, overlap: 0.25 };

/**
 * Where to look: first the whole image padded to a square (so faces are not squashed), then grids of
 * overlapping square tiles (2x2, 3x3, ...) while a tile stays at least `minTileSide` pixels, because the
 * back-camera model misses faces under about a twentieth of its input. Tiles are squares of the grid
 * cell's larger side, spread evenly from edge to edge.
 */
export function detectionWindows(
	width: number,
	height: number,
	options: PassOptions = DEFAULT_PASSES
): DetectionWindow[] {
	const long = Math.max(width, height);
	const windows: DetectionWindow[] = [{ x: (width - long) / 2, y: (height - long) / 2, side: long }];
	for (let grid = 2; grid <= options.maxGrid; grid++) {
		const side = Math.min(Math.ceil((long / grid) * (1 + options.overlap)), Math.min(width, height) || long);
		if (long / grid < options.minTileSide) break;
		const along = (extent: number): number[] => {
			const n = Math.max(1, Math.ceil((extent - side) / (side * (1 - options.overlap))) + 1);
			if (n === 1 || extent <= side) return [(extent - side) / 2];
			return Array.from({ length: n }, (_, i) => Math.round(((extent - side) * i) / (n - 1)));
		};
		for (const y of along(height)) for (const x of along(width)) windows.push({ x, y, side });
	}
	return windows;
}

/** Faces found in a window's `inputSize` input, moved into image pixels. */
export function windowToImage(
	faces: readonly Face[],
	window: DetectionWindow,
	inputSize = BLAZEFACE_INPUT
): Face[] {
	const k = window.side / inputSize;
	const point = (p: FacePoint): FacePoint => ({ x: window.x + p.x * k, y: window.y + p.y * k });
	return faces.map((f) => ({
		...point(f),
		width: f.width * k,
		height: f.height * k,
		score: f.score,
		keypoints: f.keypoints.map(point)
	}));
}

/**
 * Drops faces cut by a tile's edge (they are found whole by a larger window) and faces that lie mostly in
 * the padding outside the image.
 */
export function keepWhole(
	faces: readonly Face[],
	window: DetectionWindow,
	width: number,
	height: number
): Face[] {
	const margin = window.side * 0.02;
	const cutByEdge = (f: Face) =>
		(f.x < window.x + margin && window.x > 0) ||
		(f.y < window.y + margin && window.y > 0) ||
		(f.x + f.width > window.x + window.side - margin && window.x + window.side < width) ||
		(f.y + f.height > window.y + window.side - margin && window.y + window.side < height);
	const inside = (f: Face) => {
		const w = Math.min(f.x + f.width, width) - Math.max(f.x, 0);
		const h = Math.min(f.y + f.height, height) - Math.max(f.y, 0);
		return w > 0 && h > 0 && (w * h) / (f.width * f.height) >= 0.5;
	};
	return faces.filter((f) => inside(f) && !cutByEdge(f));
}

/** Faces found at one size, moved to another (e.g. from the downscaled copy to the full photo). */
export function scaleFaces(faces: readonly Face[], k: number): Face[] {
	return faces.map((f) => ({
		x: f.x * k,
		y: f.y * k,
		width: f.width * k,
		height: f.height * k,
		score: f.score,
		keypoints: f.keypoints.map((p) => ({ x: p.x * k, y: p.y * k }))
	}));
}

export interface FaceMaskOptions {
	/** How much larger than the detector's box the protected oval is (the box covers eyes to mouth). */
	grow: number;
	/** The soft edge, as a fraction of the oval's radius, over which the mask fades from 255 to 0. */
	feather: number;
	/** 'faces' is white on the faces; 'protect' is white everywhere else (the faces are kept). */
	mode: 'faces' | 'protect';
}

export const DEFAULT_FACE_MASK: FaceMaskOptions = { grow: 1.5, feather: 0.25, mode: 'faces' };

/**
 * A grey mask (MaskPixels, RGBA) with a feathered oval over each face: fully 255 inside the grown box's
 * inscribed oval shrunk by the feather, fading smoothly to 0 at the oval's edge. The oval reaches up a
 * little more than down, to take the forehead and hair the detector's box leaves out.
 */
export function faceMask(
	width: number,
	height: number,
	faces: readonly Rect[],
	options: FaceMaskOptions = DEFAULT_FACE_MASK
): MaskPixels {
	const value = new Float32Array(width * height);
	for (const f of faces) {
		const rx = (f.width * options.grow) / 2;
		const ry = (f.height * options.grow * 1.15) / 2;
		const cx = f.x + f.width / 2;
		const cy = f.y + f.height / 2 - f.height * 0.1;
		if (!(rx > 0 && ry > 0)) continue;
		const inner = Math.max(0, 1 - options.feather);
		const x0 = Math.max(0, Math.floor(cx - rx));
		const x1 = Math.min(width - 1, Math.ceil(cx + rx));
		const y0 = Math.max(0, Math.floor(cy - ry));
		const y1 = Math.min(height - 1, Math.ceil(cy + ry));
		for (let y = y0; y <= y1; y++) {
			const dy = (y + 0.5 - cy) / ry;
			for (let x = x0; x <= x1; x++) {
				const dx = (x + 0.5 - cx) / rx;
				const r = Math.sqrt(dx * dx + dy * dy);
				if (r >= 1) continue;
				const t = r <= inner ? 1 : 1 - smoothstep((r - inner) / (1 - inner));
				const i = y * width + x;
				if (t > value[i]!) value[i] = t;
			}
		}
	}
	const data = new Uint8ClampedArray(width * height * 4);
	for (let i = 0; i < value.length; i++) {
		const v = Math.round((options.mode === 'faces' ? value[i]! : 1 - value[i]!) * 255);
		data[i * 4] = v;
		data[i * 4 + 1] = v;
		data[i * 4 + 2] = v;
		data[i * 4 + 3] = 255;
	}
	return { width, height, data };
}

function smoothstep(t: number): number {
	const c = Math.max(0, Math.min(1, t));
	return c * c * (3 - 2 * c);
}
