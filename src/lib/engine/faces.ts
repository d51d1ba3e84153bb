// Finding faces in a photo, shared by the engine worker (studio), the CLI and the gallery server: RGBA
// pixels in, faces in those pixels' coordinates out. The photo is looked at as a whole at the detector's
// own input size, and again larger when it is large enough to show faces too small for that look (see
// kernels/faces.ts detectionPasses); the passes are merged by weighted non-maximum suppression.
import type * as tf from '@tensorflow/tfjs';
import type { DetectorCard } from '../assets/catalog';
import {
	boxSize,
	detectionPasses,
	type Face,
	humanFaceLayout,
	insidePicture,
	passInput,
	passToPicture,
	scaleFaces,
	weightedNonMaxSuppression
} from '../kernels/faces';
import { fitWithin } from '../kernels/geometry';
import { downscaleRgba } from '../kernels/tiling';
import type { FaceDetector } from './model';
import type { Pixels } from './types';

/**
 * The long side of the copy the passes look at (callers may send it, findFaces makes it otherwise): the
 * first look samples it, the second averages it down to SMALL_FACES_SIDE. The threshold was chosen on
 * looks sampled from it: sampling the full photo would alias.
 */
export const DETECTION_SIDE = 1024;
/** Faces that overlap more than this are one face (MediaPipe's value). */
export const FACE_IOU = 0.3;

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
	/** The long side of the look for small faces (kernels/faces.ts detectionPasses); 0: the first look only. */
	smallFacesSide?: number;
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
	// A photo larger than DETECTION_SIDE is first averaged down to it, as callers do: the looks are made from it.
	const copy = fitWithin(pixels.width, pixels.height, DETECTION_SIDE);
	const { width, height } = copy;
	const data =
		width < pixels.width || height < pixels.height
			? downscaleRgba(pixels.data, pixels.width, pixels.height, width, height)
			: pixels.data;
	const found: Face[] = [];
	for (const pass of detectionPasses(width, height, options.smallFacesSide)) {
		// Built in plain JS from the RGBA pixels: the photo itself never becomes a tensor.
		let values: Float32Array;
		if (pass.resample === 'box') {
			const size = boxSize(width, height, pass);
			const small = size.width < width ? downscaleRgba(data, width, height, size.width, size.height) : data;
			values = passInput(small, size.width, size.height, pass);
		} else {
			values = passInput(data, width, height, pass);
		}
		const input = tfjs.tensor4d(values, [1, pass.inputHeight, pass.inputWidth, 3]);
		try {
			const [faces = []] = await detector.detect(input, threshold);
			found.push(...insidePicture(passToPicture(faces, pass), width, height));
		} finally {
			input.dispose();
		}
	}
	return {
		detector: detectorIdentity(detector.card),
		threshold,
		faces: scaleFaces(
			weightedNonMaxSuppression(found, FACE_IOU).filter(humanFaceLayout),
			pixels.width / width
		)
	};
}
