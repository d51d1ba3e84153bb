// Uploads an attacker would send, for the gallery tests and the benchmark (which runs without Vite, so
// nothing here may import the Vite-bundled catalog): credentials far too large to keep, and an image that
// is cheap to send but slow to decode.
import sharp from 'sharp';
import { signImage } from '../../src/lib/provenance/c2pa/manifest';
import { pattern } from '../helpers/images';
import { sampleInput, type TestIdentity } from '../provenance/helpers';

/**
 * A signed painting whose `org.rakkan.recipe` carries about `bytes` characters of region notes: credentials far
 * larger than any the gallery should store or list.
 */
export async function signedPngWithHugeRecipe(id: TestIdentity, bytes: number): Promise<Uint8Array> {
	const input = sampleInput(new Uint8Array(await pattern(40, 30).png().toBuffer()));
	// Many notes, each within the verifier's text limit (64 KiB), so the credentials still verify and it is
	// the gallery's own bound on what it stores that must cut them.
	const note = 'x'.repeat(50 * 1024);
	const regions = Array.from({ length: Math.ceil(bytes / note.length) }, () => ({ notes: note }));
	input.recipe = { ...input.recipe!, regions };
	return signImage(new Uint8Array(await pattern(96, 72).png().toBuffer()), input, id.signer);
}

/**
 * A whole, valid PNG of 49 megapixels (just under the default pixel limit) in a few hundred kB: cheap to
 * send, but decoding it for the thumbnail takes seconds, like the slowest honest upload.
 */
export async function heavyPng(): Promise<Uint8Array> {
	return new Uint8Array(
		await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#7a2e0e' } })
			.png({ compressionLevel: 9 })
			.toBuffer()
	);
}
