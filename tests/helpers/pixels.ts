// Measures on RGBA pixels that tests assert on: how far two images are apart, in value and in colour.
import sharp from 'sharp';
import type { Pixels } from '../../src/lib/engine/types';
import { chroma } from '../../src/lib/kernels/color';
import { decodeImage } from '../../src/lib/node/image-io';
import { photoPath, type PhotoId } from './assets';

function sameSize(a: Pixels, b: Pixels): void {
	if (a.width !== b.width || a.height !== b.height) {
		throw new Error(`sizes differ: ${a.width}x${a.height} and ${b.width}x${b.height}`);
	}
}

/** Mean absolute difference over R, G and B, on 0..255. */
export function meanAbsDiff(a: Pixels, b: Pixels): number {
	sameSize(a, b);
	let sum = 0;
	for (let i = 0; i < a.data.length; i += 4) {
		for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i + c]! - b.data[i + c]!);
	}
	return sum / ((a.data.length / 4) * 3);
}

/** Mean distance between the two images' chroma (Cb, Cr): how much the colours differ, not the light. */
export function meanChromaDiff(a: Pixels, b: Pixels): number {
	sameSize(a, b);
	let sum = 0;
	for (let i = 0; i < a.data.length; i += 4) {
		const [cbA, crA] = chroma(a.data[i]!, a.data[i + 1]!, a.data[i + 2]!);
		const [cbB, crB] = chroma(b.data[i]!, b.data[i + 1]!, b.data[i + 2]!);
		sum += Math.hypot(cbA - cbB, crA - crB);
	}
	return sum / (a.data.length / 4);
}

/** A test photo shrunk so a network runs quickly on two CPU cores. */
export async function smallPhoto(id: PhotoId, longSide: number): Promise<Pixels> {
	const png = await sharp(await photoPath(id))
		.resize(longSide, longSide, { fit: 'inside' })
		.png()
		.toBuffer();
	return decodeImage(new Uint8Array(png));
}
