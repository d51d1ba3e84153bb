// Face detection maths, pure (no tfjs, no DOM): BlazeFace's anchors and output decoding, the passes a
// photo is looked at in (the whole picture, then a larger copy of it for small faces), weighted
// non-maximum suppression that merges the passes, and feathered masks made from the detections.
import type { Transform } from '../document/types';
import { layerToDocument, type MaskPixels, type Rect } from './brush';

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

/** BlazeFace's two output layers: anchors every 16 input pixels (2 a cell), then every 32 (6 a cell). */
const BLAZEFACE_LAYERS = [
	{ stride: 16, perCell: 2 },
	{ stride: 32, perCell: 6 }
] as const;
/** The network is fully convolutional: it takes any input whose sides are multiples of its coarsest stride. */
export const BLAZEFACE_STRIDE = 32;

/**
 * BlazeFace's anchor centres in input pixels, [x0, y0, x1, y1, ...], for an input of `width` x `height`
 * (multiples of 32): MediaPipe's SSD anchors with fixed size, after merging the layers that share a
 * stride. At 256x256, 512 + 384 = 896 anchors; each layer in turn, y outer, then x, then the anchors of
 * a cell (the order of the network's outputs, reshaped).
 */
export function blazefaceAnchors(width = BLAZEFACE_INPUT, height = width): Float32Array {
	const count = BLAZEFACE_LAYERS.reduce(
		(n, l) => n + (width / l.stride) * (height / l.stride) * l.perCell,
		0
	);
	const out = new Float32Array(count * 2);
	let i = 0;
	for (const { stride, perCell } of BLAZEFACE_LAYERS) {
		for (let y = 0; y < height / stride; y++) {
			for (let x = 0; x < width / stride; x++) {
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
 * BLAZEFACE_ROW per anchor (the stride-16 rows first, then the stride-32 rows, matching the anchors).
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

/**
 * The smallest face BlazeFace finds reliably, in input pixels (score 0.84 and up; at 14 px it scores under
 * 0.75): the astronaut's face pasted at sizes 8 to 96 into a 256 input.
 */
export const SMALLEST_FACE = 16;
/**
 * The long side of the second look, for small faces: faces from SMALLEST_FACE / SMALL_FACES_SIDE of the
 * picture's long side up (1/32; the 2x2 tiles of 5/8 of the side it replaced went down to 1/26), at 4
 * times the work of the first look for a square photo (the tiles were 4 looks however shaped). 448 was
 * the smallest side that counted as many labelled faces as the tiles and is about 20 ms faster at 1 MP,
 * but 512 finds far more of the small faces of a group photo (recall 0.83 against 0.52 in bench/faces.ts,
 * which measures 448 beside it): a face left unfound is a person nobody is asked about, and one that
 * Protect faces leaves unprotected.
 */
export const SMALL_FACES_SIDE = 512;

/**
 * One look at the whole picture, scaled by `scale` (input pixels per picture pixel) with its top left at
 * (`offsetX`, `offsetY`) of an input of `inputWidth` x `inputHeight`, black around it. 'bilinear': sampled
 * corner to corner from a square of the picture's long side centred on it (as tfjs cropAndResize does; the
 * threshold was chosen on it: averaging instead lifts noise to face scores). 'box': averaged down, for the
 * larger look, where averaging is what keeps cats and noise under the threshold.
 */
export interface DetectionPass {
	resample: 'bilinear' | 'box';
	scale: number;
	offsetX: number;
	offsetY: number;
	inputWidth: number;
	inputHeight: number;
}

/**
 * Where to look. First the picture padded to a square at the detector's own input, as it was trained:
 * faces from a sixteenth of the picture up, to nearly all of it. Then, only when that look shrank the
 * picture (so faces too small for it, but at least SMALLEST_FACE pixels in the picture, were lost), the
 * picture again with its long side at `smallFacesSide` (at most its own size; the input padded to multiples
 * of 32), which finds the small faces of a group photo: the network is fully convolutional, so one larger
 * input costs what tiles of it would, without their overlap. `smallFacesSide` 0: the first look only.
 */
export function detectionPasses(
	width: number,
	height: number,
	smallFacesSide = SMALL_FACES_SIDE
): DetectionPass[] {
	const long = Math.max(width, height);
	const scale = BLAZEFACE_INPUT / long;
	const passes: DetectionPass[] = [
		{
			resample: 'bilinear',
			scale,
			offsetX: ((long - width) / 2) * scale,
			offsetY: ((long - height) / 2) * scale,
			inputWidth: BLAZEFACE_INPUT,
			inputHeight: BLAZEFACE_INPUT
		}
	];
	const small = Math.min(long, smallFacesSide);
	if (long > BLAZEFACE_INPUT && small > BLAZEFACE_INPUT) {
		const input = (n: number) =>
			Math.ceil(Math.round((n * small) / long) / BLAZEFACE_STRIDE) * BLAZEFACE_STRIDE;
		passes.push({
			resample: 'box',
			scale: small / long,
			offsetX: 0,
			offsetY: 0,
			inputWidth: input(width),
			inputHeight: input(height)
		});
	}
	return passes;
}

/** The picture's size in a box pass (rounded to whole pixels). */
export function boxSize(
	width: number,
	height: number,
	pass: DetectionPass
): { width: number; height: number } {
	return {
		width: Math.max(1, Math.round(width * pass.scale)),
		height: Math.max(1, Math.round(height * pass.scale))
	};
}

/**
 * A pass's input as RGB floats 0..255, [inputHeight, inputWidth, 3]: the RGBA picture sampled (bilinear)
 * or already averaged down to the pass's size (box; see boxSize), black outside it.
 */
export function passInput(
	data: Uint8ClampedArray,
	width: number,
	height: number,
	pass: DetectionPass
): Float32Array {
	const { inputWidth, inputHeight } = pass;
	const out = new Float32Array(inputWidth * inputHeight * 3);
	if (pass.resample === 'box') {
		for (let y = 0; y < Math.min(height, inputHeight); y++) {
			for (let x = 0; x < Math.min(width, inputWidth); x++) {
				const s = (y * width + x) * 4;
				const o = (y * inputWidth + x) * 3;
				out[o] = data[s]!;
				out[o + 1] = data[s + 1]!;
				out[o + 2] = data[s + 2]!;
			}
		}
		return out;
	}
	// Picture coordinates of input pixel i: start + i * step, the square's corners on the input's corners.
	const side = inputWidth / pass.scale;
	const step = inputWidth > 1 ? (side - 1) / (inputWidth - 1) : 0;
	const startX = -pass.offsetX / pass.scale;
	const startY = -pass.offsetY / pass.scale;
	for (let i = 0; i < inputHeight; i++) {
		const sy = startY + i * step;
		if (sy < 0 || sy > height - 1) continue;
		const y0 = Math.floor(sy);
		const y1 = Math.min(height - 1, y0 + 1);
		const fy = sy - y0;
		for (let j = 0; j < inputWidth; j++) {
			const sx = startX + j * step;
			if (sx < 0 || sx > width - 1) continue;
			const x0 = Math.floor(sx);
			const x1 = Math.min(width - 1, x0 + 1);
			const fx = sx - x0;
			const a = (y0 * width + x0) * 4;
			const b = (y0 * width + x1) * 4;
			const c = (y1 * width + x0) * 4;
			const d = (y1 * width + x1) * 4;
			const o = (i * inputWidth + j) * 3;
			for (let k = 0; k < 3; k++) {
				const top = data[a + k]! + (data[b + k]! - data[a + k]!) * fx;
				const bottom = data[c + k]! + (data[d + k]! - data[c + k]!) * fx;
				out[o + k] = top + (bottom - top) * fy;
			}
		}
	}
	return out;
}

/** Faces found in a pass's input, moved into the picture's pixels. */
export function passToPicture(faces: readonly Face[], pass: DetectionPass): Face[] {
	const point = (p: FacePoint): FacePoint => ({
		x: (p.x - pass.offsetX) / pass.scale,
		y: (p.y - pass.offsetY) / pass.scale
	});
	return faces.map((f) => ({
		...point(f),
		width: f.width / pass.scale,
		height: f.height / pass.scale,
		score: f.score,
		keypoints: f.keypoints.map(point)
	}));
}

/** Drops faces that lie mostly in the black padding outside the picture (`width` x `height`). */
export function insidePicture(faces: readonly Face[], width: number, height: number): Face[] {
	return faces.filter((f) => {
		const w = Math.min(f.x + f.width, width) - Math.max(f.x, 0);
		const h = Math.min(f.y + f.height, height) - Math.max(f.y, 0);
		return w > 0 && h > 0 && (w * h) / (f.width * f.height) >= 0.5;
	});
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

/**
 * Faces found in a picture (in its own pixels) as boxes in document pixels, where the picture's layer shows
 * them: `k` layer pixels per picture pixel (a layer may hold a copy of another size), then the layer's
 * transform. A rotated face becomes the upright box around it.
 */
export function facesInDocument(faces: readonly Rect[], transform: Transform, k = 1): Rect[] {
	return faces.map((f) => {
		const corners = [
			{ x: f.x, y: f.y },
			{ x: f.x + f.width, y: f.y },
			{ x: f.x, y: f.y + f.height },
			{ x: f.x + f.width, y: f.y + f.height }
		].map((p) => layerToDocument(transform, { x: p.x * k, y: p.y * k }));
		const xs = corners.map((c) => c.x);
		const ys = corners.map((c) => c.y);
		const x = Math.min(...xs);
		const y = Math.min(...ys);
		return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
	});
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
