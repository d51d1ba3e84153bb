// Finding faces in a photo, shared by the engine worker (studio), the CLI and the gallery server: RGBA
// pixels in, faces in those pixels' coordinates out. The photo is looked at on a downscaled copy, as a
// whole and then in overlapping tiles (see kernels/faces.ts detectionWindows) so that the small faces of a
// group photo are found too; the passes are merged by weighted non-maximum suppression.
import type * as tf from '@tensorflow/tfjs';
import type { DetectorCard } from '../assets/catalog';
import {
	DEFAULT_PASSES,
	detectionWindows,
	humanFaceLayout,
	type Face,
	keepWhole,
	type PassOptions,
	scaleFaces,
	weightedNonMaxSuppression,
	windowToImage
} from '../kernels/faces';
import { fitWithin } from '../kernels/geometry';
import { downscaleRgba } from '../kernels/tiling';
import type { FaceDetector } from './model';
import type { Pixels } from './types';

/** The long side of the copy faces are looked for in: a 24 MP photo is never a tensor. */
export const DETECTION_SIDE = 1024;
/** Faces that overlap more than this are one face (MediaPipe's value). */
export const FACE_IOU = 0.3;
/** Windows run through the network together, bounding the memory of one batch. */
const BATCH = 8;

/** Which detector looked, with which weights: what the credentials record next to the count. */
export interface DetectorIdentity {
	id: string;
	/** sha256 of the weights file, so a verifier can tell exactly which network counted. */
	weightsSha256: string;
}

export interface FaceScan {
	detector: DetectorIdentity;
	/** The score a face needed to count. */
	threshold: number;
	/** In the scanned pixels' coordinates, best first. */
	faces: Face[];
}

export interface ScanOptions {
	threshold?: number;
	passes?: PassOptions;
}

export function detectorIdentity(card: DetectorCard): DetectorIdentity {
	const weights = card.files.find((f) => !f.role.endsWith('.json')) ?? card.files[0];
	return { id: card.id, weightsSha256: weights?.sha256 ?? '' };
}

export async function findFaces(
	tfjs: typeof tf,
	detector: FaceDetector,
	pixels: Pixels,
	options: ScanOptions = {}
): Promise<FaceScan> {
	const threshold = options.threshold ?? detector.card.threshold;
	const size = fitWithin(pixels.width, pixels.height, DETECTION_SIDE);
	const small =
		size.width < pixels.width || size.height < pixels.height
			? downscaleRgba(pixels.data, pixels.width, pixels.height, size.width, size.height)
			: pixels.data;
	const windows = detectionWindows(size.width, size.height, options.passes ?? DEFAULT_PASSES);
	const found: Face[] = [];
	const image = tfjs.tidy(() =>
		tfjs.browser
			.fromPixels(
				{
					data: new Uint8Array(small.buffer, small.byteOffset, small.byteLength),
					width: size.width,
					height: size.height
				},
				3
			)
			.toFloat()
			.expandDims(0)
	) as tf.Tensor4D;
	try {
		for (let start = 0; start < windows.length; start += BATCH) {
			const batch = windows.slice(start, start + BATCH);
			const crops = tfjs.tidy(() =>
				tfjs.image.cropAndResize(
					image,
					tfjs.tensor2d(
						batch.map((w) => [
							w.y / Math.max(1, size.height - 1),
							w.x / Math.max(1, size.width - 1),
							(w.y + w.side - 1) / Math.max(1, size.height - 1),
							(w.x + w.side - 1) / Math.max(1, size.width - 1)
						])
					),
					tfjs.zeros([batch.length], 'int32') as tf.Tensor1D,
					[detector.inputSize, detector.inputSize],
					'bilinear',
					0
				)
			);
			try {
				(await detector.detect(crops, threshold)).forEach((faces, i) => {
					const window = batch[i]!;
					const placed = windowToImage(faces, window, detector.inputSize);
					found.push(...keepWhole(placed, window, size.width, size.height));
				});
			} finally {
				crops.dispose();
			}
		}
	} finally {
		image.dispose();
	}
	const merged = weightedNonMaxSuppression(found, FACE_IOU).filter(humanFaceLayout);
	return {
		detector: detectorIdentity(detector.card),
		threshold,
		faces: scaleFaces(merged, pixels.width / size.width)
	};
}
