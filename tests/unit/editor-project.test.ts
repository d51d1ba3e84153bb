import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/document/blob-store';
import {
	addLayer,
	addStylizedLayer,
	createLayer,
	editMask,
	removeLayer,
	setOpacity
} from '../../src/lib/document/document';
import {
	applyChange,
	projectPictures,
	referencedImages,
	statementsFor,
	undoProject
} from '../../src/lib/document/history';
import {
	PROJECT_ERRORS,
	PROJECT_JSON,
	PROJECT_VERSION,
	ProjectFileError,
	type ProjectErrorCode,
	readProjectFile,
	writeProjectFile
} from '../../src/lib/document/project';
import type { PictureStatements, Project } from '../../src/lib/document/types';
import { photoProject, recipeFor, solidPng, STYLE_SHA, storedPng, stylizedProject } from '../helpers/editor';

async function savedFile() {
	const made = await stylizedProject();
	const region = await storedPng(made.store, 40, 30, 255);
	let project = applyChange(
		made.project,
		editMask(made.project.document, { kind: 'region' }, { kind: 'fill' }, region)
	);
	project = applyChange(project, setOpacity(project.document, made.stylized.id, 0.4));
	project = undoProject(project);
	return { ...made, project, bytes: await writeProjectFile(project, made.store) };
}

function entries(bytes: Uint8Array): Record<string, Uint8Array> {
	return unzipSync(bytes);
}

/** The file with its project.json replaced (the blobs kept). */
function withJson(bytes: Uint8Array, json: string): Uint8Array {
	const files: Zippable = { ...entries(bytes), [PROJECT_JSON]: strToU8(json) };
	return zipSync(files);
}

function projectJson(bytes: Uint8Array): Project {
	return JSON.parse(strFromU8(entries(bytes)[PROJECT_JSON]!)) as Project;
}

async function refusal(bytes: Uint8Array): Promise<ProjectErrorCode> {
	try {
		await readProjectFile(bytes);
	} catch (error) {
		if (error instanceof ProjectFileError) {
			expect(error.message).toBe(PROJECT_ERRORS[error.code]);
			return error.code;
		}
		throw error;
	}
	throw new Error('the file was accepted');
}

/** Sets the uncompressed size an entry declares in the zip's central directory. */
function declareSize(bytes: Uint8Array, name: string, size: number): Uint8Array {
	const out = bytes.slice();
	const view = new DataView(out.buffer);
	for (let at = 0; at + 46 < out.length; at++) {
		if (view.getUint32(at, true) !== 0x02014b50) continue;
		const nameLength = view.getUint16(at + 28, true);
		if (strFromU8(out.subarray(at + 46, at + 46 + nameLength)) === name) {
			view.setUint32(at + 24, size, true);
			return out;
		}
	}
	throw new Error(`${name} not in the zip`);
}

