// The studio's exports carry signed Content Credentials that the reference validator (c2pa-rs, as
// c2pa-wasm) accepts, and the rights panel says in plain words what the image may be used for.
import { exiftool } from 'exiftool-vendored';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_JSON } from '../../src/lib/document/project';
import { readIngredientFacts } from '../../src/lib/provenance/c2pa/rakkan-assertions';
import { verifyImage } from '../../src/lib/provenance/c2pa/verify';
import { decodeImageCode, hammingDistance, imageCode } from '../../src/lib/kernels/iscc';
import { decodeImage } from '../../src/lib/node/image-io';
import { CLAIM_TOLERANCE } from '../../src/lib/server/gallery/fingerprints';
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

/** What the Rights panel shows as declared about the photo (the license fields show for a licensed one). */
async function declared(studioPage: StudioPage) {
	const license = studioPage.byTestId('content-license');
	const licensed = (await license.count()) > 0;
	return {
		origin: await studioPage.byTestId('content-origin').inputValue(),
		license: licensed ? await license.inputValue() : null,
		commercial: licensed ? await studioPage.byTestId('content-license-commercial').isChecked() : null,
		person: await studioPage.byTestId('content-person').isChecked(),
		release: await studioPage.byTestId('content-consent').inputValue()
	};
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
		// The soft binding: the ISCC code of the exported pixels, as the browser decoded them (exactly what
		// sharp decodes from a PNG); a fingerprint, so no c2pa.watermarked action.
		expect(manifest.assertions?.find((a) => a.label === 'c2pa.soft-binding')?.data).toEqual({
			alg: 'io.iscc.v0',
			blocks: [{ scope: {}, value: imageCode(await decodeImage(png)) }]
		});
		expect(JSON.stringify(manifest.assertions)).not.toContain('c2pa.watermarked');

		const root = (await studioPage.download('export-root')).toString('utf8');
		expect(root).toMatch(/^-----BEGIN CERTIFICATE-----/);
		expect((await c2paValidate(png, 'image/png', root)).state).toBe('Trusted');
		await expect(verifyImage(png, { trustAnchors: [root] })).resolves.toMatchObject({ state: 'trusted' });

		await studioPage.byTestId('export-format').selectOption('jpeg');
		const jpeg = await studioPage.download('export');
		const jpegVerdict = await c2paValidate(jpeg, 'image/jpeg');
		expect(jpegVerdict.state).toBe('Valid');
		expect(jpegVerdict.codes).toEqual(['signingCredential.untrusted']);
		const jpegBinding = (await verifyImage(jpeg)).softBindings?.[0];
		expect(jpegBinding?.alg).toBe('io.iscc.v0');
		const claimed = decodeImageCode(jpegBinding!.value)!;
		const decoded = decodeImageCode(imageCode(await decodeImage(jpeg)))!;
		expect(hammingDistance(claimed, decoded)).toBeLessThanOrEqual(CLAIM_TOLERANCE);

		// XMP, read back by ExifTool: AI source type, creator, and no AI training unless allowed.
		const file = path.join(dir, 'export.jpg');
		await writeFile(file, jpeg);
		const tags = (await exiftool.read(file)) as unknown as Record<string, unknown>;
		// The painting covers the photo: what shows is one stylization.
		expect(String(tags.DigitalSourceType)).toMatch(/\/trainedAlgorithmicMedia$/);
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

	it('keeps what was declared about the photo through a reload and a project file, into the credentials', async () => {
		const studioPage = await StudioPage.open(studio);
		const { page } = studioPage;
		const oneFace = '[data-testid=faces-found][data-count="1"]';
		await studioPage.setContent(await photoPath('astronaut'));
		await page.locator(oneFace).waitFor({ timeout: 60_000 });
		const savedAt = async () =>
			(
				JSON.parse(strFromU8(unzipSync(await studioPage.download('project-save'))[PROJECT_JSON]!)) as {
					updatedAt: string;
				}
			).updatedAt;
		const beforeStating = await savedAt();
		await studioPage.byTestId('content-origin').selectOption('licensed');
		await studioPage.byTestId('content-license').fill('CC BY 4.0');
		await studioPage.byTestId('content-license-commercial').check();
		await studioPage.byTestId('content-consent').selectOption('MR-LMR');
		await expect.poll(() => verdict(studioPage)).toBe('publishable-commercial');
		const stated = {
			origin: 'licensed',
			license: 'CC BY 4.0',
			commercial: true,
			person: true,
			release: 'MR-LMR'
		};
		await expect(declared(studioPage)).resolves.toEqual(stated);
		// Saved like an edit, though not one: history holds only the photo, and the project's time moves on.
		await page.locator('[data-testid=autosave][data-state=saved]').waitFor();
		await expect(page.locator('[data-testid=history] li').count()).resolves.toBe(1);
		expect(Date.parse(await savedAt())).toBeGreaterThan(Date.parse(beforeStating));

		// A reload brings them back (the faces are looked for again), and the verdict with them.
		await page.reload();
		await page.locator(oneFace).waitFor({ timeout: 60_000 });
		await expect(declared(studioPage)).resolves.toEqual(stated);
		await expect.poll(() => verdict(studioPage)).toBe('publishable-commercial');
		const credentials = await verifyImage(await studioPage.download('export-png'));
		const photo = credentials.ingredients.find((i) => i.title === 'astronaut.png');
		const facts = readIngredientFacts(photo?.metadata);
		expect(facts?.role === 'content' && facts.declared).toMatchObject({
			origin: 'licensed',
			license: { name: 'CC BY 4.0', allowsCommercialUse: true },
			showsIdentifiablePerson: true,
			people: { modelRelease: 'MR-LMR', faces: { checked: true, count: 1 } }
		});
		expect(credentials.record?.ok && credentials.record.data.verdict.level).toBe('publishable-commercial');

		// "Not a real person" is the user's own answer: the project file keeps it though the detector finds a face.
		await studioPage.byTestId('content-person').uncheck();
		await expect(studioPage.byTestId('content-consent').inputValue()).resolves.toBe('MR-NAP');
		const project = path.join(dir, 'astronaut.rakkan');
		await writeFile(project, await studioPage.download('project-save'));
		await page.close();
		const opened = await StudioPage.open(studio);
		await opened.byTestId('project-open').setInputFiles(project);
		await opened.page.locator(oneFace).waitFor({ timeout: 60_000 });
		await expect(declared(opened)).resolves.toEqual({ ...stated, person: false, release: 'MR-NAP' });
		await expect.poll(() => verdict(opened)).toBe('publishable-commercial');
		expect([...studioPage.errors, ...opened.errors]).toEqual([]);
		await opened.page.close();
	});

	it('follows the document, not the pickers: the non-commercial layer, an imported image, hiding and undo', async () => {
		const studioPage = await StudioPage.open(studio);
		const reasons = () => studioPage.page.locator('[data-testid=rights-reason]').allTextContents();
		await studioPage.setContent(await photoPath('coffee'));
		await studioPage.byTestId('content-origin').selectOption('own-work');
		await expect.poll(() => verdict(studioPage)).toBe('publishable-commercial');
		// Choosing a model changes nothing yet: nothing was painted with it.
		await studioPage.byTestId('model').selectOption('cartoon-whitebox');
		await expect.poll(() => verdict(studioPage)).toBe('publishable-commercial');
		await studioPage.byTestId('working-side').selectOption('512');
		await studioPage.byTestId('stylize').click();
		await expect(studioPage.waitForStatus('done', 'error')).resolves.toBe('done');
		await expect.poll(() => verdict(studioPage)).toBe('non-commercial-only');
		await expect(studioPage.byTestId('rights-verdict').textContent()).resolves.toMatch(
			/cartoon-whitebox.*CC BY-NC-SA/
		);
		// Switching the picker back keeps the reason: the cartoon layer is still in the image.
		await studioPage.byTestId('model').selectOption('arbitrary-wyf');
		await expect.poll(() => verdict(studioPage)).toBe('non-commercial-only');
		expect(await reasons()).toEqual([
			expect.stringMatching(
				/^Non-commercial only: model cartoon-whitebox is CC BY-NC-SA 4\.0 \(layer '.+'\)$/
			)
		]);

		// An image imported as a layer goes through the same questions: undeclared, its rights are unclear.
		await studioPage.byTestId('layer-import').setInputFiles(await photoPath('chelsea'));
		await studioPage.byTestId('rights-picture-import-0').waitFor();
		await expect.poll(() => verdict(studioPage)).toBe('rights-unclear');
		await expect
			.poll(reasons)
			.toEqual([
				expect.stringMatching(
					/^Rights unclear: the imported image "chelsea\.png"'s origin is unknown \(layer /
				),
				expect.stringMatching(/^Non-commercial only: model cartoon-whitebox/)
			]);
		await studioPage.byTestId('import-0-origin').selectOption('public-domain');
		await expect.poll(() => verdict(studioPage)).toBe('non-commercial-only');

		const png = await studioPage.download('export-png');
		const checked = await c2paValidate(png, 'image/png');
		expect(checked.state).toBe('Valid');
		expect(checked.codes).toEqual(['signingCredential.untrusted']);
		const active = checked.report!.manifests[checked.report!.active_manifest!]!;
		expect(active.ingredients?.map((i) => [i.title, i.relationship])).toEqual(
			expect.arrayContaining([
				['coffee.png', 'componentOf'],
				['chelsea.png', 'componentOf'],
				[expect.stringMatching(/Cartoon/i), 'inputTo']
			])
		);
		const record = (await verifyImage(png)).record;
		expect(record?.ok && record.data.verdict.level).toBe('non-commercial-only');

		// Hiding the cartoon layer removes its reason; undo brings it back.
		// Layer 0 is the photo, 1 the cartoon painting, 2 the imported image.
		await studioPage.byTestId('layer-visible-1').click();
		await expect.poll(() => verdict(studioPage)).toBe('publishable-commercial');
		await expect.poll(reasons).toEqual([]);
		await studioPage.byTestId('undo').click();
		await expect.poll(() => verdict(studioPage)).toBe('non-commercial-only');
		expect(studioPage.errors).toEqual([]);
		await studioPage.page.close();
	});

	it('gates an imported image whose own credentials forbid AI use like a photo, and a style image too', async () => {
		const studioPage = await StudioPage.open(studio);
		await studioPage.setContent(await photoPath('coffee'));
		await studioPage.byTestId('layer-import').setInputFiles(await c2paFixturePath('C_with_CAWG_data'));
		const gate = studioPage.byTestId('rights-gate-import-0');
		await gate.waitFor();
		await expect(gate.textContent()).resolves.toContain('C_with_CAWG_data.jpg');
		await expect.poll(() => verdict(studioPage)).toBe('blocked');
		await expect.poll(() => studioPage.byTestId('stylize').isDisabled()).toBe(true);
		await studioPage.byTestId('rights-confirm-import-0').check();
		await expect.poll(() => verdict(studioPage)).not.toBe('blocked');

		// A style image whose own credentials say no AI training or inference.
		await studioPage.byTestId('style-input').setInputFiles(await c2paFixturePath('C_with_CAWG_data'));
		const styleGate = studioPage.page.locator('[data-testid^=rights-gate-upload]');
		await styleGate.waitFor();
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
