// The face kernels: BlazeFace anchors and decoding, the human-layout check, weighted NMS, the detection
// passes and their inputs, and the feathered masks made from faces.
import { describe, expect, it } from 'vitest';
import {
	BLAZEFACE_ROW,
	blazefaceAnchors,
	decodeBlazeface,
	detectionPasses,
	type Face,
	faceMask,
	facesInDocument,
	humanFaceLayout,
	insidePicture,
	intersectionOverUnion,
	passInput,
	passToPicture,
	scaleFaces,
	sigmoid,
	weightedNonMaxSuppression
} from '../../src/lib/kernels/faces';

/** A face box with keypoints where a person's are: eyes at 0.3, nose at 0.5, mouth at 0.7 of the box. */
function face(x: number, y: number, side: number, score: number): Face {
	const at = (fx: number, fy: number) => ({ x: x + fx * side, y: y + fy * side });
	return {
		x,
		y,
		width: side,
		height: side,
		score,
		keypoints: [at(0.3, 0.3), at(0.7, 0.3), at(0.5, 0.5), at(0.5, 0.7), at(0.05, 0.4), at(0.95, 0.4)]
	};
}

const logit = (p: number) => Math.log(p / (1 - p));

describe('blazefaceAnchors', () => {
	it('makes 896 anchors: 16x16 cells of 2 at stride 16, then 8x8 cells of 6 at stride 32', () => {
		const a = blazefaceAnchors();
		expect(a.length).toBe(896 * 2);
		expect([a[0], a[1], a[2], a[3], a[4], a[5]]).toEqual([8, 8, 8, 8, 24, 8]);
		// Anchor 512 is the first of the stride-32 layer; its six share one centre.
		expect([a[1024], a[1025], a[1034], a[1035], a[1036]]).toEqual([16, 16, 16, 16, 48]);
		expect([a[1790], a[1791]]).toEqual([240, 240]);
	});

	it('covers a larger, non-square input in the order of the reshaped outputs', () => {
		const a = blazefaceAnchors(416, 288);
		const stride16 = 26 * 18 * 2;
		expect(a.length).toBe((stride16 + 13 * 9 * 6) * 2);
		// The last stride-16 anchor sits in the bottom right cell; the stride-32 layer starts again at the top.
		expect([a[stride16 * 2 - 2], a[stride16 * 2 - 1]]).toEqual([408, 280]);
		expect([a[stride16 * 2], a[stride16 * 2 + 1]]).toEqual([16, 16]);
	});
});

describe('decodeBlazeface', () => {
	const anchors = blazefaceAnchors();
	const logits = new Float32Array(896).fill(-10);
	const boxes = new Float32Array(896 * BLAZEFACE_ROW);

	it('places a box and keypoints relative to their anchor, with the sigmoid of the logit as score', () => {
		logits[3] = logit(0.9); // anchor 3: centre (24, 8)
		boxes.set([2, 4, 20, 30, -5, -6, 5, -6, 0, 0, 0, 5, -9, -2, 9, -2], 3 * BLAZEFACE_ROW);
		const [found, ...rest] = decodeBlazeface(logits, boxes, anchors, 0.5);
		expect(rest).toEqual([]);
		expect(found!.score).toBeCloseTo(0.9, 5);
		expect([found!.x, found!.y, found!.width, found!.height]).toEqual([16, -3, 20, 30]);
		expect(found!.keypoints[0]).toEqual({ x: 19, y: 2 });
		expect(found!.keypoints[5]).toEqual({ x: 33, y: 6 });
	});

	it('drops scores under the threshold and boxes without size', () => {
		logits[10] = logit(0.4);
		logits[11] = logit(0.99); // width 0
		expect(decodeBlazeface(logits, boxes, anchors, 0.5)).toHaveLength(1);
	});

	it('refuses outputs that do not match the anchors', () => {
		expect(() => decodeBlazeface(new Float32Array(10), boxes, anchors, 0.5)).toThrow(/896 anchors/);
	});

	it('clips extreme logits as MediaPipe does, so scores stay numbers', () => {
		expect(sigmoid(-1e6)).toBeCloseTo(Math.exp(-100), 50);
		expect(sigmoid(-1e6)).toBeGreaterThan(0);
		expect(sigmoid(1e6)).toBe(1);
		expect(sigmoid(Number.NaN)).toBeNaN();
	});
});