describe('.rakkan project files', () => {
	it('round-trips the project, its history and every image byte for byte', async () => {
		const { project, store, bytes } = await savedFile();
		const opened = await readProjectFile(bytes);
		expect(opened.project).toEqual(project);
		const ids = [...referencedImages(project).keys()];
		expect([...opened.blobs.keys()].sort()).toEqual(ids.sort());
		for (const id of ids) {
			const original = new Uint8Array(await (await store.get(id)).arrayBuffer());
			const read = new Uint8Array(await opened.blobs.get(id)!.arrayBuffer());
			expect(read).toEqual(original);
			expect(await sha256Hex(read)).toBe(id);
		}
		expect(Object.keys(entries(bytes)).sort()).toEqual(
			[PROJECT_JSON, ...ids.map((id) => `blobs/${id}`)].sort()
		);
	});

	it('keeps every stylize setting: a single-pass tile, model options, uploaded styles with long names', async () => {
		const { store, photo, project } = await photoProject();
		const recipe = recipeFor(photo);
		recipe.settings = { ...recipe.settings, tile: 0, options: { lineWeight: 0.35, threshold: 12 } };
		// Names as long as they may be: the history's words about them must still fit in the file.
		const title = (n: number) => `${String(n).repeat(250)}.png`;
		recipe.styles = [1, 2, 3, 4].map((n) => ({
			catalogId: null,
			title: title(n),
			sha256: STYLE_SHA,
			weight: 0.25
		}));
		const image = await storedPng(store, 40, 30, 9);
		const layer = createLayer({ name: 'I'.repeat(200), image, source: { kind: 'stylized', recipe } });
		const stylized = applyChange(project, addStylizedLayer(project.document, layer));
		const opened = await readProjectFile(await writeProjectFile(stylized, store));
		expect(opened.project).toEqual(stylized);
	});

	it('refuses a file that is not a zip', async () => {
		expect(await refusal(await solidPng(4, 4))).toBe('notZip');
		expect(await refusal(new Uint8Array())).toBe('notZip');
	});

	it('refuses a truncated zip as damaged', async () => {
		const { bytes } = await savedFile();
		expect(await refusal(bytes.subarray(0, bytes.length - 30))).toBe('damaged');
	});

	it('refuses a zip that is not a Rakkan project', async () => {
		expect(await refusal(zipSync({ 'readme.txt': strToU8('hello') }))).toBe('foreign');
		expect(await refusal(zipSync({ [PROJECT_JSON]: strToU8('{"format":"other","version":1}') }))).toBe(
			'foreign'
		);
		expect(await refusal(zipSync({}))).toBe('foreign');
	});

	it('tells a newer project apart from a damaged one', async () => {
		const { bytes } = await savedFile();
		const newer = { ...projectJson(bytes), version: PROJECT_VERSION + 1, somethingNew: true };
		expect(await refusal(withJson(bytes, JSON.stringify(newer)))).toBe('newer');
	});

	it('refuses project.json that is not JSON, or not a valid document', async () => {
		const { bytes } = await savedFile();
		expect(await refusal(withJson(bytes, '{"format": "rakkan-project",'))).toBe('invalidJson');
		const project = projectJson(bytes);
		project.document.layers[0]!.opacity = 2;
		expect(await refusal(withJson(bytes, JSON.stringify(project)))).toBe('invalid');
		const extra = { ...projectJson(bytes), script: '<script>' };
		expect(await refusal(withJson(bytes, JSON.stringify(extra)))).toBe('invalid');
	});

	it('refuses a document that history does not lead to', async () => {
		const { bytes } = await savedFile();
		const project = projectJson(bytes);
		project.document.layers[0]!.visible = false;
		expect(await refusal(withJson(bytes, JSON.stringify(project)))).toBe('inconsistent');
		const cursor = projectJson(bytes);
		cursor.history.cursor = 99;
		expect(await refusal(withJson(bytes, JSON.stringify(cursor)))).toBe('inconsistent');
	});

	it('refuses a missing image, an image that fails its checksum, a non-image and a wrong size', async () => {
		const { bytes, photo } = await savedFile();
		const files = entries(bytes);
		const photoBlob = `blobs/${photo.image.id}`;

		const missing = { ...files };
		delete missing[photoBlob];
		expect(await refusal(zipSync(missing))).toBe('missingBlob');

		const swapped = { ...files, [photoBlob]: await solidPng(40, 30, 7) };
		expect(await refusal(zipSync(swapped))).toBe('badHash');

		// A text file under its own true hash, referenced as the photo.
		const text = strToU8('not an image');
		const textId = await sha256Hex(text);
		const json = strFromU8(files[PROJECT_JSON]!).replaceAll(photo.image.id, textId);
		expect(
			await refusal(zipSync({ ...files, [PROJECT_JSON]: strToU8(json), [`blobs/${textId}`]: text }))
		).toBe('notImage');

		const resized = strFromU8(files[PROJECT_JSON]!).replaceAll(
			`"id":"${photo.image.id}","width":40`,
			`"id":"${photo.image.id}","width":41`
		);
		expect(await refusal(withJson(bytes, resized))).toBe('wrongSize');
	});

	it('refuses a zip bomb by its declared sizes, before inflating', async () => {
		const { bytes, photo } = await savedFile();
		expect(await refusal(declareSize(bytes, `blobs/${photo.image.id}`, 0xfffffff0))).toBe('tooLarge');
		expect(await refusal(declareSize(bytes, PROJECT_JSON, 100 * 1024 * 1024))).toBe('tooLarge');
	});

	it('an image that inflates past its declared size is caught by its checksum', async () => {
		const { bytes, photo } = await savedFile();
		const name = `blobs/${photo.image.id}`;
		const stored = zipSync({ ...entries(bytes), [name]: [entries(bytes)[name]!, { level: 9 }] });
		expect(await refusal(declareSize(stored, name, 10))).toBe('badHash');
	});
});

