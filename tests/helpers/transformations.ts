// What happens to a picture on its way around the internet, as sharp does it: the metadata stripped, JPEG
// re-compression, resizing, WebP, a slight brightness change, and crops (which an ISCC image code is not
// built to survive). Shared by the soft-binding tests and the benchmark.
import sharp from 'sharp';

export interface Transformation {
	name: string;
	/** The crops: expected to break a global fingerprint (reported, not required to match). */
	breaks?: boolean;
	apply(bytes: Uint8Array): Promise<Uint8Array>;
}

const out = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
const read = (bytes: Uint8Array) => sharp(bytes).rotate();

async function resized(bytes: Uint8Array, factor: number): Promise<Uint8Array> {
	const meta = await sharp(bytes).metadata();
	const width = Math.max(1, Math.round(meta.width! * factor));
	const height = Math.max(1, Math.round(meta.height! * factor));
	return out(await read(bytes).resize(width, height, { fit: 'fill' }).jpeg({ quality: 85 }).toBuffer());
}

async function cropped(bytes: Uint8Array, keep: number): Promise<Uint8Array> {
	const meta = await sharp(bytes).metadata();
	const width = Math.round(meta.width! * keep);
	const height = Math.round(meta.height! * keep);
	return out(
		await read(bytes)
			.extract({
				left: Math.round((meta.width! - width) / 2),
				top: Math.round((meta.height! - height) / 2),
				width,
				height
			})
			.jpeg({ quality: 85 })
			.toBuffer()
	);
}

/** A linear brightness change (sharp's linear a*x), re-encoded as JPEG like a photo app saves it. */
async function brightness(bytes: Uint8Array, factor: number): Promise<Uint8Array> {
	return out(await read(bytes).linear(factor, 0).jpeg({ quality: 90 }).toBuffer());
}

export const TRANSFORMATIONS: readonly Transformation[] = [
	// Same pixels, no metadata: PNG stays PNG, everything else is decoded and re-encoded losslessly as PNG.
	{ name: 'strip', apply: async (b) => out(await read(b).png().toBuffer()) },
	{ name: 'jpeg-q90', apply: async (b) => out(await read(b).jpeg({ quality: 90 }).toBuffer()) },
	{ name: 'jpeg-q75', apply: async (b) => out(await read(b).jpeg({ quality: 75 }).toBuffer()) },
	{ name: 'jpeg-q60', apply: async (b) => out(await read(b).jpeg({ quality: 60 }).toBuffer()) },
	{ name: 'resize-50', apply: (b) => resized(b, 0.5) },
	{ name: 'resize-150', apply: (b) => resized(b, 1.5) },
	{ name: 'webp', apply: async (b) => out(await read(b).webp({ quality: 80 }).toBuffer()) },
	{ name: 'brighter-5', apply: (b) => brightness(b, 1.05) },
	{ name: 'darker-5', apply: (b) => brightness(b, 0.95) },
	{
		name: 'png-to-jpeg',
		apply: async (b) => out(await read(b).flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer())
	},
	{ name: 'crop-90', breaks: true, apply: (b) => cropped(b, 0.9) },
	{ name: 'crop-70', breaks: true, apply: (b) => cropped(b, 0.7) }
];
