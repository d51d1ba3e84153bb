// Durable credentials in real Chromium against the production build (one server, one browser): a signed
// painting is shared to the gallery; a copy of it that went through a chat app (metadata stripped, JPEG
// quality 60) is dropped on /verify, which says it has no credentials and, on request, finds the signed
// original and shows the ORIGINAL's credentials, labelled as such, while the copy stays "no credentials".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSFORMATIONS } from '../helpers/transformations';
import { testIdentity } from '../provenance/helpers';
import { signedPhotoPainting } from '../gallery/images';
import { ApiClient, uniqueName } from '../gallery/server';
import { startGallery, type Studio } from './harness';

const WAIT = { timeout: 60_000 };

let gallery: Studio;

beforeAll(async () => {
	gallery = await startGallery();
});

afterAll(async () => {
	await gallery?.stop();
});

describe('/verify: Find the original', () => {
	it('leads from a stripped, re-compressed copy to the signed original in the gallery', async () => {
		const id = await testIdentity('Durable Painter');
		const { bytes } = await signedPhotoPainting(id, 'coffee');
		const owner = new ApiClient(gallery.url);
		expect((await owner.signup(uniqueName('painter'))).status).toBe(201);
		const shared = await owner.upload(bytes, { title: 'Morning coffee', rightsConfirmed: 'true' });
		expect(shared.status).toBe(201);
		const copy = await TRANSFORMATIONS.find((t) => t.name === 'jpeg-q60')!.apply(bytes);

		const page = await gallery.browser.newPage({ viewport: { width: 1280, height: 900 } });
		const errors: string[] = [];
		page.on('pageerror', (error) => errors.push(error.message));
		await page.goto(`${gallery.url}/verify`);
		await page.getByTestId('verify-input').setInputFiles({
			name: 'from-a-chat.jpg',
			mimeType: 'image/jpeg',
			buffer: Buffer.from(copy)
		});
		const state = page.getByTestId('verify-state');
		await state.waitFor(WAIT);
		expect(await state.getAttribute('data-state')).toBe('none');

		await page.getByTestId('find-original').click();
		const match = page.getByTestId('original-match');
		await match.first().waitFor(WAIT);
		expect(await match.count()).toBe(1);
		expect(await match.getAttribute('data-image-id')).toBe(shared.body.id);
		expect(Number(await match.getAttribute('data-similarity'))).toBeGreaterThanOrEqual(84);
		await expect(match.textContent()).resolves.toMatch(/\d+% similar/);
		expect(await match.getByRole('link').getAttribute('href')).toBe(`/gallery/${shared.body.id}`);

		const credentials = page.getByTestId('original-credentials');
		await expect(credentials.getByRole('heading').first().textContent()).resolves.toBe(
			'Credentials of the original, not of this file'
		);
		await expect(credentials.textContent()).resolves.toMatch(/The file you opened carries none of them/);
		expect(await page.getByTestId('original-state').getAttribute('data-state')).toBe('untrusted');
		await expect(credentials.textContent()).resolves.toContain('Durable Painter');
		// The file in hand is still said to have no credentials.
		expect(await state.getAttribute('data-state')).toBe('none');

		await match.getByRole('link').click();
		await page.getByTestId('image-title').waitFor(WAIT);
		await expect(page.getByTestId('image-title').textContent()).resolves.toBe('Morning coffee');
		expect(await page.getByTestId('image-fingerprint').getAttribute('data-agrees')).toBe('true');
		expect(errors).toEqual([]);
		await page.close();
	});
});