describe('what the user stated about the pictures, in project files', () => {
	const licensed: PictureStatements = {
		origin: 'licensed',
		license: { name: 'CC BY 4.0', allowsCommercialUse: true, allowsDerivatives: true },
		confirmed: true,
		modelRelease: 'MR-LMR',
		showsRealPerson: false
	};
	const ownWork: PictureStatements = {
		origin: 'own-work',
		license: { name: '', allowsCommercialUse: false, allowsDerivatives: true },
		confirmed: false,
		modelRelease: 'MR-UMR'
	};

	/** The photo project with an imported image added, then removed (so only history holds it). */
	async function declaredFile() {
		const made = await stylizedProject();
		const scanFile = await storedPng(made.store, 20, 20, 30);
		const scan = createLayer({
			name: 'scan.png',
			image: scanFile,
			source: { kind: 'import', fileName: 'scan.png', file: scanFile }
		});
		let project = applyChange(made.project, addLayer(made.project.document, scan));
		project = applyChange(project, removeLayer(project.document, scan.id));
		const declarations = { [made.photo.image.id]: licensed, [scanFile.id]: ownWork };
		const declared: Project = { ...project, declarations };
		return { ...made, scanFile, project: declared, bytes: await writeProjectFile(declared, made.store) };
	}

	it("round-trips each picture's origin, license, confirmation, model release and person answer", async () => {
		const { project, bytes, photo, scanFile } = await declaredFile();
		expect(projectJson(bytes).version).toBe(PROJECT_VERSION);
		const opened = await readProjectFile(bytes);
		expect(opened.project).toEqual(project);
		// The same text, key order included: reading a project gives back what was written.
		expect(JSON.stringify(opened.project)).toBe(JSON.stringify(project));
		expect(opened.project.declarations?.[photo.image.id]).toEqual(licensed);
		// A picture only history holds keeps what was stated about it: undo can bring its layer back.
		expect(opened.project.declarations?.[scanFile.id]).toEqual(ownWork);
	});

	it("keeps the statements about the project's own pictures only", async () => {
		const { project, photo, scanFile } = await declaredFile();
		expect([...projectPictures(project).keys()].sort()).toEqual([photo.image.id, scanFile.id].sort());
		const other = 'd'.repeat(64);
		expect(statementsFor(project, { ...project.declarations, [other]: ownWork })).toEqual(
			project.declarations
		);
		// The stylized layer's pixels are not a picture anyone brought.
		expect(statementsFor(project, { [project.document.layers[1]!.image.id]: ownWork })).toEqual({});
	});

	it('opens a version 1 project, saved before statements were kept, with every picture undeclared', async () => {
		const { bytes } = await savedFile();
		const old = { ...projectJson(bytes), version: 1 };
		const opened = await readProjectFile(withJson(bytes, JSON.stringify(old)));
		expect(opened.project.version).toBe(1);
		expect(opened.project.declarations).toBeUndefined();
		expect(opened.project.document).toEqual(projectJson(bytes).document);
	});

	it('refuses foreign or corrupt statements like any other damage', async () => {
		const { bytes, photo } = await declaredFile();
		const withStatement = (stated: unknown, key = photo.image.id) => {
			const project = projectJson(bytes);
			return withJson(
				bytes,
				JSON.stringify({ ...project, declarations: { ...project.declarations, [key]: stated } })
			);
		};
		expect(await refusal(withStatement({ ...licensed, origin: 'stolen' }))).toBe('invalid');
		expect(await refusal(withStatement({ ...licensed, modelRelease: 'MR-YES' }))).toBe('invalid');
		expect(await refusal(withStatement({ ...licensed, confirmed: 'yes' }))).toBe('invalid');
		expect(await refusal(withStatement({ ...licensed, script: '<script>' }))).toBe('invalid');
		expect(
			await refusal(withStatement({ ...licensed, license: { ...licensed.license, name: 'x'.repeat(201) } }))
		).toBe('invalid');
		expect(await refusal(withStatement(licensed, 'not-a-sha256'))).toBe('invalid');
		expect(await refusal(withJson(bytes, JSON.stringify({ ...projectJson(bytes), declarations: [] })))).toBe(
			'invalid'
		);
		// Statements in a project of a version that had none.
		expect(await refusal(withJson(bytes, JSON.stringify({ ...projectJson(bytes), version: 1 })))).toBe(
			'invalid'
		);
		// About a picture the project does not hold.
		expect(await refusal(withStatement(licensed, 'e'.repeat(64)))).toBe('inconsistent');
	});
});
