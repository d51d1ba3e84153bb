// A document with several sources (a photo, a non-commercial stylization covering it, a region painted
// after two styles, an imported image that carries its own Content Credentials, and layers that do not
// show) signed as PNG, JPEG and WebP: what the record says is what our reader and c2pa-rs (c2pa-wasm) read
// back: the ingredients, the models, the styles and their weights, the regions, the source type and the
// verdict with every reason.
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Catalog } from '../../src/lib/assets/catalog';
import { MemoryBlobStore } from '../../src/lib/document/blob-store';
import {
	addLayer,
	addStylizedLayer,
	createDocument,
	createLayer,
	setVisible
} from '../../src/lib/document/document';
import { applyChange, createProject } from '../../src/lib/document/history';
import type { ImageRef, Layer, Project, StylizeRecipe } from '../../src/lib/document/types';
import { loadProjectCatalog } from '../../src/lib/node/catalog-fs';
import { DIGITAL_SOURCE_TYPES, signImage } from '../../src/lib/provenance/c2pa/manifest';
import { RECORD_LABEL } from '../../src/lib/provenance/c2pa/rakkan-assertions';
import { verifyImage } from '../../src/lib/provenance/c2pa/verify';
import { documentProvenanceInput, recordData } from '../../src/lib/provenance/painting-input';
import { documentRecord, type DocumentRecord } from '../../src/lib/provenance/record';
import { recordVerdict, type RecordRightsFacts } from '../../src/lib/provenance/rights/record-rights';
import { type Verdict } from '../../src/lib/provenance/rights/rights';
import { findingLine } from '../../src/lib/provenance/rights/words';
import { styleSourceFromCard } from '../../src/lib/provenance/sources';
import { c2paFixtureBytes, c2paValidate, testIdentity, type TestIdentity } from './helpers';

const W = 96;
const H = 64;

async function solid(width: number, height: number, grey: number): Promise<Uint8Array> {
	const create = { width, height, channels: 3 as const, background: { r: grey, g: grey, b: grey } };
	return new Uint8Array(await sharp({ create }).png().toBuffer());
}

let catalog: Catalog;
let id: TestIdentity;
const store = new MemoryBlobStore();
const bytes = new Map<string, Uint8Array>();
let project: Project;
let cartoon: Layer;
let imported: Layer;
let record: DocumentRecord;
let verdict: Verdict;
let facts: RecordRightsFacts;

async function put(data: Uint8Array): Promise<ImageRef> {
	const ref = await store.put(data);
	bytes.set(ref.id, data);
	return ref;
}

function recipe(input: Layer, model: string, styles: StylizeRecipe['styles'], region: ImageRef | null) {
	const card = catalog.models.find((m) => m.id === model)!;
	return {
		model: { id: card.id, sha256: card.files.map((f) => f.sha256) },
		styles,
		settings: {
			strength: 0.7,
			preserveColors: false,
			workingSide: 128,
			styleSide: 128,
			options: {},
			tile: 0
		},
		backend: 'wasm',
		input: { layerId: input.id, image: input.image },
		region
	} satisfies StylizeRecipe;
}

