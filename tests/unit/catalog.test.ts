import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	type Catalog,
	CatalogError,
	commercialUseLabel,
	fileByRole,
	findModel,
	findStyle,
	parseCatalog,
	rightsStatusLabel
} from '../../src/lib/assets/catalog';
import { loadCatalogFromDir, PROJECT_ROOT } from '../../src/lib/node/catalog-fs';

const STYLE_IDS = [
	'rembrandt-night-watch',
	'rembrandt-anatomy-lesson',
	'chojugiga-frog-rabbit-sumo',
	'chojugiga-monkey-frog-fight',
	'van-gogh-starry-night',
	'vermeer-pearl-earring',
	'hokusai-great-wave',
	'klimt-the-kiss',
	'monet-water-lilies'
];

const PINNED_RAW = /^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\/.+/;
const COMMIT = 'a'.repeat(40);

function styleCard(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		id: 'test-style',
		kind: 'style',
		title: 'A test painting',
		artist: 'Nobody',
		date: '1700',
		artistDeathYear: 1750,
		collection: 'nowhere',
		files: [
			{
				url: `https://raw.githubusercontent.com/owner/repo/${COMMIT}/img/painting.jpg`,
				sha256: 'b'.repeat(64),
				bytes: 1234,
				role: 'image'
			}
		],
		license: {
			name: 'Public domain',
			url: 'https://creativecommons.org/publicdomain/mark/1.0/',
			commercialUse: 'allowed'
		},
		source: 'https://github.com/owner/repo',
		rightsStatus: 'public-domain',
		rightsNote: 'The artist died long ago.',
		creditLine: 'Nobody, A test painting, 1700.',
		...overrides
	};
}

function modelCard(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		id: 'test-model',
		kind: 'model',
		family: 'arbitrary-wyf',
		title: 'A test model',
		description: 'Paints things.',
		files: [
			{
				url: `https://raw.githubusercontent.com/owner/repo/${COMMIT}/model.json`,
				sha256: 'c'.repeat(64),
				bytes: 10,
				role: 'style/model.json'
			}
		],
		license: { name: 'MIT', url: 'https://example.com/LICENSE', commercialUse: 'allowed' },
		source: 'https://github.com/owner/repo',
		authors: ['Someone'],
		trainingData: { description: 'photos', rightsStatus: 'undocumented' },
		citation: 'Someone (2020)',
		io: { inputs: ['x'], outputs: ['y'] },
		...overrides
	};
}

function withFile(card: Record<string, unknown>, file: Record<string, unknown>): Record<string, unknown> {
	const files = card.files as Record<string, unknown>[];
	return { ...card, files: [{ ...files[0], ...file }] };
}

function parseError(raw: Record<string, unknown>): string {
	try {
		parseCatalog(raw);
	} catch (error) {
		expect(error).toBeInstanceOf(CatalogError);
		return (error as Error).message;
	}
	throw new Error('parseCatalog accepted an invalid catalog');
}

