// The Verify view (/verify) in real Chromium against the production build: the C2PA fixtures, a painting
// signed by Rakkan's CLI (unknown signer, then trusted once its root is given), a copy with one byte of
// image data flipped, a remix of a signed photo (nested manifests), and files it must refuse with an alert.
// Every assertion is about what a person sees on the page.
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyState } from '../../src/lib/provenance/c2pa/verify';
import { photoPath } from '../helpers/assets';
import { makeTempDir, pattern, removeDir } from '../helpers/images';
import { VERIFY_LIMITS } from '../../src/lib/provenance/c2pa/limits';
import { c2paFixturePath, rakkan, type C2paFixtureId } from '../provenance/helpers';
import { crossReferenced, hostileSigner } from '../provenance/hostile-inputs';
import { type Studio, startStudio } from './harness';

let studio: Studio;
let tmp: string;

beforeAll(async () => {
	studio = await startStudio();
	tmp = await makeTempDir('rakkan-verify-e2e-');
});

afterAll(async () => {
	await studio?.stop();
	if (tmp) await removeDir(tmp);
});

/** A page object for /verify. */
class VerifyPage {
	readonly errors: string[] = [];

	constructor(readonly page: Page) {
		page.on('pageerror', (error) => this.errors.push(error.message));
	}

	static async open(): Promise<VerifyPage> {
		const page = await studio.browser.newPage({ viewport: { width: 1280, height: 900 } });
		const verifyPage = new VerifyPage(page);
		await page.goto(`${studio.url}/verify`);
		await page.getByTestId('verify-input').waitFor({ state: 'attached' });
		return verifyPage;
	}

	byTestId(id: string): Locator {
		return this.page.getByTestId(id);
	}

	get state(): Locator {
		return this.byTestId('verify-state');
	}

	get alert(): Locator {
		return this.page.getByRole('alert');
	}

