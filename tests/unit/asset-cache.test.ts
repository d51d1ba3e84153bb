// The verified asset cache against a real (temporary) mirror folder and cache folder.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AssetFile, type Catalog, catalogFiles, parseCatalog } from '../../src/lib/assets/catalog';
import {
	AssetIntegrityError,
	cachedPath,
	ensureCatalog,
	ensureFile,
	type FileOutcome,
	readVerified
} from '../../src/lib/node/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../../src/lib/node/catalog-fs';

/** How many files the project's catalog names, all models and styles together. */
async function catalogFileCount(): Promise<number> {
	return catalogFiles(await loadProjectCatalog()).length;
}

const run = promisify(execFile);

const OWNER = 'someone';
const REPO = 'paintings';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

interface Fixture {
	rel: string;
	content: Buffer;
}

const FIXTURES: Fixture[] = [
	{ rel: 'images/a.jpg', content: Buffer.from('pretend this is a JPEG of a painting') },
	{ rel: 'images/deep/b.webp', content: Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251)) },
	{ rel: 'models/model.json', content: Buffer.from(JSON.stringify({ format: 'graph-model', weights: [] })) }
];

function sha256(bytes: Buffer | Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

function assetFile(fixture: Fixture, role = 'image'): AssetFile {
	return {
		url: `https://raw.githubusercontent.com/${OWNER}/${REPO}/${COMMIT}/${fixture.rel}`,
		sha256: sha256(fixture.content),
		bytes: fixture.content.length,
		role
	};
}

function styleCard(id: string, files: AssetFile[]): Record<string, unknown> {
	return {
		id,
		kind: 'style',
		title: `Painting ${id}`,
		artist: 'Nobody',
		date: '1700',
		artistDeathYear: 1750,
		collection: 'nowhere',
		files,
		license: {
			name: 'Public domain',
			url: 'https://creativecommons.org/publicdomain/mark/1.0/',
			commercialUse: 'allowed'
		},
		source: `https://github.com/${OWNER}/${REPO}`,
		rightsStatus: 'public-domain',
		rightsNote: 'Old.',
		creditLine: 'Nobody.'
	};
}

function catalogOf(files: AssetFile[]): Catalog {
	return parseCatalog(
		Object.fromEntries(files.map((file, i) => [`styles/s${i}.json`, styleCard(`style-${i}`, [file])]))
	);
}

async function writeMirror(dir: string, fixtures: Fixture[]): Promise<void> {
	for (const fixture of fixtures) {
		const where = path.join(dir, OWNER, REPO, COMMIT, ...fixture.rel.split('/'));
		await mkdir(path.dirname(where), { recursive: true });
		await writeFile(where, fixture.content);
	}
}

/** Every file under a folder, relative to it. */
async function listFiles(dir: string): Promise<string[]> {
	const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
	return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function exists(file: string): Promise<boolean> {
	return stat(file).then(
		() => true,
		() => false
	);
}

function failure(outcome: FileOutcome | undefined): string {
	if (outcome?.status !== 'failed')
		throw new Error(`expected a failure, got ${outcome?.status ?? 'nothing'}`);
	return outcome.reason;
}

let tmp: string;
let mirrorDir: string;
let cacheDir: string;

beforeEach(async () => {
	tmp = await mkdtemp(path.join(os.tmpdir(), 'rakkan-asset-cache-'));
	mirrorDir = path.join(tmp, 'mirror');
	cacheDir = path.join(tmp, 'cache');
	await writeMirror(mirrorDir, FIXTURES);
});

afterEach(async () => {
	await rm(tmp, { recursive: true, force: true });
});

describe('cachedPath', () => {
	it('lays files out as <owner>/<repo>/<commit>/<path>', () => {
		expect(cachedPath('/c', assetFile(FIXTURES[1]!))).toBe(
			path.join('/c', OWNER, REPO, COMMIT, 'images', 'deep', 'b.webp')
		);
	});
});

describe('ensureCatalog from a mirror', () => {
	it('downloads everything once, then verifies without rewriting', async () => {
		const files = FIXTURES.map((f) => assetFile(f));
		const catalog = catalogOf(files);

		const first = await ensureCatalog(catalog, { cacheDir, mirrorDir }, 2);
		expect(first.map((o) => o.status)).toEqual(['downloaded', 'downloaded', 'downloaded']);
		for (const [i, fixture] of FIXTURES.entries()) {
			expect(first[i]?.file).toEqual(files[i]);
			expect(await readFile(cachedPath(cacheDir, files[i]!))).toEqual(fixture.content);
		}

		// Back-date the cached files so any rewrite would show in the mtime.
		const old = new Date('2001-02-03T04:05:06Z');
		for (const file of files) await utimes(cachedPath(cacheDir, file), old, old);

		const second = await ensureCatalog(catalog, { cacheDir, mirrorDir });
		expect(second.map((o) => o.status)).toEqual(['verified', 'verified', 'verified']);
		for (const file of files) {
			expect((await stat(cachedPath(cacheDir, file))).mtimeMs).toBe(old.getTime());
		}
		expect((await listFiles(cacheDir)).sort()).toEqual(
			FIXTURES.map((f) => path.join(OWNER, REPO, COMMIT, ...f.rel.split('/'))).sort()
		);
	});

	it('replaces a corrupted cached file of the same size', async () => {
		const file = assetFile(FIXTURES[1]!);
		const dest = cachedPath(cacheDir, file);
		expect(await ensureFile(file, { cacheDir, mirrorDir })).toBe('downloaded');
		const damaged = Buffer.from(FIXTURES[1]!.content);
		damaged[100] = (damaged[100]! + 1) % 256;
		await writeFile(dest, damaged);

		expect(await ensureFile(file, { cacheDir, mirrorDir })).toBe('downloaded');
		expect(await readFile(dest)).toEqual(FIXTURES[1]!.content);
	});

	it('replaces a truncated cached file', async () => {
		const file = assetFile(FIXTURES[0]!);
		const dest = cachedPath(cacheDir, file);
		await mkdir(path.dirname(dest), { recursive: true });
		await writeFile(dest, 'pretend');
		const [outcome] = await ensureCatalog(catalogOf([file]), { cacheDir, mirrorDir });
		expect(outcome?.status).toBe('downloaded');
		expect(await readFile(dest)).toEqual(FIXTURES[0]!.content);
	});

	it('fails on a sha256 mismatch and leaves no file behind', async () => {
		const good = assetFile(FIXTURES[0]!);
		const bad = { ...assetFile(FIXTURES[1]!), sha256: 'f'.repeat(64) };
		const outcomes = await ensureCatalog(catalogOf([good, bad]), { cacheDir, mirrorDir });

		const byUrl = new Map(outcomes.map((o) => [o.file.url, o]));
		expect(byUrl.get(good.url)?.status).toBe('downloaded');
		const reason = failure(byUrl.get(bad.url));
		expect(reason).toContain('sha256');
		expect(reason).toContain(sha256(FIXTURES[1]!.content));

		expect(await exists(cachedPath(cacheDir, bad))).toBe(false);
		const left = await listFiles(cacheDir);
		expect(left.filter((f) => f.includes('.partial-'))).toEqual([]);
		expect(left).toEqual([path.join(OWNER, REPO, COMMIT, 'images', 'a.jpg')]);
		await expect(readVerified(bad, cacheDir)).rejects.toBeInstanceOf(AssetIntegrityError);
	});

	it('fails when the source is larger than the catalog says', async () => {
		const file = { ...assetFile(FIXTURES[1]!), bytes: FIXTURES[1]!.content.length - 1 };
		const [outcome] = await ensureCatalog(catalogOf([file]), { cacheDir, mirrorDir });
		expect(failure(outcome)).toMatch(/larger than the 2999 bytes/);
		expect(await exists(cachedPath(cacheDir, file))).toBe(false);
		expect(await listFiles(cacheDir)).toEqual([]);
	});

	it('fails when the source is smaller than the catalog says', async () => {
		const file = { ...assetFile(FIXTURES[0]!), bytes: FIXTURES[0]!.content.length + 5 };
		const [outcome] = await ensureCatalog(catalogOf([file]), { cacheDir, mirrorDir });
		expect(failure(outcome)).toMatch(/size \d+ bytes, the catalog says \d+/);
		expect(await exists(cachedPath(cacheDir, file))).toBe(false);
		expect(await listFiles(cacheDir)).toEqual([]);
	});

	it('fails a file that is missing from the mirror', async () => {
		const missing = assetFile({ rel: 'images/missing.jpg', content: Buffer.from('never written') });
		const [outcome] = await ensureCatalog(catalogOf([missing]), { cacheDir, mirrorDir });
		expect(failure(outcome)).toMatch(/not in the mirror/);
		expect(await listFiles(cacheDir)).toEqual([]);
	});

	it('ensureFile throws the reason for a bad file', async () => {
		const bad = { ...assetFile(FIXTURES[2]!), sha256: '0'.repeat(64) };
		await expect(ensureFile(bad, { cacheDir, mirrorDir })).rejects.toThrow(AssetIntegrityError);
		await expect(ensureFile(bad, { cacheDir, mirrorDir })).rejects.toThrow(/sha256 mismatch/);
	});

	it('handles an empty catalog', async () => {
		expect(await ensureCatalog({ models: [], styles: [], detectors: [] }, { cacheDir, mirrorDir })).toEqual(
			[]
		);
	});
});

describe('ensureFile without a mirror', () => {
	const fixture = FIXTURES[1]!;
	const file = assetFile(fixture);

	it('reports an unreachable source', async () => {
		const fetchImpl: typeof fetch = () => Promise.reject(new Error('getaddrinfo ENOTFOUND'));
		const [outcome] = await ensureCatalog(catalogOf([file]), { cacheDir, fetchImpl });
		expect(failure(outcome)).toMatch(/source unreachable \(getaddrinfo ENOTFOUND\)/);
		expect(await listFiles(cacheDir)).toEqual([]);
	});

	it('reports an HTTP error', async () => {
		const fetchImpl: typeof fetch = () => Promise.resolve(new Response('Not Found', { status: 404 }));
		const [outcome] = await ensureCatalog(catalogOf([file]), { cacheDir, fetchImpl });
		expect(failure(outcome)).toContain('HTTP 404');
		expect(await listFiles(cacheDir)).toEqual([]);
	});

	it('downloads the right bytes from the upstream address', async () => {
		const requested: string[] = [];
		const fetchImpl: typeof fetch = (input) => {
			requested.push(String(input as string));
			return Promise.resolve(new Response(new Uint8Array(fixture.content)));
		};
		expect(await ensureFile(file, { cacheDir, fetchImpl })).toBe('downloaded');
		expect(requested).toEqual([file.url]);
		expect(await readFile(cachedPath(cacheDir, file))).toEqual(fixture.content);

		// Present and verified: no second request.
		expect(await ensureFile(file, { cacheDir, fetchImpl })).toBe('verified');
		expect(requested).toHaveLength(1);
	});

	it('refuses wrong bytes from upstream', async () => {
		const fetchImpl: typeof fetch = () =>
			Promise.resolve(new Response(new Uint8Array(fixture.content.length)));
		const [outcome] = await ensureCatalog(catalogOf([file]), { cacheDir, fetchImpl });
		expect(failure(outcome)).toContain('sha256');
		expect(await listFiles(cacheDir)).toEqual([]);
	});
});

describe('readVerified', () => {
	it('returns the bytes of a verified file', async () => {
		const file = assetFile(FIXTURES[2]!);
		await ensureFile(file, { cacheDir, mirrorDir });
		expect(Buffer.from(await readVerified(file, cacheDir))).toEqual(FIXTURES[2]!.content);
	});

	it('throws AssetIntegrityError on a tampered cached file', async () => {
		const file = assetFile(FIXTURES[2]!);
		await ensureFile(file, { cacheDir, mirrorDir });
		const tampered = Buffer.from(FIXTURES[2]!.content);
		tampered[0] = 0x20;
		await writeFile(cachedPath(cacheDir, file), tampered);
		await expect(readVerified(file, cacheDir)).rejects.toBeInstanceOf(AssetIntegrityError);
		await expect(readVerified(file, cacheDir)).rejects.toThrow(/failed its sha256 check/);
	});

	it('throws AssetIntegrityError when the file is not cached', async () => {
		const file = assetFile(FIXTURES[0]!);
		await expect(readVerified(file, cacheDir)).rejects.toBeInstanceOf(AssetIntegrityError);
		await expect(readVerified(file, cacheDir)).rejects.toThrow(/not in the asset cache/);
	});
});

describe('`rakkan assets`', () => {
	const SHARED_MIRROR = process.env.RAKKAN_ASSET_MIRROR ?? path.resolve(PROJECT_ROOT, '../shared/mirror');

	function assets(env: Record<string, string>) {
		return run(process.execPath, ['bin/rakkan.js', 'assets'], {
			cwd: PROJECT_ROOT,
			env: { ...process.env, ...env },
			timeout: 60_000
		});
	}

	it('exits 1 and names the missing files when the mirror is empty', { timeout: 60_000 }, async () => {
		const empty = path.join(tmp, 'empty-mirror');
		await mkdir(empty);
		const error = (await assets({ RAKKAN_ASSET_CACHE: cacheDir, RAKKAN_ASSET_MIRROR: empty }).then(
			() => {
				throw new Error('rakkan assets succeeded with an empty mirror');
			},
			(e: unknown) => e
		)) as { code?: number; stderr?: string; stdout?: string };
		expect(error.code).toBe(1);
		expect(error.stderr).toMatch(
			/rakkan assets: https:\/\/raw\.githubusercontent\.com\/macobo\/whatsyourface\/[0-9a-f]{40}\/\S+: not in the mirror/
		);
		expect(error.stdout).toContain(`0/${await catalogFileCount()} files verified`);
		expect(await listFiles(cacheDir)).toEqual([]);
	});

	it('fills a fresh cache from the shared mirror and exits 0', { timeout: 60_000 }, async () => {
		const total = await catalogFileCount();
		const { stdout } = await assets({ RAKKAN_ASSET_CACHE: cacheDir, RAKKAN_ASSET_MIRROR: SHARED_MIRROR });
		expect(stdout).toContain(`${total}/${total} files verified`);
		expect(stdout).toContain(`${total} fetched from the mirror`);
		expect(await listFiles(cacheDir)).toHaveLength(total);

		const again = await assets({ RAKKAN_ASSET_CACHE: cacheDir, RAKKAN_ASSET_MIRROR: SHARED_MIRROR });
		expect(again.stdout).toContain(`${total}/${total} files verified (0 fetched`);
	});
});
