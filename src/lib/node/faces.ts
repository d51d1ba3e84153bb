// The face detector in Node (CLI, gallery server, tests, benchmarks): tfjs on the wasm backend, weights
// from the verified cache. `detectFaces` takes decoded RGBA pixels, so it can run wherever they are
// decoded (the request handler or a worker thread).
import type { Catalog } from '../assets/catalog';
import { findDetector } from '../assets/catalog';
import sharp from 'sharp';
import { DETECTION_SIDE, type FaceScan, findFaces, type ScanOptions } from '../engine/faces';
import { createDetector, type FaceDetector } from '../engine/model';
import type { Pixels } from '../engine/types';
import { defaultCacheDir, readVerified } from './asset-cache';
import { PROJECT_ROOT } from './catalog-fs';
import { useWasmBackend } from './node-engine';

export async function loadFaceDetector(
	catalog: Catalog,
	cacheDir = defaultCacheDir(PROJECT_ROOT)
): Promise<FaceDetector> {
	const tf = await useWasmBackend();
	const detector = createDetector(findDetector(catalog), tf);
	await detector.load((file) => readVerified(file, cacheDir));
	await detector.warmUp();
	return detector;
}

/**
 * Decodes image bytes straight to the detector's working size (sharp shrinks while decoding, so a 24 MP
 * upload never becomes 96 MB of pixels), upright, as RGBA. The pixel limit is checked before decoding.
 */
export async function pixelsForDetection(bytes: Uint8Array, pixelLimit: number): Promise<Pixels> {
	const { data, info } = await sharp(bytes, { limitInputPixels: pixelLimit, failOn: 'truncated' })
		.rotate()
		.resize(DETECTION_SIDE, DETECTION_SIDE, { fit: 'inside', withoutEnlargement: true })
		.toColourspace('srgb')
		.ensureAlpha()
		.raw({ depth: 'uchar' })
		.toBuffer({ resolveWithObject: true });
	return {
		width: info.width,
		height: info.height,
		data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength)
	};
}

/** Faces in decoded pixels, with the detector loaded by {@link loadFaceDetector}. */
export async function detectFaces(
	detector: FaceDetector,
	pixels: Pixels,
	options?: ScanOptions
): Promise<FaceScan> {
	return findFaces(await useWasmBackend(), detector, pixels, options);
}