describe('humanFaceLayout', () => {
	it("accepts a person's layout and refuses a cat's (eyes low in the box, nose near the mouth)", () => {
		expect(humanFaceLayout(face(0, 0, 100, 0.9))).toBe(true);
		const cat = face(0, 0, 100, 0.9);
		cat.keypoints[0] = { x: 30, y: 41 };
		cat.keypoints[1] = { x: 70, y: 41 };
		cat.keypoints[2] = { x: 50, y: 69 };
		cat.keypoints[3] = { x: 50, y: 80 };
		expect(humanFaceLayout(cat)).toBe(false);
	});

	it('refuses an upside-down layout', () => {
		const f = face(0, 0, 100, 0.9);
		f.keypoints = f.keypoints.map((p) => ({ x: p.x, y: 100 - p.y }));
		expect(humanFaceLayout(f)).toBe(false);
	});
});

describe('weightedNonMaxSuppression', () => {
	it('merges overlapping faces into their score-weighted mean and keeps separate faces apart', () => {
		const merged = weightedNonMaxSuppression(
			[face(0, 0, 100, 0.9), face(10, 0, 100, 0.3), face(300, 300, 50, 0.8)],
			0.3
		);
		expect(merged).toHaveLength(2);
		expect(merged[0]!.score).toBe(0.9);
		expect(merged[0]!.x).toBeCloseTo(2.5, 5); // (0*0.9 + 10*0.3) / 1.2
		expect(merged[1]!.x).toBe(300);
	});

	it('keeps faces that touch less than the threshold', () => {
		const a = face(0, 0, 100, 0.9);
		const b = face(80, 0, 100, 0.8);
		expect(intersectionOverUnion(a, b)).toBeCloseTo(20 / 180, 5);
		expect(weightedNonMaxSuppression([a, b], 0.3)).toHaveLength(2);
	});
});

describe('detection passes', () => {
	it('looks at a small photo once, centred in a square', () => {
		const [whole, ...rest] = detectionPasses(240, 160);
		expect(rest).toEqual([]);
		expect(whole).toMatchObject({ resample: 'bilinear', inputWidth: 256, inputHeight: 256, offsetX: 0 });
		expect(whole!.offsetY).toBeCloseTo((40 * 256) / 240, 6);
	});

	it('looks again, larger, only when the first look shrank the photo', () => {
		const [, small] = detectionPasses(1000, 800);
		// 512 x 410 in an input padded to multiples of 32.
		expect(small).toEqual({
			resample: 'box',
			scale: 0.512,
			offsetX: 0,
			offsetY: 0,
			inputWidth: 512,
			inputHeight: 416
		});
		// A photo between the two sizes is looked at again at its own size; 0 turns the second look off.
		expect(detectionPasses(300, 200)[1]).toMatchObject({ scale: 1, inputWidth: 320, inputHeight: 224 });
		expect(detectionPasses(1000, 800, 0)).toHaveLength(1);
	});

	it("samples the first look corner to corner, black outside the photo, as tfjs's cropAndResize does", () => {
		// A 4x2 photo, both rows red, grey, grey, blue, centred in a 256 square: rows 85 to 170 fall on it.
		const row = [200, 0, 0, 255, 50, 50, 50, 255, 50, 50, 50, 255, 0, 0, 100, 255];
		const data = new Uint8ClampedArray([...row, ...row]);
		const [whole] = detectionPasses(4, 2);
		const input = passInput(data, 4, 2, whole!);
		const at = (x: number, y: number) => Array.from(input.subarray((y * 256 + x) * 3, (y * 256 + x) * 3 + 3));
		expect(at(0, 84)).toEqual([0, 0, 0]);
		expect(at(0, 128)).toEqual([200, 0, 0]);
		expect(at(255, 128)).toEqual([0, 0, 100]);
		// Between columns 0 and 1, a third of the way (x = 85 * 3 / 255 = 1 is column 1 itself).
		expect(at(85, 128)).toEqual([50, 50, 50]);
		expect(at(0, 171)).toEqual([0, 0, 0]);
	});

	it('copies a box look into the top left of its padded input, and moves faces back to the photo', () => {
		const data = new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 255]);
		const pass = {
			resample: 'box' as const,
			scale: 0.5,
			offsetX: 0,
			offsetY: 0,
			inputWidth: 32,
			inputHeight: 32
		};
		const input = passInput(data, 2, 1, pass);
		expect(Array.from(input.subarray(0, 6))).toEqual([10, 20, 30, 40, 50, 60]);
		expect(input[32 * 3]).toBe(0);
		const [whole] = detectionPasses(1000, 500);
		const [placed] = passToPicture([face(128, 64, 32, 0.9)], whole!);
		expect(placed).toMatchObject({ x: 500, y: 0, width: 125, height: 125 });
		expect(placed!.keypoints[0]!.x).toBeCloseTo(500 + 0.3 * 125, 9);
		expect(placed!.keypoints[0]!.y).toBeCloseTo(0.3 * 125, 9);
	});

	it('drops faces that lie mostly in the padding outside the photo', () => {
		expect(insidePicture([face(-10, 10, 40, 0.9), face(-30, 10, 40, 0.9)], 100, 100)).toHaveLength(1);
		expect(scaleFaces([face(10, 20, 30, 0.5)], 2)[0]).toMatchObject({ x: 20, y: 40, width: 60 });
	});
});

