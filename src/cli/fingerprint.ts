// `rakkan fingerprint FILE`: the ISCC image code v0 of a PNG, JPEG or WebP's pixels (what a soft-binding
// lookup searches for), computed like the studio and the gallery compute it.
import { imageCode } from '../lib/kernels/iscc';
import { readImageFile } from '../lib/node/image-io';

export async function runFingerprint(argv: string[]): Promise<number> {
	if (argv.length !== 1 || argv[0]!.startsWith('-'))
		throw new Error('give exactly one FILE: rakkan fingerprint FILE');
	const file = argv[0]!;
	let pixels;
	try {
		pixels = await readImageFile(file);
	} catch (error) {
		throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
	}
	console.log(imageCode(pixels));
	return 0;
}
