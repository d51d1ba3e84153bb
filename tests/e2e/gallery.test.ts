// The gallery in real Chromium against the production build, with a server of its own whose data lives
// in a fresh temporary directory: accounts, sharing from the studio, the gallery grid and filters, an
// image's page with its Content Credentials and original, private images, reports and hiding, remixes,
// API tokens, and an accessibility check of the pages.
import { crc32 } from 'node:zlib';
import { type BrowserContext, type Page, request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GalleryImage } from '../../src/lib/gallery/api';
import { remixFileName } from '../../src/lib/gallery/remix';
import { verifyImage } from '../../src/lib/provenance/c2pa/verify';
import { photoPath } from '../helpers/assets';
import {
	downloadOf,
	seriousAxeViolations,
	startGallery,
	STUDIO_VIEWPORT,
	type Studio,
	StudioPage
} from './harness';

const PASSWORD = 'correct horse battery staple';
/** A title that would run script if it were ever put into the page as HTML. */
const HOSTILE_TITLE = 'Harbour at dusk <script>alert(1)</script><img src=x onerror=alert(2)>';
const PRIVATE_TITLE = 'A private sketch';
const REMIX_TITLE = 'Harbour, inked again';
/** How long to wait for the page to show what a request brought (the machine may be busy). */
const WAIT = { timeout: 60_000 };

let gallery: Studio;
/** Every dialog any page opened ("alert: 1" would mean a title ran as script). */
const dialogs: string[] = [];
let owner: BrowserContext;
let viewer: BrowserContext;
let publicImage: { id: string; uploaded: Buffer };
let privateId: string;

beforeAll(async () => {
	gallery = await startGallery();
});

afterAll(async () => {
	await gallery?.stop();
});

/** A browser context of its own (its own cookies): one person. Confirm dialogs are accepted. */
async function newPerson(): Promise<BrowserContext> {
	const context = await gallery.browser.newContext({ viewport: STUDIO_VIEWPORT, acceptDownloads: true });
	context.on('dialog', (dialog) => {
		dialogs.push(`${dialog.type()}: ${dialog.message()}`);
		void (dialog.type() === 'confirm' ? dialog.accept() : dialog.dismiss());
	});
	// Keeps a copy of every file the page sends to POST /api/images, to compare with what comes back.
	await context.addInitScript(() => {
		const sent: string[] = [];
		Object.assign(window, { sentUploads: sent });
		const send = window.fetch.bind(window);
		window.fetch = async (input, init) => {
			const file = init?.body instanceof FormData ? init.body.get('file') : null;
			if (file instanceof Blob) {
				const bytes = new Uint8Array(await file.arrayBuffer());
				let text = '';
				for (const byte of bytes) text += String.fromCharCode(byte);
				sent.push(btoa(text));
			}
			return send(input, init);
		};
	});
	return context;
}

async function sentUploads(page: Page): Promise<Buffer[]> {
	const sent = await page.evaluate(() => (window as unknown as { sentUploads: string[] }).sentUploads);
	return sent.map((b64) => Buffer.from(b64, 'base64'));
}

async function signUp(context: BrowserContext, username: string): Promise<Page> {
	const page = await context.newPage();
	await page.goto(`${gallery.url}/signup`);
	await page.getByTestId('signup-username').fill(username);
	await page.getByTestId('signup-password').fill(PASSWORD);
	await page.getByTestId('signup-submit').click();
	await page.getByTestId('signed-in-as').filter({ hasText: username }).waitFor();
	return page;
}

/** manga-ink has no weights: the quickest real painting. */
async function paint(studioPage: StudioPage): Promise<void> {
	await studioPage.byTestId('model').selectOption('manga-ink');
	await studioPage.byTestId('working-side').selectOption('512');
	await studioPage.byTestId('stylize').click();
	await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
}

