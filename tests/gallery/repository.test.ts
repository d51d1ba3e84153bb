// The repository and the object stores against real backends: PGlite with the filesystem store, and a
// real PostgreSQL server with an S3-compatible server (s3rver), both on loopback.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../src/lib/assets/bundled';
import { openDatabase, type Database } from '../../src/lib/server/gallery/db';
import { migrate, MIGRATIONS } from '../../src/lib/server/gallery/migrate';
import {
	GalleryError,
	GalleryRepository,
	type RepositoryOptions
} from '../../src/lib/server/gallery/repository';
import {
	FileObjectStore,
	newObjectKey,
	S3ObjectStore,
	type ObjectStore
} from '../../src/lib/server/gallery/store';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { startS3, type TestS3 } from '../helpers/s3';
import { testIdentity, type TestIdentity } from '../provenance/helpers';
import { plainPng, signedPng } from './images';

interface Backend {
	/** A fresh, empty database. */
	database(): Promise<Database>;
	store: ObjectStore;
}

const cleanups: (() => Promise<void>)[] = [];
let tmp: string;
let pg: TestPostgres;
let s3: TestS3;
let id: TestIdentity;
let dbCount = 0;

beforeAll(async () => {
	tmp = await mkdtemp(path.join(os.tmpdir(), 'rakkan-gallery-'));
	[pg, s3, id] = await Promise.all([startPostgres(), startS3(), testIdentity('Gallery Tester')]);
});

afterAll(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	await Promise.all([pg?.stop(), s3?.stop()]);
	await rm(tmp, { recursive: true, force: true });
});

async function track(database: Database): Promise<Database> {
	cleanups.push(() => database.close());
	return database;
}

const BACKENDS: [string, () => Backend][] = [
	[
		'PGlite and the filesystem store',
		() => ({
			database: async () => track(await openDatabase({ pgliteDir: path.join(tmp, `pglite-${++dbCount}`) })),
			store: new FileObjectStore(path.join(tmp, `objects-${++dbCount}`))
		})
	],
	[
		'PostgreSQL and the S3 store (s3rver)',
		() => ({
			database: async () =>
				track(await openDatabase({ url: await pg.createDatabase(`gallery_${++dbCount}`) })),
			store: new S3ObjectStore({
				endpoint: s3.endpoint,
				bucket: s3.bucket,
				accessKeyId: s3.accessKeyId,
				secretAccessKey: s3.secretAccessKey
			})
		})
	]
];

async function listKeys(store: ObjectStore): Promise<string[]> {
	const keys: string[] = [];
	for await (const object of store.list()) keys.push(object.key);
	return keys.sort();
}