beforeAll(async () => {
	catalog = await loadProjectCatalog();
	id = await testIdentity();
	const photoFile = await put(await solid(W, H, 120));
	const photo = createLayer({
		name: 'Background',
		image: photoFile,
		source: { kind: 'photo', fileName: 'harbour.png', file: photoFile }
	});
	let p = createProject(createDocument(W, H), 'Harbour');
	p = applyChange(p, addLayer(p.document, photo));
	cartoon = createLayer({
		name: 'Cartoon',
		image: await put(await solid(W, H, 200)),
		source: { kind: 'stylized', recipe: recipe(photo, 'cartoon-whitebox', [], null) }
	});
	p = applyChange(p, addStylizedLayer(p.document, cartoon));
	// A region on the left half, painted after two styles.
	const region = {
		...(await put(await solid(W, H, 255))),
		visibleBox: { x: 0, y: 0, width: W / 2, height: H }
	};
	const [night, starry] = ['rembrandt-night-watch', 'van-gogh-starry-night'].map((styleId) =>
		catalog.styles.find((s) => s.id === styleId)!
	);
	const painted = createLayer({
		name: 'Night',
		image: await put(await solid(W, H, 40)),
		mask: region,
		source: {
			kind: 'stylized',
			recipe: recipe(
				photo,
				'arbitrary-wyf',
				[
					{ catalogId: night!.id, title: night!.title, sha256: night!.files[0]!.sha256, weight: 0.6 },
					{ catalogId: starry!.id, title: starry!.title, sha256: starry!.files[0]!.sha256, weight: 0.4 }
				],
				region
			)
		}
	});
	// Above the cartoon layer (a new stylize goes right above its input, where the cartoon would hide it).
	p = applyChange(p, addStylizedLayer(p.document, painted, 2));
	// An imported image with its own Content Credentials, placed in the bottom right corner.
	const caFile = await put(await c2paFixtureBytes('CA'));
	imported = createLayer({
		name: 'Scan',
		image: caFile,
		transform: { x: W - 20, y: H - 20, scaleX: 0.1, scaleY: 0.1, rotation: 0 },
		source: { kind: 'import', fileName: 'CA.jpg', file: caFile }
	});
	p = applyChange(p, addLayer(p.document, imported));
	// Layers whose pixels do not reach the export: one hidden, one placed outside the document.
	const hiddenFile = await put(await c2paFixtureBytes('no_manifest'));
	const hidden = createLayer({
		name: 'Hidden',
		image: hiddenFile,
		source: { kind: 'import', fileName: 'hidden.jpg', file: hiddenFile }
	});
	p = applyChange(p, addLayer(p.document, hidden));
	p = applyChange(p, setVisible(p.document, hidden.id, false));
	const outsideFile = await put(await solid(10, 10, 0));
	p = applyChange(
		p,
		addLayer(
			p.document,
			createLayer({
				name: 'Outside',
				image: outsideFile,
				transform: { x: W + 5, y: 0, scaleX: 1, scaleY: 1, rotation: 0 },
				source: { kind: 'import', fileName: 'outside.png', file: outsideFile }
			})
		)
	);
	project = p;
	record = documentRecord(project);
	facts = {
		catalog,
		sources: {
			[photoFile.id]: { origin: 'own-work', showsIdentifiablePerson: false, consentRecorded: false },
			[caFile.id]: { origin: 'public-domain', showsIdentifiablePerson: false, consentRecorded: false }
		}
	};
	verdict = recordVerdict(record, facts);
});

describe('the record of a document with several sources', () => {
	it('names what reaches the export and nothing else', () => {
		expect(record.layers.map((l) => l.name)).toEqual(['Cartoon', 'Night', 'Scan']);
		expect(record.sources.map((s) => [s.name, s.layers.map((l) => l.name)])).toEqual([
			['harbour.png', ['Cartoon', 'Night']],
			['CA.jpg', ['Scan']]
		]);
		expect(record.models.map((m) => [m.id, m.layers.map((l) => l.name)])).toEqual([
			['cartoon-whitebox', ['Cartoon']],
			['arbitrary-wyf', ['Night']]
		]);
		expect(record.sourceType).toBe(DIGITAL_SOURCE_TYPES.compositeWithTrainedAlgorithmicMedia);
	});

	it('keeps the non-commercial reason, naming the model and its layer; hiding the layer removes it', () => {
		expect(verdict.level).toBe('non-commercial-only');
		expect(verdict.findings.map(findingLine)).toEqual([
			"Non-commercial only: model cartoon-whitebox is CC BY-NC-SA 4.0 (layer 'Cartoon')"
		]);
		const hidden = documentRecord(applyChange(project, setVisible(project.document, cartoon.id, false)));
		expect(recordVerdict(hidden, facts).level).toBe('publishable-commercial');
		// The imported image without a declaration is unclear, and says which image and layer.
		const undeclared = recordVerdict(record, {
			...facts,
			sources: { ...facts.sources, [imported.image.id]: undefined }
		});
		expect(undeclared.findings.map(findingLine)).toContain(
			`Rights unclear: the imported image "CA.jpg"'s origin is unknown (layer 'Scan')`
		);
	});
});

