// Faces in the studio: Protect faces makes a feathered region around the detected faces, and stylizing
// inside it leaves the face's pixels as they were; an imported picture's faces are found, boxed and
// counted too, Stylize only the faces on it paints its face and nothing else, and /verify shows each
// picture's people facts; a detector that cannot load is said so, and the verdict says the faces were not checked (never that there are none).
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyImage } from '../../src/lib/provenance/c2pa/verify';
import { photoPath } from '../helpers/assets';
import { type Studio, StudioPage, startStudio } from './harness';

let studio: Studio;

beforeAll(async () => {
	studio = await startStudio();
});

afterAll(async () => {
	await studio?.stop();
});

async function rgba(bytes: Buffer | string) {
	const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width };
}

describe('faces in the studio', () => {
	it('protect faces: the stylized layer leaves the face pixels unchanged', async () => {
		const page = await StudioPage.open(studio);
		await page.setContent(await photoPath('astronaut'));
		await page.page.locator('[data-testid=faces-found][data-count="1"]').waitFor({ timeout: 60_000 });
		await expect(page.page.locator('[data-testid=face-boxes] rect').count()).resolves.toBe(1);
		await page.byTestId('show-faces').uncheck();
		await expect(page.page.locator('[data-testid=face-boxes]').count()).resolves.toBe(0);

		await page.byTestId('style-option-rembrandt-night-watch').click();
		await page.byTestId('working-side').selectOption('512');
		await page.byTestId('protect-faces').click();
		await expect.poll(() => page.byTestId('history').textContent()).toMatch(/protect faces/);
		await page.byTestId('apply-to-mask').click();
		await expect(page.waitForStatus('done', 'error')).resolves.toBe('done');

		const exported = await rgba(await page.download('export-png'));
		const photo = await rgba(await photoPath('astronaut'));
		const differs = (x: number, y: number) => {
			const i = (y * photo.width + x) * 4;
			return [0, 1, 2].some((c) => Math.abs(exported.data[i + c]! - photo.data[i + c]!) > 1);
		};
		// Her face (x 174-277, y 76-180): the centre of the box is the photo's own pixels.
		let changedOnFace = 0;
		for (let y = 110; y < 150; y++) for (let x = 205; x < 245; x++) if (differs(x, y)) changedOnFace++;
		expect(changedOnFace).toBe(0);
		// Away from the face the painting shows.
		let changedElsewhere = 0;
		for (let y = 400; y < 440; y++) for (let x = 400; x < 440; x++) if (differs(x, y)) changedElsewhere++;
		expect(changedElsewhere).toBeGreaterThan(800);
		expect(page.errors).toEqual([]);
		await page.page.close();
	});

	it('stylize only the faces of an imported picture: its face changes, nothing outside the mask does', async () => {
		const page = await StudioPage.open(studio);
		// The rocket photo (640x427, no person) and the astronaut imported on top, at the document's origin.
		await page.setContent(await photoPath('rocket'));
		await page.page.locator('[data-testid=faces-found][data-count="0"]').waitFor({ timeout: 60_000 });
		await page.byTestId('layer-import').setInputFiles(await photoPath('astronaut'));
		await page.page
			.locator('[data-testid=import-0-faces-found][data-count="1"]')
			.waitFor({ timeout: 60_000 });
		await expect.poll(() => page.page.locator('[data-testid=face-boxes] rect').count()).toBe(1);
		const before = await rgba(await page.download('export-png'));

		// The imported picture is selected: the face mask is made from its faces.
		await page.byTestId('style-option-rembrandt-night-watch').click();
		await page.byTestId('working-side').selectOption('512');
		await page.byTestId('faces-only').click();
		await expect.poll(() => page.byTestId('history').textContent()).toMatch(/stylize only the faces/);
		await page.byTestId('apply-to-mask').click();
		await expect(page.waitForStatus('done', 'error')).resolves.toBe('done');

		const png = await page.download('export-png');
		const after = await rgba(png);
		const differs = (x: number, y: number) => {
			const i = (y * before.width + x) * 4;
			return [0, 1, 2].some((c) => Math.abs(after.data[i + c]! - before.data[i + c]!) > 1);
		};
		// Her face (x 174-277, y 76-180): painted.
		let changedOnFace = 0;
		for (let y = 110; y < 150; y++) for (let x = 205; x < 245; x++) if (differs(x, y)) changedOnFace++;
		expect(changedOnFace).toBeGreaterThan(800);
		// Outside the feathered oval (1.5 times the face's box, a little taller): not a pixel changed.
		let changedOutside = 0;
		for (let y = 0; y < 427; y++) {
			for (let x = 0; x < 640; x++) {
				const inOval = ((x - 225) / 100) ** 2 + ((y - 120) / 120) ** 2 <= 1;
				if (!inOval && differs(x, y)) changedOutside++;
			}
		}
		expect(changedOutside).toBe(0);
		// The credentials give each picture its own people facts: the imported one shows one face.
		const { ingredients } = await verifyImage(png);
		const facts = (title: string) => JSON.stringify(ingredients.find((i) => i.title === title)?.metadata);
		expect(facts('astronaut.png')).toContain('"count":1');
		expect(facts('rocket.jpg')).toContain('"count":0');
		// /verify shows each picture's people facts from the credentials.
		await page.page.goto(`${studio.url}/verify`);
		await page.page
			.getByTestId('verify-input')
			.setInputFiles({ name: 'faces.png', mimeType: 'image/png', buffer: png });
		const people = page.page.getByTestId('verify-people');
		await people.first().waitFor({ timeout: 60_000 });
		const shown = await people.evaluateAll((nodes) =>
			nodes.map((n) => [n.getAttribute('data-faces'), n.getAttribute('data-release'), n.textContent])
		);
		expect(shown).toHaveLength(2);
		expect(shown).toContainEqual([
			'1',
			'MR-NON',
			expect.stringMatching(
				/1 face found by face-blazeface \(weights sha256 dc9a97fdc50bc432…\)\.\s+Model release: None: no model release \(MR-NON\)/
			)
		]);
		expect(shown).toContainEqual(['0', 'MR-NON', expect.stringMatching(/No faces found/)]);
		expect(page.errors).toEqual([]);
		await page.page.close();
	});

	it('says faces were not checked when the detector cannot load', async () => {
		const context = await studio.browser.newContext();
		// The detector's weights cannot be fetched: its load fails in the engine worker.
		await context.route(/blazeface\.bin$/, (route) => route.abort());
		const page = await StudioPage.open(studio, { context });
		await page.setContent(await photoPath('astronaut'));
		const notice = page.page.locator('[data-testid=faces-found][data-status=failed]');
		await notice.waitFor({ timeout: 60_000 });
		await expect(notice.textContent()).resolves.toMatch(/Faces were not checked: .+/);
		await page.byTestId('content-origin').selectOption('own-work');
		await expect
			.poll(() => page.byTestId('rights-verdict').getAttribute('data-level'))
			.toBe('rights-unclear');
		const words = await page.byTestId('rights-verdict').textContent();
		expect(words).toContain('faces in the photo were not checked');
		expect(words).not.toMatch(/no faces/i);
		await context.close();
	});
});
