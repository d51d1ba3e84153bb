// The gallery's pure pieces: what an upload must be before decoding, the publication gate, download names.
import { describe, expect, it } from 'vitest';
import { publicationProblem, safeFilename } from '../../src/lib/server/gallery/repository';
import { sniffUpload } from '../../src/lib/server/gallery/uploads';
import { pattern, pngDeclaring } from '../helpers/images';

const limits = { maxBytes: 100_000, maxPixels: 10_000 };

describe('sniffUpload', () => {
	it('answers each bad upload with the status that says what is wrong', () => {
		const cases: [Uint8Array, number, RegExp][] = [
			[new Uint8Array(), 400, /empty/],
			[new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 415, /SVG/],
			[new TextEncoder().encode('GIF89a and more bytes here'), 415, /not a PNG, JPEG or WebP/],
			[new Uint8Array(pngDeclaring(200, 200)), 413, /200 x 200 pixels/],
			[new Uint8Array(100_001).fill(0x89), 413, /^The file is 97\.7 kB; the limit is 97\.7 kB\.$/]
		];
		for (const [bytes, status, message] of cases) {
			expect(() => sniffUpload(bytes, limits)).toThrow(
				expect.objectContaining({ status, message: expect.stringMatching(message) })
			);
		}
	});

	it('reads the type and displayed size from the bytes, and refuses a cut JPEG before decoding', async () => {
		const png = new Uint8Array(await pattern(40, 30).png().toBuffer());
		expect(sniffUpload(png, limits)).toEqual({ mimeType: 'image/png', width: 40, height: 30 });
		const webp = new Uint8Array(await pattern(30, 20).webp().toBuffer());
		expect(sniffUpload(webp, limits)).toEqual({ mimeType: 'image/webp', width: 30, height: 20 });
		const jpeg = new Uint8Array(await pattern(40, 30).jpeg().toBuffer());
		expect(sniffUpload(jpeg, limits).mimeType).toBe('image/jpeg');
		expect(() => sniffUpload(jpeg.subarray(0, jpeg.length - 200), limits)).toThrow(
			expect.objectContaining({ status: 400, message: expect.stringMatching(/^The image is truncated/) })
		);
	});
});

describe('publicationProblem', () => {
	const clear = {
		verdict: 'publishable-commercial',
		label: 'May be published.',
		nonCommercial: false,
		needsConfirmation: false
	};
	const unclear = {
		verdict: 'rights-unclear',
		label: "Rights unclear: the photo's origin is unknown.",
		nonCommercial: false,
		needsConfirmation: true
	};

	it('publishes clear rights, and unclear ones only when the owner confirms', () => {
		expect(publicationProblem('public', 'untrusted', clear, false)).toBeNull();
		expect(publicationProblem('public', 'untrusted', unclear, false)).toMatch(
			/^Rights unclear: .*rightsConfirmed/
		);
		expect(publicationProblem('public', 'untrusted', unclear, true)).toBeNull();
		expect(publicationProblem('unlisted', 'untrusted', unclear, false)).toBeNull();
	});

	it('keeps images without credentials unlisted or private', () => {
		expect(publicationProblem('public', 'none', unclear, true)).toMatch(/no Content Credentials/);
		expect(publicationProblem('unlisted', 'none', unclear, false)).toBeNull();
		expect(publicationProblem('private', 'none', unclear, false)).toBeNull();
	});
});

describe('safeFilename', () => {
	it('makes a plain download name from any title', () => {
		expect(safeFilename('Night watch', 'image/png')).toBe('Night-watch.png');
		expect(safeFilename('../../etc/passwd"; x=', 'image/jpeg')).toBe('etc-passwd-x.jpg');
		expect(safeFilename('<script>', 'image/webp')).toBe('script.webp');
		expect(safeFilename('', 'image/png')).toBe('image.png');
	});
});