describe.each([
	['PNG', 'png', 'image/png'],
	['JPEG', 'jpeg', 'image/jpeg'],
	['WebP', 'webp', 'image/webp']
] as const)('%s export round-trips the record', (_name, format, mime) => {
	let signed: Uint8Array;

	beforeAll(async () => {
		const flat = sharp({ create: { width: W, height: H, channels: 3, background: { r: 9, g: 9, b: 9 } } });
		const image = new Uint8Array(await flat.toFormat(format).toBuffer());
		const input = documentProvenanceInput({
			title: `harbour.${format}`,
			versions: { rakkan: '0.1.0' },
			allowTraining: false,
			catalog,
			record,
			verdict,
			pictures: Object.fromEntries(
				record.sources.map((s) => [s.key, { bytes: bytes.get(s.key)!, declared: facts.sources[s.key] }])
			),
			styles: record.styles.map((s) =>
				styleSourceFromCard(
					catalog.styles.find((c) => c.id === s.catalogId)!,
					s.weight
				)
			),
			output: { width: W, height: H }
		});
		signed = await signImage(image, input, id.signer);
	});

	it('c2pa-rs: valid with only the unknown signer, the imported image a componentOf ingredient with its manifest', async () => {
		const c2pa = await c2paValidate(signed, mime);
		expect(c2pa.state).toBe('Valid');
		expect(c2pa.codes).toEqual(['signingCredential.untrusted']);
		const manifest = c2pa.report!.manifests[c2pa.report!.active_manifest!]!;
		const ingredients = (manifest.ingredients ?? []).map((i) => [
			i.title,
			i.relationship,
			!!i.active_manifest
		]);
		expect(ingredients).toEqual([
			['harbour.png', 'componentOf', false],
			['CA.jpg', 'componentOf', true],
			['The Night Watch', 'inputTo', false],
			['The Starry Night', 'inputTo', false],
			[expect.stringContaining('Cartoon'), 'inputTo', false],
			[expect.any(String), 'inputTo', false]
		]);
		const written = manifest.assertions?.find((a) => a.label === RECORD_LABEL)?.data;
		expect(written).toEqual(JSON.parse(JSON.stringify(recordData(record, verdict, catalog))));
		const actions = manifest.assertions?.find((a) => a.label === 'c2pa.actions.v2')?.data as {
			actions: { action: string; digitalSourceType?: string }[];
		};
		expect(actions.actions[0]).toMatchObject({
			action: 'c2pa.created',
			digitalSourceType: DIGITAL_SOURCE_TYPES.compositeWithTrainedAlgorithmicMedia
		});
		expect(actions.actions.map((a) => a.action)).toContain('c2pa.placed');
	});

	it('our reader reads back the same record: sources, models, styles and weights, regions, verdict', async () => {
		const ours = await verifyImage(signed);
		expect(ours.state).toBe('untrusted');
		expect(ours.record).toEqual({ ok: true, data: recordData(record, verdict, catalog) });
		const data = ours.record!.ok ? ours.record!.data : null;
		expect(
			data?.stylizations.map((s) => [s.layer, s.model.id, s.styles.map((x) => x.weight), s.region])
		).toEqual([
			['Cartoon', 'cartoon-whitebox', [], null],
			['Night', 'arbitrary-wyf', [0.6, 0.4], { sha256: expect.any(String), width: W, height: H }]
		]);
		expect(data?.verdict.reasons.map((r) => [r.level, r.ingredient, r.layers])).toEqual([
			['non-commercial-only', expect.stringContaining('Cartoon'), ['Cartoon']]
		]);
		const scan = ours.ingredients.find((i) => i.title === 'CA.jpg');
		expect(scan?.relationship).toBe('componentOf');
		expect(scan?.manifest).toBeDefined();
	});
});