/** Shares the painting and returns the new image's id (from the link the panel shows). */
async function share(
	studioPage: StudioPage,
	title: string,
	visibility: 'public' | 'unlisted' | 'private'
): Promise<string> {
	await studioPage.byTestId('share-title').fill(title);
	await studioPage.byTestId('share-description').fill(`Made in an end-to-end test: ${title}`);
	await studioPage.byTestId('share-visibility').selectOption(visibility);
	await studioPage.byTestId('share-rights-confirmed').check();
	await studioPage.byTestId('share').click();
	const link = studioPage.byTestId('share-result');
	await expect.poll(() => link.count().then((n) => (n ? link.textContent() : null)), WAIT).toBe(title);
	const id = /\/gallery\/([^/?#]+)$/.exec((await link.getAttribute('href')) ?? '')?.[1];
	expect(id).toBeTruthy();
	return id!;
}

/** The PNG with one letter of its XMP packet changed (and the chunk's CRC mended): still a valid PNG,
 * but no longer the bytes that were signed. */
function withChangedXmp(png: Buffer): Buffer {
	const out = Buffer.from(png);
	let at = 8;
	while (at < out.length) {
		const length = out.readUInt32BE(at);
		const type = out.toString('latin1', at + 4, at + 8);
		const data = out.subarray(at + 8, at + 8 + length);
		const letter = data.indexOf('Rakkan');
		if (type === 'iTXt' && letter >= 0) {
			data[letter] = 'r'.charCodeAt(0);
			out.writeUInt32BE(crc32(out.subarray(at + 4, at + 8 + length)), at + 8 + length);
			return out;
		}
		at += 12 + length;
	}
	throw new Error('the PNG has no XMP packet naming Rakkan');
}

async function imageJson(page: Page, id: string): Promise<GalleryImage> {
	const response = await page.request.get(`${gallery.url}/api/images/${id}`);
	expect(response.status()).toBe(200);
	return (await response.json()) as GalleryImage;
}

async function galleryTitles(page: Page, query = ''): Promise<string[]> {
	await page.goto(`${gallery.url}/gallery${query}`);
	return page.getByTestId('gallery-item-title').allTextContents();
}

describe('the gallery', () => {
	it('signs up, shares from the studio, and shows the painting with its attribution, credentials and original', async () => {
		owner = await newPerson();
		await signUp(owner, 'painter_a');
		const studioPage = await StudioPage.open(gallery, { context: owner });
		const { page } = studioPage;
		await studioPage.setContent(await photoPath('coffee'));
		await paint(studioPage);
		// Nobody said where the photo comes from: public sharing waits for the owner's confirmation.
		await studioPage.byTestId('share-title').fill(HOSTILE_TITLE);
		await studioPage.byTestId('share').click();
		await expect(studioPage.byTestId('share-alert').textContent(WAIT)).resolves.toMatch(/confirm/i);
		await expect(studioPage.byTestId('share-alert').getAttribute('role')).resolves.toBe('alert');
		await expect(studioPage.byTestId('share-result').count()).resolves.toBe(0);
		const id = await share(studioPage, HOSTILE_TITLE, 'public');
		privateId = await share(studioPage, PRIVATE_TITLE, 'private');
		const sent = await sentUploads(page);
		// The refused upload, the public one, the private one.
		expect(sent).toHaveLength(3);
		publicImage = { id, uploaded: sent[1]! };
		await expect(verifyImage(publicImage.uploaded)).resolves.toMatchObject({ state: 'untrusted' });

		// Its page: the hostile title as text, valid credentials from an unknown signer, the model named.
		await page.goto(`${gallery.url}/gallery/${id}`);
		await expect(page.getByTestId('image-title').textContent()).resolves.toBe(HOSTILE_TITLE);
		await expect(page.locator('img[src="x"]').count()).resolves.toBe(0);
		await expect(page.getByTestId('credentials-state').getAttribute('data-state')).resolves.toBe('untrusted');
		await expect(page.getByTestId('credentials-state').textContent()).resolves.toMatch(/Valid/);
		await expect(page.getByTestId('credentials-panel').textContent()).resolves.toContain('manga-ink');
		const original = await downloadOf(page.getByTestId('download-original'));
		expect(original.equals(publicImage.uploaded)).toBe(true);

		// The grid: the public image with the server's attribution line, and not the private one.
		const json = await imageJson(page, id);
		expect(json.attribution).toMatch(/manga/i);
		// The home page shows it from the gallery too; the private one never, not even to its owner.
		await page.goto(`${gallery.url}/`);
		const fromGallery = page.getByTestId('home-gallery').getByTestId('gallery-item');
		await expect(fromGallery.getByTestId('gallery-item-title').allTextContents()).resolves.toEqual([
			HOSTILE_TITLE
		]);
		await expect(fromGallery.getByTestId('gallery-attribution').textContent()).resolves.toBe(
			json.attribution
		);
		await expect(galleryTitles(page)).resolves.toEqual([HOSTILE_TITLE]);
		const item = page.getByTestId('gallery-item');
		await expect(item.getByTestId('gallery-attribution').textContent()).resolves.toBe(json.attribution);
		await expect(item.locator('img').getAttribute('src')).resolves.toBe(json.thumbnailUrl);

		// Filters by model, through the form.
		await page.getByTestId('filter-model').selectOption('manga-ink');
		await page.getByRole('button', { name: 'Filter' }).click();
		await page.waitForURL(/model=manga-ink/);
		await expect(page.getByTestId('gallery-item').count()).resolves.toBe(1);
		await page.getByTestId('filter-model').selectOption('arbitrary-wyf');
		await page.getByRole('button', { name: 'Filter' }).click();
		await page.waitForURL(/model=arbitrary-wyf/);
		await expect(page.getByTestId('gallery-empty').count()).resolves.toBe(1);
		await expect(galleryTitles(page, '?creator=painter_a')).resolves.toEqual([HOSTILE_TITLE]);
		await expect(galleryTitles(page, '?creator=nobody_else')).resolves.toEqual([]);

		expect(dialogs.filter((d) => d.startsWith('alert'))).toEqual([]);
		expect(studioPage.errors).toEqual([]);
		await page.close();
	});

	it('keeps a private image from another account: not listed, and its page and original are 404', async () => {
		viewer = await newPerson();
		const page = await signUp(viewer, 'viewer_b');
		await expect(galleryTitles(page)).resolves.toEqual([HOSTILE_TITLE]);
		const response = await page.goto(`${gallery.url}/gallery/${privateId}`);
		expect(response?.status()).toBe(404);
		await expect(page.getByTestId('image-title').count()).resolves.toBe(0);
		expect((await page.request.get(`${gallery.url}/api/images/${privateId}/original`)).status()).toBe(404);

		// Its owner sees it, and deletes it.
		const ownerPage = await owner.newPage();
		expect((await ownerPage.goto(`${gallery.url}/gallery/${privateId}`))?.status()).toBe(200);
		await expect(ownerPage.getByTestId('image-title').textContent()).resolves.toBe(PRIVATE_TITLE);
		// Made unlisted, anyone with the address sees it; then deleted, nobody does.
		await ownerPage.getByTestId('edit-visibility').selectOption('unlisted');
		await ownerPage.getByTestId('save-visibility').click();
		await expect(ownerPage.getByRole('status').textContent(WAIT)).resolves.toMatch(/now unlisted/);
		expect((await page.goto(`${gallery.url}/gallery/${privateId}`))?.status()).toBe(200);
		await ownerPage.getByTestId('delete-image').click();
		await ownerPage.waitForURL(/\/gallery$/);
		expect((await ownerPage.goto(`${gallery.url}/gallery/${privateId}`))?.status()).toBe(404);
		await ownerPage.close();
		await page.close();
	});

	it('shows an image whose bytes changed after signing as tampered, never as valid', async () => {
		const tampered = withChangedXmp(publicImage.uploaded);
		await expect(verifyImage(tampered)).resolves.toMatchObject({ state: 'tampered' });
		const page = await owner.newPage();
		const upload = await page.request.post(`${gallery.url}/api/images`, {
			headers: { origin: gallery.url },
			multipart: {
				file: { name: 'tampered.png', mimeType: 'image/png', buffer: tampered },
				title: 'A tampered copy',
				description: '',
				visibility: 'unlisted',
				rightsConfirmed: 'true'
			}
		});
		expect(upload.status()).toBe(201);
		const { id } = (await upload.json()) as GalleryImage;
		await page.goto(`${gallery.url}/gallery/${id}`);
		const state = page.getByTestId('credentials-state');
		await expect(state.getAttribute('data-state')).resolves.toBe('tampered');
		await expect(state.textContent()).resolves.toMatch(/Tampered/);
		await expect(state.textContent()).resolves.not.toMatch(/Valid/);
		await expect(page.getByTestId('credentials-caveat').count()).resolves.toBe(1);
		await expect(page.getByTestId('image-label').allTextContents()).resolves.toContain('tampered');
		await page.close();
	});

	it('takes a report from anyone signed in; the owner reads it and hides the image from the gallery', async () => {
		const page = await viewer.newPage();
		await page.goto(`${gallery.url}/gallery/${publicImage.id}`);
		await expect(page.getByTestId('delete-image').count()).resolves.toBe(0);
		await expect(page.getByTestId('reports').count()).resolves.toBe(0);
		await page.getByTestId('report-reason').fill('This paints over my photo, which I never licensed.');
		await page.getByTestId('report-submit').click();
		await page.getByTestId('report-sent').waitFor();

		const ownerPage = await owner.newPage();
		await ownerPage.goto(`${gallery.url}/gallery/${publicImage.id}`);
		await expect(ownerPage.getByTestId('report').textContent()).resolves.toContain('never licensed');
		await ownerPage.getByTestId('hide-image').click();
		await expect.poll(() => ownerPage.getByTestId('hide-image').textContent(), WAIT).toMatch(/Unhide/);
		await expect(galleryTitles(page)).resolves.toEqual([]);
		await ownerPage.getByTestId('hide-image').click();
		await expect.poll(() => ownerPage.getByTestId('hide-image').textContent(), WAIT).toMatch(/Hide from/);
		await expect(galleryTitles(page)).resolves.toEqual([HOSTILE_TITLE]);
		await ownerPage.close();
		await page.close();
	});

	it('remixes a gallery image: the studio paints over it and its export names the image as parent', async () => {
		const page = await viewer.newPage();
		await page.goto(`${gallery.url}/gallery/${publicImage.id}`);
		await page.getByTestId('remix').click();
		await page.waitForURL(/\/studio\?remix=/);
		const studioPage = new StudioPage(page);
		await page.locator('[data-testid=content-credentials][data-state=valid]').waitFor({ timeout: 60_000 });
		await expect(studioPage.byTestId('content-size').textContent()).resolves.toContain('600×400');
		// Rakkan's exports forbid AI use unless their maker allowed it: the remixer must confirm their right.
		await studioPage.byTestId('rights-gate-content').waitFor();
		await studioPage.byTestId('rights-confirm-content').check();
		await page.locator('[data-testid=backend][data-backend]:not([data-backend=""])').waitFor(WAIT);
		await paint(studioPage);

		const exported = await studioPage.exportPng();
		const result = await verifyImage(exported);
		expect(result.state).toBe('untrusted');
		const parent = result.ingredients.find((i) => i.relationship === 'parentOf');
		const original = await verifyImage(publicImage.uploaded);
		expect(parent?.title).toBe(
			remixFileName({ id: publicImage.id, title: HOSTILE_TITLE, mimeType: 'image/png' })
		);
		expect(parent?.manifest?.label).toBe(original.activeManifest);

		// Shared, the remix links back to the image it was made from.
		const remixId = await share(studioPage, REMIX_TITLE, 'public');
		await page.goto(`${gallery.url}/gallery/${remixId}`);
		await expect(page.getByTestId('image-parent').getAttribute('href')).resolves.toMatch(
			new RegExp(`/gallery/${publicImage.id}$`)
		);
		expect(studioPage.errors).toEqual([]);
		await page.close();
	});

	it('pages through the gallery with More, newest first', async () => {
		const page = await viewer.newPage();
		await expect(galleryTitles(page, '?limit=1')).resolves.toEqual([REMIX_TITLE]);
		await page.getByTestId('gallery-more').click();
		await page.waitForURL(/cursor=/);
		await expect(page.getByTestId('gallery-item-title').allTextContents()).resolves.toEqual([HOSTILE_TITLE]);
		await expect(page.getByTestId('gallery-more').count()).resolves.toBe(0);
		await page.close();
	});

	it('signs out, refuses a wrong password in words, and signs in again', async () => {
		const page = await viewer.newPage();
		await page.goto(`${gallery.url}/gallery`);
		await page.getByTestId('signout').click();
		await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
		await expect(page.getByTestId('signed-in-as').count()).resolves.toBe(0);
		await page.goto(`${gallery.url}/studio`);
		await page.getByTestId('share-signed-out').waitFor();

		await page.goto(`${gallery.url}/signin`);
		await page.getByTestId('signin-username').fill('viewer_b');
		await page.getByTestId('signin-password').fill('not the password');
		await page.getByTestId('signin-submit').click();
		await expect(page.getByRole('alert').textContent()).resolves.toMatch(/\w/);
		await page.getByTestId('signin-password').fill(PASSWORD);
		await page.getByTestId('signin-submit').click();
		await page.getByTestId('signed-in-as').filter({ hasText: 'viewer_b' }).waitFor();
		await page.close();
	});

	it('makes a personal API token that works as a bearer token until it is revoked', async () => {
		const page = await owner.newPage();
		await page.goto(`${gallery.url}/account/tokens`);
		await page.getByTestId('token-name').fill('laptop CLI');
		await page.getByTestId('token-create').click();
		const token = await page.getByTestId('token-secret').inputValue();
		expect(token.length).toBeGreaterThan(20);
		await expect(page.getByTestId('token-row').textContent()).resolves.toContain('laptop CLI');

		const cli = await request.newContext();
		const me = async () =>
			(await cli.get(`${gallery.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json();
		await expect(me()).resolves.toMatchObject({ user: { username: 'painter_a' } });
		await page.getByTestId('token-revoke').click();
		await expect.poll(() => page.getByTestId('token-row').count(), WAIT).toBe(0);
		const after = await cli.get(`${gallery.url}/api/auth/me`, {
			headers: { authorization: `Bearer ${token}` }
		});
		expect(after.status() === 401 || ((await after.json()) as { user: unknown }).user === null).toBe(true);
		await cli.dispose();
		await page.close();
	});

	it('has no serious or critical accessibility violations on the gallery, an image, sign in and sign up', async () => {
		// axe is injected as a script, which the pages' Content-Security-Policy would rightly refuse.
		const context = await gallery.browser.newContext({
			bypassCSP: true,
			storageState: await owner.storageState()
		});
		const page = await context.newPage();
		for (const path of ['/gallery', `/gallery/${publicImage.id}`, '/signin', '/signup', '/account/tokens']) {
			await page.goto(`${gallery.url}${path}`);
			const violations = await seriousAxeViolations(page);
			expect({ path, violations }).toEqual({ path, violations: [] });
		}
		await context.close();
	});
});
