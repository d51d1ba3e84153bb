// The studio's exports carry signed Content Credentials that the reference validator (c2pa-rs, as
// c2pa-wasm) accepts, and the rights panel says in plain words what the image may be used for.
import { exiftool } from 'exiftool-vendored';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyImage } from '../../src/lib/provenance/c2pa/verify';
import { photoPath } from '../helpers/assets';
import { c2paFixturePath, c2paValidate } from '../provenance/helpers';
import { makeTempDir, removeDir } from '../helpers/images';
import { type Studio, StudioPage, startStudio } from './harness';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

let studio: Studio;
let dir: string;

beforeAll(async () => {
	studio = await startStudio();
	dir = await makeTempDir('rakkan-e2e-c2pa-');
});

afterAll(async () => {
	await studio?.stop();
	await exiftool.end();
	await removeDir(dir);
});

async function verdict(studioPage: StudioPage): Promise<string | null> {
	return studioPage.byTestId('rights-verdict').getAttribute('data-level');
}

describe('studio exports with Content Credentials', () => {
	it('signs PNG and JPEG exports that c2pa-rs validates, and that it trusts with the studio root', async () => {
		const studioPage = await StudioPage.open(studio);
		// The astronaut photo shows a person: the studio finds her face, and without a model release the
		// verdict says so.
		await studioPage.setContent(await photoPath('astronaut'));
		await studioPage.byTestId('content-origin').selectOption('public-domain');
		await studioPage.page.locator('[data-testid=faces-found][data-count="1"]').waitFor({ timeout: 60_000 });
		await expect(studioPage.byTestId('content-person').isChecked()).resolves.toBe(true);
		await expect.poll(() => verdict(studioPage)).toBe('person-without-consent');
		await expect(studioPage.byTestId('rights-verdict').textContent()).resolves.toContain(
			'The photo shows 1 person; no model release recorded.'
		);
		await studioPage.byTestId('content-consent').selectOption('MR-UMR');
		await studioPage.byTestId('style-option-rembrandt-night-watch').click();
		await expect.poll(() => verdict(studioPage)).toBe('publishable-commercial');
		await expect(studioPage.byTestId('rights-verdict').textContent()).resolves.toContain(
			'May be published; commercial use allowed.'
		);

		await studioPage.byTestId('working-side').selectOption('512');
		await studioPage.byTestId('stylize').click();
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		await studioPage.byTestId('creator-name').fill('Test Painter');

		const png = await studioPage.download('export-png');
		const pngVerdict = await c2paValidate(png, 'image/png');
		expect(pngVerdict.state).toBe('Valid');
		expect(pngVerdict.codes).toEqual(['signingCredential.untrusted']);
		const manifest = pngVerdict.report!.manifests[pngVerdict.report!.active_manifest!]!;
		const titles = manifest.ingredients?.map((i) => i.title) ?? [];
		expect(titles).toContain('astronaut.png');
		expect(titles.some((t) => /Night Watch/.test(t ?? ''))).toBe(true);
		expect(titles.some((t) => /whatsyourface|Arbitrary/.test(t ?? ''))).toBe(true);

		const root = (await studioPage.download('export-root')).toString('utf8');
		expect(root).toMatch(/^-----BEGIN CERTIFICATE-----/);
		expect((await c2paValidate(png, 'image/png', root)).state).toBe('Trusted');
		await expect(verifyImage(png, { trustAnchors: [root] })).resolves.toMatchObject({ state: 'trusted' });

		await studioPage.byTestId('export-format').selectOption('jpeg');
		const jpeg = await studioPage.download('export');
		const jpegVerdict = await c2paValidate(jpeg, 'image/jpeg');
		expect(jpegVerdict.state).toBe('Valid');
		expect(jpegVerdict.codes).toEqual(['signingCredential.untrusted']);

		// XMP, read back by ExifTool: AI source type, creator, and no AI training unless allowed.
		const file = path.join(dir, 'export.jpg');
		await writeFile(file, jpeg);
		const tags = (await exiftool.read(file)) as unknown as Record<string, unknown>;
		expect(String(tags.DigitalSourceType)).toContain('compositeWithTrainedAlgorithmicMedia');
		expect(String(tags.Creator)).toContain('Test Painter');
		expect(String(tags.DataMining)).toMatch(/PROHIBITED/i);
		// The model release in the PLUS vocabulary, and how many people the detector found (no names).
		expect(tags.ModelReleaseStatus).toBe('Unlimited Model Releases');
		expect(tags.PeopleShown).toBe(1);
		expect(tags).not.toHaveProperty('PersonInImage');
		// The credentials record which detector counted, with its weights' hash, as part of the photo's rights.
		const credentials = await verifyImage(jpeg);
		const recorded = JSON.stringify(credentials.ingredients);
		expect(recorded).toContain('"modelRelease":"MR-UMR"');
		expect(recorded).toContain('"count":1');
		expect(recorded).toContain('dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72');

		// One byte of image data flipped: both verifiers call it tampered.
		const flipped = Buffer.from(png);
		flipped[flipped.length - 40] = flipped[flipped.length - 40]! ^ 0xff;
		expect((await c2paValidate(flipped, 'image/png')).codes).toContain('assertion.dataHash.mismatch');
		await expect(verifyImage(flipped)).resolves.toMatchObject({ state: 'tampered' });
		expect(studioPage.errors).toEqual([]);
		await studioPage.page.close();
	});

	it('explains non-commercial and unclear rights, and blocks a style image whose credentials forbid AI use', async () => {
		const studioPage = await StudioPage.open(studio);
		await studioPage.setContent(await photoPath('coffee'));
		await studioPage.byTestId('content-origin').selectOption('own-work');
		await studioPage.byTestId('model').selectOption('cartoon-whitebox');
		await expect.poll(() => verdict(studioPage)).toBe('non-commercial-only');
		await expect(studioPage.byTestId('rights-verdict').textContent()).resolves.toMatch(
			/cartoon-whitebox.*CC BY-NC-SA/
		);

		await studioPage.byTestId('model').selectOption('arbitrary-wyf');
		await studioPage.byTestId('style-input').setInputFiles(await photoPath('chelsea'));
		await expect.poll(() => verdict(studioPage)).toBe('rights-unclear');
		await expect.poll(() => studioPage.byTestId('rights-verdict').textContent()).toMatch(/origin is unknown/);

		// A style image whose own credentials say no AI training or inference.
		await studioPage.byTestId('style-input').setInputFiles(await c2paFixturePath('C_with_CAWG_data'));
		const gate = studioPage.page.locator('[data-testid^=rights-gate-upload]');
		await gate.waitFor();
		await expect(gate.textContent()).resolves.toContain('C_with_CAWG_data.jpg');
		await expect.poll(() => studioPage.byTestId('stylize').isDisabled()).toBe(true);
		await studioPage.page.locator('[data-testid^=rights-confirm-upload]').check();
		await expect.poll(() => studioPage.byTestId('stylize').isDisabled()).toBe(false);
		await studioPage.page.close();
	});

	it('remixes a photo that carries credentials: the export names it as parent and keeps its manifest', async () => {
		const studioPage = await StudioPage.open(studio);
		await studioPage.setContent(await c2paFixturePath('CA'));
		await studioPage.page.locator('[data-testid=content-credentials][data-state=valid]').waitFor();
		// A licensed photo: the verdict follows the license the user names.
		await studioPage.byTestId('content-origin').selectOption('licensed');
		await studioPage.byTestId('style-option-klimt-the-kiss').click();
		await expect.poll(() => verdict(studioPage)).toBe('rights-unclear');
		await studioPage.byTestId('content-license').fill('CC BY 4.0');
		await studioPage.byTestId('content-license-commercial').check();
		await expect.poll(() => verdict(studioPage)).toBe('publishable-commercial');

		await studioPage.byTestId('working-side').selectOption('512');
		await studioPage.byTestId('stylize').click();
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		const png = await studioPage.download('export-png');
		const checked = await c2paValidate(png, 'image/png');
		expect(checked.state).toBe('Valid');
		expect(checked.codes).toEqual(['signingCredential.untrusted']);
		const active = checked.report!.manifests[checked.report!.active_manifest!]!;
		const parent = active.ingredients?.find((i) => i.relationship === 'parentOf');
		expect(parent?.title).toBe('CA.jpg');
		expect(parent?.active_manifest).toBeTruthy();
		expect(Object.keys(checked.report!.manifests).length).toBeGreaterThan(1);
		await studioPage.page.close();
	});
});