describe.each(BACKENDS)('%s', (_name, makeBackend) => {
	let backend: Backend;
	beforeAll(() => {
		backend = makeBackend();
	});

	async function repository(options: Partial<RepositoryOptions> = {}): Promise<GalleryRepository> {
		const database = await backend.database();
		await migrate(database.db);
		return new GalleryRepository({ db: database.db, store: backend.store, catalog, ...options });
	}

	it('stores objects whole, reads them back byte for byte, lists and deletes them', async () => {
		const key = newObjectKey('originals');
		const bytes = await plainPng(33, 21);
		await backend.store.put(key, bytes, 'image/png');
		expect(await backend.store.get(key)).toEqual(bytes);
		expect(await listKeys(backend.store)).toContain(key);
		await backend.store.delete(key);
		expect(await backend.store.get(key)).toBeNull();
		expect(await listKeys(backend.store)).not.toContain(key);
		await expect(backend.store.put('../escape', bytes, 'image/png')).rejects.toThrow(/not an object key/);
	});

	it('upgrades a database created at migration 1, keeping its data', async () => {
		const database = await backend.database();
		expect(await migrate(database.db, { to: 1 })).toEqual([1]);
		await database.db.execute(
			sql.raw(`INSERT INTO users (id, username, password_hash) VALUES ('u1', 'Old_Timer', 'scrypt$x')`)
		);
		await database.db.execute(
			sql.raw(`INSERT INTO images (id, owner_id, title, visibility, mime_type, byte_size, width, height, sha256,
				object_key, thumbnail_key, credential_state, credentials, rights, created_at)
				VALUES ('img1', 'u1', 'From version 1', 'public', 'image/png', 10, 4, 3, 'abc',
				'originals/00000000-0000-0000-0000-000000000001', 'thumbnails/00000000-0000-0000-0000-000000000001.webp',
				'none', '{"state":"none","summary":"","signer":null,"claimGenerator":null,"signedAt":null,"ingredients":[],"models":[],"styles":[],"recipe":null}',
				'{"verdict":null,"label":null,"nonCommercial":false,"needsConfirmation":true}', '2026-01-02T03:04:05.678Z')`)
		);
		expect(await migrate(database.db)).toEqual(MIGRATIONS.filter((m) => m.version > 1).map((m) => m.version));
		expect(await migrate(database.db)).toEqual([]);
		const repo = new GalleryRepository({ db: database.db, store: backend.store, catalog });
		const owner = { id: 'u1', username: 'Old_Timer', isAdmin: false };
		const image = await repo.getImage('img1', null);
		expect(image).toMatchObject({
			title: 'From version 1',
			hidden: false,
			parentId: null,
			createdAt: '2026-01-02T03:04:05.678Z',
			owner: { username: 'Old_Timer' }
		});
		// What migration 2 added works on the old row: reports and hiding.
		await repo.addReport('img1', owner, 'testing the upgrade');
		expect((await repo.setHidden('img1', owner, true)).hidden).toBe(true);
		expect((await repo.listImages({}, null)).items.map((i) => i.id)).not.toContain('img1');
		// A name taken in version 1 is still taken, whatever its case.
		await expect(repo.createUser('old_timer', 'a long enough password')).rejects.toMatchObject({
			status: 409
		});
	});

	it('keeps sessions, tokens and the sign-in limit in the database, shared by every repository', async () => {
		const first = await repository({
			loginLimits: { perUsername: 3, perClient: 100, windowMs: 60_000, maxBackoffMs: 60_000 }
		});
		// A second repository over the same database stands for a second server process.
		const second = new GalleryRepository({
			db: first.db,
			store: backend.store,
			catalog,
			loginLimits: { perUsername: 3, perClient: 100, windowMs: 60_000, maxBackoffMs: 60_000 }
		});
		const user = await first.createUser('Hana', 'a long enough password');
		const session = await first.createSession(user.id);
		expect(await second.userBySession(session.token)).toMatchObject({ username: 'Hana' });
		const token = await first.createToken(user.id, 'laptop');
		expect(await second.userByToken(token.token)).toMatchObject({ username: 'Hana' });
		expect((await first.listTokens(user.id))[0]?.lastUsedAt).not.toBeNull();
		await second.revokeToken(user.id, token.id);
		expect(await first.userByToken(token.token)).toBeNull();

		await expect(first.authenticate('hana', 'wrong password!', 'a')).rejects.toMatchObject({ status: 401 });
		await expect(second.authenticate('hana', 'wrong password!', 'a')).rejects.toMatchObject({ status: 401 });
		await expect(first.authenticate('HANA', 'wrong password!', 'a')).rejects.toMatchObject({ status: 401 });
		// From that address the fourth attempt is refused even with the right password, by either process;
		// from another address (the real user's own) the right password still signs in.
		await expect(second.authenticate('hana', 'a long enough password', 'a')).rejects.toMatchObject({
			status: 429
		});
		await expect(first.authenticate('hana', 'a long enough password', 'b')).resolves.toMatchObject({
			username: 'Hana'
		});
		await first.deleteSession(session.token);
		expect(await second.userBySession(session.token)).toBeNull();
	});

	it('leaves no visible record when the process dies between storing the objects and the row, and the cleanup pass deletes the orphans', async () => {
		let crash = true;
		const repo = await repository({
			orphanGraceMs: 60_000,
			afterObjectsStored: () => {
				if (crash) throw new Error('simulated crash after the objects were stored');
			}
		});
		const user = await repo.createUser('Kenji', 'a long enough password');
		const before = new Set(await listKeys(backend.store));
		await expect(
			repo.createImage(user, {
				bytes: await signedPng(id),
				title: 'Lost',
				description: '',
				visibility: 'unlisted',
				rightsConfirmed: false
			})
		).rejects.toThrow(/simulated crash/);
		const orphans = (await listKeys(backend.store)).filter((k) => !before.has(k));
		expect(orphans).toHaveLength(2);
		expect((await repo.listImages({ mine: true }, user)).items).toEqual([]);

		crash = false;
		const kept = await repo.createImage(user, {
			bytes: await signedPng(id, { width: 100 }),
			title: 'Kept',
			description: '',
			visibility: 'unlisted',
			rightsConfirmed: false
		});
		// Within the grace period nothing is deleted (an upload may be between its two steps right now).
		expect(await repo.cleanup()).toEqual([]);
		const later = new Date(Date.now() + 120_000);
		const deleted = await repo.cleanup(later);
		expect(deleted.sort()).toEqual(expect.arrayContaining(orphans.sort()));
		const left = await listKeys(backend.store);
		for (const key of orphans) expect(left).not.toContain(key);
		expect(await repo.getOriginal(kept.id, user)).toMatchObject({ mimeType: 'image/png' });
		expect((await repo.getThumbnail(kept.id, user)).length).toBeGreaterThan(0);
	});

	it('records a remix: an upload whose credentials name a gallery image as its parent', async () => {
		const repo = await repository();
		const user = await repo.createUser('Mei', 'a long enough password');
		const originalBytes = await signedPng(id, { width: 90 });
		const original = await repo.createImage(user, {
			bytes: originalBytes,
			title: 'Original',
			description: '',
			visibility: 'public',
			rightsConfirmed: true
		});
		const remix = await repo.createImage(user, {
			bytes: await signedPng(id, { width: 92, content: originalBytes }),
			title: 'Remix',
			description: '',
			visibility: 'unlisted',
			rightsConfirmed: false
		});
		expect(remix.parentId).toBe(original.id);
		expect(original.parentId).toBeNull();
	});

	it('lists public images newest first, page by page, with filters', async () => {
		const repo = await repository();
		const user = await repo.createUser('Sora', 'a long enough password');
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			const image = await repo.createImage(user, {
				bytes: await signedPng(id, { width: 60 + i, model: i % 2 ? 'cartoon-whitebox' : undefined }),
				title: `Painting ${i}`,
				description: '',
				visibility: 'public',
				rightsConfirmed: true
			});
			ids.push(image.id);
		}
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const page = await repo.listImages({ limit: 2, cursor }, null);
			seen.push(...page.items.map((i) => i.id));
			cursor = page.nextCursor;
		} while (cursor);
		expect(seen).toEqual([...ids].reverse());
		const cartoon = await repo.listImages({ model: 'cartoon-whitebox' }, null);
		expect(cartoon.items.map((i) => i.title).sort()).toEqual(['Painting 1', 'Painting 3']);
		expect(cartoon.items.every((i) => i.labels.includes('non-commercial'))).toBe(true);
		expect(
			(await repo.listImages({ style: 'rembrandt-night-watch', creator: 'sora' }, null)).items
		).toHaveLength(5);
		expect((await repo.listImages({ style: 'hokusai-great-wave' }, null)).items).toHaveLength(0);
		await expect(repo.listImages({ limit: 101 }, null)).rejects.toBeInstanceOf(GalleryError);
	});
});