	/** Gives the page a file and waits until it shows that file's verdict. */
	async check(file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<string> {
		await this.byTestId('verify-input').setInputFiles(file);
		const name = typeof file === 'string' ? path.basename(file) : file.name;
		await this.page.locator('[data-testid=verify-file]', { hasText: name }).waitFor();
		await this.state.waitFor();
		return (await this.state.getAttribute('data-state')) ?? '';
	}

	/** Gives the page a file it must refuse and returns the alert's text (which names the file). */
	async refuse(file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<string> {
		await this.byTestId('verify-input').setInputFiles(file);
		const name = typeof file === 'string' ? path.basename(file) : file.name;
		const alert = this.page.getByRole('alert').filter({ hasText: `“${name}”` });
		await alert.waitFor();
		return squash(await alert.textContent());
	}

	async text(id: string): Promise<string> {
		return (await this.byTestId(id).first().textContent())?.replace(/\s+/g, ' ').trim() ?? '';
	}

	async ingredient(title: string): Promise<Locator> {
		const node = this.page
			.getByTestId('verify-ingredient')
			.filter({ has: this.page.getByTestId('verify-ingredient-title').getByText(title, { exact: true }) })
			.first();
		await node.waitFor();
		return node;
	}

	async close(): Promise<void> {
		expect(this.errors).toEqual([]);
		await this.page.close();
	}
}

/** True once every matched image has loaded and decoded to real pixels. */
async function imagesDecoded(images: Locator): Promise<boolean> {
	const count = await images.count();
	if (count === 0) return false;
	for (let i = 0; i < count; i++) {
		const ok = await images.nth(i).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
		if (!ok) return false;
	}
	return true;
}

const squash = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

const HEADLINES: Record<Exclude<VerifyState, 'invalid'>, RegExp> = {
	trusted: /Signed by a known signer/,
	untrusted: /Signed, but by a signer this browser does not know \(self-signed or unknown certificate\)/,
	tampered: /Tampered: the image changed after it was signed/,
	unchecked: /Content Credentials present, but not fully checked/,
	none: /No Content Credentials/
};

// ------------------------------------------------------------------------------------------------------

interface FixtureCase {
	id: C2paFixtureId;
	state: VerifyState;
	/** More of what the person must see. */
	sees: (page: VerifyPage) => Promise<void>;
}

const FIXTURES: FixtureCase[] = [
	{
		id: 'CA',
		state: 'untrusted',
		sees: async (v) => {
			expect(await v.text('verify-signer-name')).toContain('C2PA Signer');
			expect(await v.text('verify-signer-issuer')).toContain('Intermediate CA');
			expect(await v.text('verify-signed-at')).toMatch(/2024-08-06 21:53 UTC \(time-stamped/);
			expect(await v.text('verify-claim-generator')).toBe('make_test_images 0.33.1');
			const actions = v.byTestId('verify-action');
			expect(squash(await actions.nth(0).textContent())).toMatch(/^Opened an existing file/);
			expect(squash(await actions.nth(1).textContent())).toMatch(/^Adjusted the colours/);
			// The parent A.jpg, with the thumbnail the manifest carries.
			const parent = await v.ingredient('A.jpg');
			expect(await parent.getAttribute('data-relationship')).toBe('parentOf');
			expect(squash(await parent.textContent())).toContain('parentOf: this image was made from it');
			await expect.poll(() => imagesDecoded(parent.getByTestId('verify-thumbnail'))).toBe(true);
			await expect.poll(() => imagesDecoded(v.byTestId('verify-claim-thumbnail'))).toBe(true);
			const failures = v.byTestId('verify-failure');
			expect(await failures.count()).toBe(1);
			expect(await failures.first().getAttribute('data-code')).toBe('signingCredential.untrusted');
		}
	},
	{
		id: 'C',
		state: 'untrusted',
		sees: async (v) => {
			expect(await v.text('verify-signer-name')).toContain('C2PA Signer');
			expect(await v.text('verify-action')).toMatch(/^Created made by an algorithm/);
			expect(await v.text('verify-action')).toContain('with Make Test Images 0.33.1');
			expect(await v.byTestId('verify-ingredient').count()).toBe(0);
		}
	},
	{
		id: 'C_with_CAWG_data',
		state: 'untrusted',
		sees: async (v) => {
			const entries = v.byTestId('verify-training-entry');
			await expect.poll(() => entries.count()).toBe(2);
			const texts = (await entries.allTextContents()).map(squash);
			expect(texts).toContain('AI inference: not allowed');
			expect(texts).toContain('Generative AI training: not allowed');
			expect(await v.text('verify-training')).toContain('Not stated: AI training, data mining.');
			expect(await v.text('verify-action')).toMatch(/captured by a camera or scanner/);
		}
	},
	{
		id: 'XCA',
		state: 'tampered',
		sees: async (v) => {
			const codes = await v
				.byTestId('verify-failure')
				.evaluateAll((els) => els.map((el) => el.getAttribute('data-code')));
			expect(codes).toContain('assertion.dataHash.mismatch');
			expect(await v.text('verify-failures')).toContain('the image was changed after signing');
			expect(await v.text('verify-caveat')).toContain('This file is no longer that image');
			// Never presented as valid.
			const body = squash(await v.page.locator('body').textContent());
			expect(body).not.toMatch(HEADLINES.trusted);
			expect(body).not.toMatch(/Signed, but by a signer/);
			expect(body).not.toMatch(/None: every check passed/);
		}
	},
	{
		id: 'amazon-titan-g1',
		state: 'untrusted',
		sees: async (v) => {
			expect(await v.text('verify-signer-name')).toContain('Amazon Web Services, Inc.');
			expect(await v.text('verify-source-type')).toBe('made by an AI model');
			expect(await v.text('verify-action')).toContain('with Titan Image Generator G1');
			expect(await v.text('verify-claim-generator')).toBe('Amazon Bedrock');
		}
	},
	{
		id: 'trustnxt-icon-signed-timestamp',
		state: 'untrusted',
		sees: async (v) => {
			expect(await v.text('verify-claim-generator')).toBe('c2pa-ts');
			expect(await v.text('verify-signed-at')).toMatch(/2026-01-13 12:35 UTC \(time-stamped/);
		}
	},
	{
		id: 'no_manifest',
		state: 'none',
		sees: async (v) => {
			expect(await v.byTestId('verify-failures').count()).toBe(0);
			expect(await v.byTestId('verify-signer').count()).toBe(0);
			// Its XMP is still shown, as a claim.
			expect(await v.text('verify-xmp')).toContain('xmp.iid:c12ed5c0-79c4-4830-88c7-cc76d7502a4c');
		}
	},
	{
		id: 'libpng-test',
		state: 'none',
		sees: async (v) => {
			expect(await v.text('verify-xmp')).toContain('This file carries no XMP rights or source fields.');
		}
	}
];

describe('verify view: C2PA fixtures', () => {
	it.each(FIXTURES)('$id shows $state', async ({ id, state, sees }) => {
		const v = await VerifyPage.open();
		const file = await c2paFixturePath(id);
		expect(await v.check(file)).toBe(state);
		expect(await v.state.textContent()).toMatch(HEADLINES[state as Exclude<VerifyState, 'invalid'>]);
		await sees(v);
		expect(await v.alert.count()).toBe(0);
		await v.close();
	});

	it('checks an image dropped onto the page', async () => {
		const v = await VerifyPage.open();
		const bytes = await readFile(await c2paFixturePath('C'));
		const transfer = await v.page.evaluateHandle((b64: string) => {
			const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
			const dt = new DataTransfer();
			dt.items.add(new File([data], 'dropped.jpg', { type: 'image/jpeg' }));
			return dt;
		}, bytes.toString('base64'));
		await v.page.dispatchEvent('body', 'dragover', { dataTransfer: transfer });
		await v.page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
		await v.page.locator('[data-testid=verify-file]', { hasText: 'dropped.jpg' }).waitFor();
		await expect.poll(() => v.state.getAttribute('data-state')).toBe('untrusted');
		expect(await v.text('verify-signer-name')).toContain('C2PA Signer');
		await v.close();
	});
});

// ------------------------------------------------------------------------------------------------------

/** Runs the CLI with HOME in a temp dir so its local identity is made there; returns the root path. */
async function stylize(content: string, out: string, home: string): Promise<string> {
	const run = await rakkan(
		[
			'stylize',
			'--content',
			content,
			'--style',
			'rembrandt-night-watch',
			'--working-side',
			'128',
			'--out',
			out
		],
		{ HOME: home, XDG_CONFIG_HOME: '', RAKKAN_IDENTITY_DIR: '' }
	);
	expect(run.code, run.stderr).toBe(0);
	const root = /trust root (\S+\.pem)/.exec(run.stdout)?.[1];
	expect(root, run.stdout).toBeDefined();
	expect(root!.startsWith(home)).toBe(true);
	return root!;
}

/** The offset of a byte in the middle of the first IDAT chunk's data. */
function idatByte(png: Buffer): number {
	let at = 8;
	while (at + 8 <= png.length) {
		const length = png.readUInt32BE(at);
		if (png.toString('latin1', at + 4, at + 8) === 'IDAT') return at + 8 + Math.floor(length / 2);
		at += 12 + length;
	}
	throw new Error('no IDAT chunk');
}

describe('verify view: credentials built to be expensive', () => {
	it('shows 60 cross-referencing manifests (4^15 paths) each once, and too many levels as not fully checked', async () => {
		const { signer } = await hostileSigner();
		const wide = path.join(tmp, 'wide.png');
		await writeFile(wide, await crossReferenced(15, 4, signer));
		const v = await VerifyPage.open();
		expect(await v.check(wide)).toBe('untrusted');
		// 4 ingredients of the active manifest and 16 between each two of the 15 levels: 228 places, of which
		// 60 describe a manifest and the other 168 point to where it is described.
		const nested = v.byTestId('verify-nested-manifest');
		expect(await nested.count()).toBe(4 + 14 * 16);
		const repeated = v.page.locator('[data-testid=verify-nested-manifest] > p', {
			hasText: 'Its actions and ingredients are listed above.'
		});
		expect(await repeated.count()).toBe(168);

		const deep = path.join(tmp, 'deep.png');
		await writeFile(deep, await crossReferenced(VERIFY_LIMITS.nesting + 1, 2, signer));
		expect(await v.check(deep)).toBe('unchecked');
		expect(squash(await v.state.textContent())).toContain(
			`Content Credentials present, but not fully checked The file carries credentials, but checking them would take more work than this verifier allows (the credentials are too complex to check: ${VERIFY_LIMITS.nesting + 1} nested manifests, limit ${VERIFY_LIMITS.nesting})`
		);
		expect(await v.text('verify-caveat')).toContain('none of it has been confirmed');
		expect(await v.byTestId('verify-failure').last().getAttribute('data-code')).toBe('rakkan.limit.nesting');
		expect(v.errors).toEqual([]);
		await v.close();
	});
});

describe('verify view: an image Rakkan signed', () => {
	let home: string;
	let painting: string;
	let rootPem: string;
	let remix: string;

	beforeAll(async () => {
		home = path.join(tmp, 'home');
		painting = path.join(tmp, 'painting.png');
		rootPem = await stylize(await photoPath('coffee'), painting, home);
		remix = path.join(tmp, 'remix.png');
		await stylize(await c2paFixturePath('CA'), remix, home);
	});

	it('shows an unknown signer, then a trusted one once its root is given, and a flipped byte as tampered', async () => {
		const v = await VerifyPage.open();
		expect(await v.check(painting)).toBe('untrusted');
		expect(await v.state.textContent()).toMatch(HEADLINES.untrusted);
		expect(await v.text('verify-signer-name')).toContain('Rakkan local identity');
		expect(await v.text('verify-claim-generator')).toMatch(/^Rakkan \d+\.\d+\.\d+/);
		expect(await v.text('verify-signed-at')).toMatch(
			/not time-stamped; the credentials say it was made \d{4}-/
		);
		// One stylization covering the photo: the picture is the model's output (the record's rule, #10).
		expect(await v.text('verify-source-type')).toBe('made by an AI model');

		// The ingredients: the photo, the style with its weight and rights, the model with its license.
		expect(await v.byTestId('verify-ingredient').count()).toBe(3);
		const photo = await v.ingredient('coffee.png');
		expect(await photo.getAttribute('data-relationship')).toBe('componentOf');
		expect(squash(await photo.textContent())).toMatch(/^Photo coffee\.png componentOf: part of this image/);
		const style = await v.ingredient('The Night Watch');
		expect(await style.getAttribute('data-relationship')).toBe('inputTo');
		const styleText = squash(await style.textContent());
		expect(styleText).toContain('Style reference');
		expect(styleText).toContain('100% of the style blend');
		expect(styleText).toContain('Rights: public-domain');
		expect(styleText).toContain('License: Public domain (commercial use allowed)');
		const model = await v.ingredient('Arbitrary style transfer (whatsyourface)');
		const modelText = squash(await model.textContent());
		expect(modelText).toContain('License: MIT (commercial use allowed)');
		expect(modelText).toContain('generator (an AI model or program)');
		expect(await model.getByRole('link', { name: 'MIT' }).getAttribute('href')).toMatch(
			/^https:\/\/github\.com\/macobo\/whatsyourface\//
		);
		// Rakkan's manifests carry no thumbnails: none are shown.
		expect(await v.byTestId('verify-thumbnail').count()).toBe(0);

		// The recipe, readably.
		const recipe = squash(await v.byTestId('verify-recipe').textContent());
		expect(recipe).toContain('From the photo coffee.png');
		expect(await v.text('verify-recipe-model')).toMatch(
			/^Arbitrary style transfer \(whatsyourface\) arbitrary-wyf — MIT \(commercial use allowed\)/
		);
		expect(await v.text('verify-recipe-style')).toMatch(
			/^The Night Watch, Rembrandt van Rijn 100% of the blend rights: public-domain — Public domain/
		);
		const setting = (label: string) =>
			v.page.locator(`[data-testid=verify-recipe-setting][data-setting="${label}"]`).textContent();
		expect(await setting('Strength')).toBe('100%');
		expect(await setting('Working resolution (long side)')).toBe('128 px');
		expect(await setting('Compute backend')).toBe('wasm');

		// Training and data mining, and the XMP rights fields.
		const training = (await v.byTestId('verify-training-entry').allTextContents()).map(squash);
		expect(training).toEqual(
			expect.arrayContaining([
				'AI training: not allowed',
				'Generative AI training: not allowed',
				'Data mining: not allowed',
				'AI inference: allowed'
			])
		);
		const xmp = squash(await v.byTestId('verify-xmp').textContent());
		expect(xmp).toContain('Digital source type made by an AI model');
		expect(xmp).toContain('Data mining prohibited: AI/ML training');
		expect(xmp).toContain('AI system used Arbitrary style transfer (whatsyourface)');
		expect(await v.byTestId('verify-failure').getAttribute('data-code')).toBe('signingCredential.untrusted');

		// The person chooses to trust the CLI's root: checked again, now trusted.
		await v.byTestId('verify-trust').setInputFiles(rootPem);
		await expect.poll(() => v.state.getAttribute('data-state')).toBe('trusted');
		expect(await v.state.textContent()).toMatch(HEADLINES.trusted);
		expect(await v.text('verify-anchor')).toContain('Rakkan root');
		expect(await v.text('verify-failures')).toContain('None: every check passed.');

		// One byte of image data flipped: tampered, even with the signer trusted.
		const bytes = await readFile(painting);
		const flipped = Buffer.from(bytes);
		const at = idatByte(flipped);
		flipped[at] = flipped[at]! ^ 0xff;
		const flippedPath = path.join(tmp, 'flipped.png');
		await writeFile(flippedPath, flipped);
		expect(await v.check(flippedPath)).toBe('tampered');
		expect(await v.state.textContent()).toMatch(HEADLINES.tampered);
		const codes = await v
			.byTestId('verify-failure')
			.evaluateAll((els) => els.map((el) => el.getAttribute('data-code')));
		expect(codes).toEqual(['assertion.dataHash.mismatch']);
		expect(squash(await v.page.locator('body').textContent())).not.toMatch(/Signed by a known signer/);

		// One letter changed inside the credentials themselves: invalid, with the changed assertion named.
		const edited = Buffer.from(bytes);
		const artist = edited.indexOf('Rembrandt van Rijn', 0, 'latin1');
		expect(artist).toBeGreaterThan(0);
		edited[artist] = 'r'.charCodeAt(0);
		const editedPath = path.join(tmp, 'edited-credentials.png');
		await writeFile(editedPath, edited);
		expect(await v.check(editedPath)).toBe('invalid');
		expect(squash(await v.state.textContent())).toMatch(
			/^✖ Invalid credentials: the assertion c2pa\.ingredient\.v3__1 was changed after signing/
		);
		expect(await v.byTestId('verify-failure').getAttribute('data-code')).toBe('assertion.hashedURI.mismatch');
		expect(await v.text('verify-caveat')).toContain('none of it can be relied on');

		// Forgetting the root makes the original unknown again.
		expect(await v.check(painting)).toBe('trusted');
		await v.byTestId('verify-anchor').getByRole('button', { name: 'Stop trusting' }).click();
		await expect.poll(() => v.state.getAttribute('data-state')).toBe('untrusted');
		await v.close();
	});

	it('shows the remix chain: the signed photo it was painted from, with its own credentials and parent', async () => {
		const v = await VerifyPage.open();
		await v.byTestId('verify-trust').setInputFiles(rootPem);
		await v.byTestId('verify-anchor').waitFor();
		expect(await v.check(remix)).toBe('trusted');
		const parent = await v.ingredient('CA.jpg');
		expect(await parent.getAttribute('data-relationship')).toBe('parentOf');
		// What Rakkan recorded when it checked the photo's credentials at painting time.
		expect(await parent.getByTestId('verify-recorded-failures').textContent()).toContain(
			'signingCredential.untrusted'
		);
		const nested = parent.getByTestId('verify-nested-manifest');
		// The photo's own signer is still unknown to this browser: trusting Rakkan's root does not change that.
		expect(await nested.getAttribute('data-state')).toBe('untrusted');
		const nestedText = squash(await nested.textContent());
		expect(nestedText).toContain(
			'Signed by C2PA Signer on 2024-08-06 21:53 UTC, made with make_test_images 0.33.1'
		);
		expect(nestedText).toContain('Adjusted the colours');
		// ... and its parent A.jpg, with the thumbnail CA.jpg's manifest carries.
		const grandparent = nested.getByTestId('verify-ingredient');
		expect(squash(await grandparent.getByTestId('verify-ingredient-title').textContent())).toBe('A.jpg');
		expect(await grandparent.getAttribute('data-relationship')).toBe('parentOf');
		await expect.poll(() => imagesDecoded(grandparent.getByTestId('verify-thumbnail'))).toBe(true);
		expect(await v.text('verify-action')).toMatch(/^Opened an existing file/);
		await v.close();
	});

	it('refuses files it cannot read with an alert and keeps working', async () => {
		const v = await VerifyPage.open();
		const text = await v.refuse({
			name: 'notes.txt',
			mimeType: 'text/plain',
			buffer: Buffer.from('Not an image, just some words.\n')
		});
		expect(text).toContain('“notes.txt” is not an image');
		expect(await v.state.count()).toBe(0);

		// A truncated PNG: an alert, and its credentials no longer match.
		const bytes = await readFile(painting);
		const truncated = await v.refuse({
			name: 'truncated.png',
			mimeType: 'image/png',
			buffer: bytes.subarray(0, Math.floor(bytes.length / 2))
		});
		expect(truncated).toContain('“truncated.png” is truncated or damaged');
		await v.state.waitFor();
		expect(await v.state.getAttribute('data-state')).toBe('tampered');

		// A truncated PNG without credentials.
		const plain = await pattern(200, 150).png().toBuffer();
		const cut = await v.refuse({
			name: 'cut.png',
			mimeType: 'image/png',
			buffer: plain.subarray(0, plain.length - 30)
		});
		expect(cut).toContain('“cut.png” is truncated or damaged');

		// Formats it cannot check, an empty file and a huge one.
		const gif = await v.refuse({
			name: 'photo.gif',
			mimeType: 'image/gif',
			buffer: await pattern(40, 30).gif().toBuffer()
		});
		expect(gif).toContain(
			'“photo.gif” is a GIF image: Content Credentials can be checked in PNG, JPEG and WebP files only.'
		);
		expect(await v.refuse({ name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) })).toContain(
			'“empty.png” is empty.'
		);
		const huge = path.join(tmp, 'huge.png');
		const handle = await open(huge, 'w');
		await handle.truncate(300 * 1024 * 1024); // sparse: no disk used
		await handle.close();
		expect(await v.refuse(huge)).toContain('“huge.png” is 300 MB; the verifier reads files up to 256 MB.');
		expect(await v.state.count()).toBe(0);

		// A bad trust anchor file gets its own alert.
		await v.byTestId('verify-trust').setInputFiles({
			name: 'root.pem',
			mimeType: 'application/x-pem-file',
			buffer: Buffer.from('hello')
		});
		expect(squash(await v.byTestId('verify-trust-alert').textContent())).toContain(
			'“root.pem” holds no certificate'
		);

		// Still working: a good file checks as usual and the file alert is gone.
		expect(await v.check(await c2paFixturePath('C'))).toBe('untrusted');
		expect(await v.byTestId('verify-alert').count()).toBe(0);
		await v.close();
	});
});