describe('facesInDocument', () => {
	it("places a picture's faces where its layer shows them: scaled, moved and rotated", () => {
		const box = { x: 10, y: 20, width: 30, height: 40 };
		expect(facesInDocument([box], { x: 100, y: 50, scaleX: 2, scaleY: 2, rotation: 0 })).toEqual([
			{ x: 120, y: 90, width: 60, height: 80 }
		]);
		// A layer holding a half-size copy of the picture.
		expect(facesInDocument([box], { x: 0, y: 0, scaleX: 1, scaleY: 1, rotation: 0 }, 0.5)).toEqual([
			{ x: 5, y: 10, width: 15, height: 20 }
		]);
		// Turned a quarter clockwise about the layer's origin: x becomes -y, y becomes x.
		const [turned] = facesInDocument([box], { x: 0, y: 0, scaleX: 1, scaleY: 1, rotation: 90 });
		expect(turned!.x).toBeCloseTo(-60, 9);
		expect(turned!.y).toBeCloseTo(10, 9);
		expect(turned!.width).toBeCloseTo(40, 9);
		expect(turned!.height).toBeCloseTo(30, 9);
	});
});

describe('faceMask', () => {
	const red = (mask: { width: number; data: Uint8ClampedArray }, x: number, y: number) =>
		mask.data[(y * mask.width + x) * 4]!;

	it('is white on the face, black far from it, with a soft edge between', () => {
		const mask = faceMask(200, 200, [face(80, 80, 40, 0.9)]);
		expect(red(mask, 100, 98)).toBe(255);
		expect(red(mask, 5, 5)).toBe(0);
		// Along a row through the face, the edge fades through values strictly between 0 and 255.
		const row = Array.from({ length: 200 }, (_, x) => red(mask, x, 98));
		expect(row.some((v) => v > 0 && v < 255)).toBe(true);
		expect(mask.data[3]).toBe(255);
	});

	it("'protect' is the inverse: the face is kept black, the rest white", () => {
		const faces = [face(80, 80, 40, 0.9)];
		const on = faceMask(200, 200, faces);
		const off = faceMask(200, 200, faces, { grow: 1.5, feather: 0.25, mode: 'protect' });
		for (let i = 0; i < on.data.length; i += 4) expect(on.data[i]! + off.data[i]!).toBe(255);
	});

	it('is all black without faces', () => {
		const mask = faceMask(10, 10, []);
		expect(Math.max(...Array.from({ length: 100 }, (_, i) => mask.data[i * 4]!))).toBe(0);
	});
});