describe('several processes starting at once against one PostgreSQL database', () => {
	it('apply each migration exactly once', async () => {
		const url = await pg.createDatabase('gallery_concurrent');
		const databases = await Promise.all(
			Array.from({ length: 4 }, () => openDatabase({ url, maxConnections: 2 }))
		);
		try {
			const applied = await Promise.all(databases.map((d) => migrate(d.db)));
			expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version));
		} finally {
			await Promise.all(databases.map((d) => d.close()));
		}
	});
});

describe('a bucket shared with other applications', () => {
	it('keeps every object under the key prefix, and the cleanup lists and deletes only there', async () => {
		const raw = new S3Client({
			endpoint: s3.endpoint,
			region: 'us-east-1',
			forcePathStyle: true,
			credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
		});
		const options = {
			endpoint: s3.endpoint,
			bucket: s3.bucket,
			accessKeyId: s3.accessKeyId,
			secretAccessKey: s3.secretAccessKey
		};
		const store = new S3ObjectStore(options);
		const tenant = new S3ObjectStore({ ...options, prefix: 'tenant-b/' });
		try {
			// Other applications' objects, one of them named just like a gallery key, at the bucket's root.
			const foreign = [
				`originals/${randomUUID()}`,
				`other-app/originals/${randomUUID()}`,
				'rakkan-notes.txt'
			];
			for (const key of foreign) {
				await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'not the gallery’s' }));
			}
			const orphan = newObjectKey('originals');
			await store.put(orphan, await plainPng(10, 10), 'image/png');
			const theirs = newObjectKey('thumbnails', '.webp');
			await tenant.put(theirs, await plainPng(10, 10), 'image/webp');

			const everything = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
			const bucketKeys = (everything.Contents ?? []).map((o) => o.Key);
			expect(bucketKeys).toContain(`rakkan/${orphan}`);
			expect(bucketKeys).toContain(`tenant-b/${theirs}`);
			expect(await listKeys(tenant)).toEqual([theirs]);

			const database = await track(await openDatabase({ pgliteDir: path.join(tmp, 'pglite-shared-bucket') }));
			await migrate(database.db);
			const repo = new GalleryRepository({ db: database.db, store, catalog, orphanGraceMs: 1000 });
			const deleted = await repo.cleanup(new Date(Date.now() + 3_600_000));
			expect(deleted).toContain(orphan);
			expect(deleted).not.toContain(theirs);
			const left = (await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? [];
			const leftKeys = left.map((o) => o.Key);
			for (const key of [...foreign, `tenant-b/${theirs}`]) expect(leftKeys).toContain(key);
			expect(leftKeys).not.toContain(`rakkan/${orphan}`);
			expect(() => new S3ObjectStore({ ...options, prefix: '/etc' })).toThrow(
				/S3_PREFIX must be empty or like/
			);
		} finally {
			store.destroy();
			tenant.destroy();
			raw.destroy();
		}
	});
});