describe('the project catalog (models/)', () => {
	let catalog: Catalog;
	beforeAll(async () => {
		catalog = await loadCatalogFromDir(path.join(PROJECT_ROOT, 'models'));
	});

	it('has the arbitrary-wyf model and the nine built-in styles', () => {
		expect(catalog.models.map((m) => m.id)).toContain('arbitrary-wyf');
		const styleIds = catalog.styles.map((s) => s.id);
		for (const id of STYLE_IDS) expect(styleIds).toContain(id);
		expect(findModel(catalog, 'arbitrary-wyf').family).toBe('arbitrary-wyf');
		expect(findStyle(catalog, 'hokusai-great-wave')?.artist).toMatch(/Hokusai/);
		expect(findStyle(catalog, 'no-such-style')).toBeUndefined();
	});

	it('sorts cards by id', () => {
		const ids = catalog.styles.map((s) => s.id);
		expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
	});

	it('pins every file to a raw address at a 40-hex commit, with a sha256 and a size', () => {
		const files = [...catalog.models, ...catalog.styles].flatMap((card) => card.files);
		// arbitrary-wyf's four files and the nine style images at least; every other model adds its own.
		expect(files.length).toBeGreaterThanOrEqual(13);
		for (const file of files) {
			expect(file.url).toMatch(PINNED_RAW);
			expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
			expect(file.bytes).toBeGreaterThan(0);
		}
		expect(new Set(files.map((f) => f.url)).size).toBe(files.length);
	});

	it('names the four arbitrary-wyf files by role', () => {
		const model = findModel(catalog, 'arbitrary-wyf');
		for (const role of [
			'style/model.json',
			'style/group1-shard1of1.bin',
			'transfer/model.json',
			'transfer/group1-shard1of1.bin'
		]) {
			expect(fileByRole(model, role).url).toContain('macobo/whatsyourface');
		}
		expect(() => fileByRole(model, 'nope')).toThrow(/arbitrary-wyf: no file with role "nope"/);
	});

	it('does not call Monet plain public domain (he died in December 1926)', () => {
		const monet = findStyle(catalog, 'monet-water-lilies');
		expect(monet).toBeDefined();
		expect(monet?.rightsStatus).not.toBe('public-domain');
		expect(monet?.rightsStatus).toBe('public-domain-in-most-countries');
		expect(monet?.artistDeathYear).toBe(1926);
		expect(monet?.license.commercialUse).not.toBe('allowed');
	});

	it('findModel on an unknown id throws naming the known ids', () => {
		expect(() => findModel(catalog, 'no-such-model')).toThrow(CatalogError);
		expect(() => findModel(catalog, 'no-such-model')).toThrow(
			/"no-such-model" is not a known model \(known: .*arbitrary-wyf/
		);
	});
});

describe('parseCatalog', () => {
	it('accepts valid cards and splits them into models and styles', () => {
		const catalog = parseCatalog({
			'styles/b.json': styleCard({ id: 'b-style' }),
			'models/m.json': modelCard(),
			'styles/a.json': styleCard({ id: 'a-style' })
		});
		expect(catalog.models.map((m) => m.id)).toEqual(['test-model']);
		expect(catalog.styles.map((s) => s.id)).toEqual(['a-style', 'b-style']);
	});

	it('rejects a card without a license, naming the file and the field', () => {
		const card = styleCard();
		delete card.license;
		const message = parseError({ 'styles/nolicense.json': card });
		expect(message).toMatch(/^styles\/nolicense\.json: license\b/);
	});

	it('rejects a bad sha256', () => {
		const message = parseError({ 'styles/badsha.json': withFile(styleCard(), { sha256: 'ABC123' }) });
		expect(message).toMatch(/^styles\/badsha\.json: files\.0\.sha256: /);
		expect(message).toContain('sha256');
	});

	it('rejects an uppercase sha256 of the right length', () => {
		const message = parseError({ 'styles/upper.json': withFile(styleCard(), { sha256: 'B'.repeat(64) }) });
		expect(message).toMatch(/^styles\/upper\.json: files\.0\.sha256: /);
	});

	it('rejects an address not pinned to a 40-hex commit', () => {
		const message = parseError({
			'models/unpinned.json': withFile(modelCard(), {
				url: 'https://raw.githubusercontent.com/owner/repo/main/model.json'
			})
		});
		expect(message).toMatch(/^models\/unpinned\.json: files\.0\.url: /);
		expect(message).toMatch(/40-hex commit/);
	});

	it('rejects a plain http address', () => {
		const message = parseError({
			'models/http.json': withFile(modelCard(), {
				url: `http://raw.githubusercontent.com/o/r/${COMMIT}/m.json`
			})
		});
		expect(message).toMatch(/^models\/http\.json: files\.0\.url: /);
	});

	it('rejects commercialUse outside the enum', () => {
		const card = styleCard({
			license: { name: 'Odd', url: 'https://example.com/', commercialUse: 'sometimes' }
		});
		const message = parseError({ 'styles/odd.json': card });
		expect(message).toMatch(/^styles\/odd\.json: license\.commercialUse: /);
	});

	it('rejects duplicate ids, naming the second file', () => {
		const message = parseError({
			'styles/first.json': styleCard({ id: 'same' }),
			'styles/second.json': styleCard({ id: 'same' })
		});
		expect(message).toBe('styles/second.json: duplicate id "same"');
	});

	it('rejects duplicate ids across kinds', () => {
		const message = parseError({
			'models/m.json': modelCard({ id: 'same' }),
			'styles/s.json': styleCard({ id: 'same' })
		});
		expect(message).toMatch(/^styles\/s\.json: duplicate id "same"/);
	});

	it('rejects an unknown kind', () => {
		const message = parseError({ 'styles/poster.json': styleCard({ kind: 'poster' }) });
		expect(message).toMatch(/^styles\/poster\.json: kind: /);
	});

	it('rejects an id that is not kebab-case', () => {
		const message = parseError({ 'styles/caps.json': styleCard({ id: 'Not_Kebab' }) });
		expect(message).toMatch(/^styles\/caps\.json: id: must be kebab-case/);
	});

	it('rejects a card with no files', () => {
		const message = parseError({ 'styles/empty.json': styleCard({ files: [] }) });
		expect(message).toMatch(/^styles\/empty\.json: files: /);
	});

	it('rejects a card that is not an object', () => {
		const message = parseError({ 'styles/str.json': 'hello' });
		expect(message).toMatch(/^styles\/str\.json: \(card\): /);
	});
});

describe('labels', () => {
	it('words commercial use honestly', () => {
		expect(commercialUseLabel('prohibited')).toBe('non-commercial only');
		expect(commercialUseLabel('research-only')).toBe('research use only');
		expect(commercialUseLabel('allowed')).toBe('commercial use allowed');
		expect(commercialUseLabel('unknown')).toBe('commercial use unclear');
	});

	it('words rights statuses', () => {
		expect(rightsStatusLabel('public-domain')).toBe('public domain');
		expect(rightsStatusLabel('public-domain-in-most-countries')).toBe('public domain in most countries');
		expect(rightsStatusLabel('licensed')).toBe('licensed');
		expect(rightsStatusLabel('unknown')).toBe('rights unknown');
	});
});
