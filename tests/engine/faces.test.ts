// The face detector (face-blazeface) with its real weights on the wasm backend: the astronaut's face is
// found where it is, the cat and the cup show no person, a group painting shows several, nothing leaks,
// and weights that are not BlazeFace are refused with a clear message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, findDetector } from '../../src/lib/assets/catalog';
import { findFaces } from '../../src/lib/engine/faces';
import { createDetector, type FaceDetector } from '../../src/lib/engine/model';
import { EngineError } from '../../src/lib/engine/types';
import { loadProjectCatalog } from '../../src/lib/node/catalog-fs';
import { loadFaceDetector } from '../../src/lib/node/faces';
import { readImageFile } from '../../src/lib/node/image-io';
import { useWasmBackend } from '../../src/lib/node/node-engine';
import { photoPath, verifiedPath } from '../helpers/assets';
import { cacheReader } from '../helpers/engine';

type TF = Awaited<ReturnType<typeof useWasmBackend>>;

let tf: TF;
let catalog: Catalog;
let detector: FaceDetector;

beforeAll(async () => {
	tf = await useWasmBackend();
	catalog = await loadProjectCatalog();
	detector = await loadFaceDetector(catalog);
});

afterAll(() => detector?.dispose());

describe('face-blazeface', () => {
	it("finds the astronaut's one face where it is", async () => {
		const photo = await readImageFile(await photoPath('astronaut'));
		const scan = await findFaces(tf, detector, photo);
		expect(scan.faces).toHaveLength(1);
		const face = scan.faces[0]!;
		// Her face is at about x 174-277, y 76-180 (ASSETS.md); the box's centre must be on it.
		expect(face.x + face.width / 2).toBeGreaterThan(200);
		expect(face.x + face.width / 2).toBeLessThan(250);
		expect(face.y + face.height / 2).toBeGreaterThan(100);
		expect(face.y + face.height / 2).toBeLessThan(160);
		expect(scan.detector).toEqual({
			id: 'face-blazeface',
			weightsSha256: 'dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72'
		});
	});

	it('finds the same face, scaled, in a larger copy of the photo', async () => {
		const photo = await readImageFile(await photoPath('astronaut'));
		const sharp = (await import('sharp')).default;
		const { data, info } = await sharp(Buffer.from(photo.data), {
			raw: { width: 512, height: 512, channels: 4 }
		})
			.resize(2048, 2048)
			.raw()
			.toBuffer({ resolveWithObject: true });
		const big = { width: info.width, height: info.height, data: new Uint8ClampedArray(data) };
		const scan = await findFaces(tf, detector, big);
		expect(scan.faces).toHaveLength(1);
		expect(scan.faces[0]!.x + scan.faces[0]!.width / 2).toBeGreaterThan(800);
		expect(scan.faces[0]!.x + scan.faces[0]!.width / 2).toBeLessThan(1000);
	});

	it.each(['chelsea', 'coffee'] as const)('finds no person in %s', async (id) => {
		const scan = await findFaces(tf, detector, await readImageFile(await photoPath(id)));
		expect(scan.faces).toEqual([]);
	});

	it('finds several people in The Anatomy Lesson', async () => {
		const card = catalog.styles.find((s) => s.id === 'rembrandt-anatomy-lesson')!;
		const painting = await readImageFile(await verifiedPath(card.files[0]!));
		expect((await findFaces(tf, detector, painting)).faces.length).toBeGreaterThanOrEqual(5);
	});

	it('leaves no tensors behind', async () => {
		const photo = await readImageFile(await photoPath('astronaut'));
		await findFaces(tf, detector, photo);
		const before = tf.memory().numTensors;
		await findFaces(tf, detector, photo);
		expect(tf.memory().numTensors).toBe(before);
	});

	it('refuses weights that are not BlazeFace, with a message naming the detector', async () => {
		const card = findDetector(catalog);
		const other = catalog.models.find((m) => m.id === 'cartoon-whitebox')!;
		// The cartoon network's files under the detector's card: a real graph model, but not BlazeFace.
		const wrong = createDetector({ ...card, files: other.files }, tf);
		const before = tf.memory().numTensors;
		const load = wrong.load(cacheReader);
		await expect(load).rejects.toThrow(EngineError);
		await expect(load).rejects.toThrow(
			/face-blazeface: these weights are not the BlazeFace network \(no input/
		);
		expect(tf.memory().numTensors).toBe(before);
	});
});
