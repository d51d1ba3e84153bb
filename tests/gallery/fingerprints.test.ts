// The fingerprint index's search, on PGlite and on PostgreSQL with the same SQL: multi-index hashing must
// find exactly what a brute-force Hamming scan finds within the threshold, nearest first, and only among
// images the caller may match.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hammingDistance } from '../../src/lib/kernels/iscc';
import { openDatabase, type Database } from '../../src/lib/server/gallery/db';
import { migrate } from '../../src/lib/server/gallery/migrate';
import {
	FingerprintIndex,
	fingerprintRow,
	imageFingerprints,
	MATCH_THRESHOLD
} from '../../src/lib/server/gallery/fingerprints';
import { FileObjectStore } from '../../src/lib/server/gallery/store';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { seededRandom } from '../helpers/random';

const ROWS = 3000;
const VISIBILITY = ['public', 'public', 'public', 'unlisted', 'private', 'hidden'] as const;

let tmp: string;
let cluster: TestPostgres;
const opened: Database[] = [];

beforeAll(async () => {
	tmp = await mkdtemp(path.join(os.tmpdir(), 'rakkan-fingerprints-'));
	cluster = await startPostgres();
}, 120_000);

afterAll(async () => {
	for (const database of opened) await database.close();
	await cluster?.stop();
	await rm(tmp, { recursive: true, force: true });
});

/** Random digests, with clusters of near copies so that several images fall within the threshold. */
function digests(): Uint8Array[] {
	const random = seededRandom(12);
	const out: Uint8Array[] = [];
	while (out.length < ROWS) {
		const base = Uint8Array.from({ length: 8 }, () => Math.floor(random() * 256));
		out.push(base);
		for (let copy = 0; copy < 4 && out.length < ROWS; copy++) {
			const near = base.slice();
			const flips = Math.floor(random() * 14);
			for (let f = 0; f < flips; f++) {
				const bit = Math.floor(random() * 64);
				near[bit >> 3]! ^= 1 << (bit & 7);
			}
			out.push(near);
		}
	}
	return out;
}

describe.each([
	['PGlite', () => openDatabase({ pgliteDir: path.join(tmp, 'pglite') })],
	['PostgreSQL', async () => openDatabase({ url: await cluster.createDatabase('fingerprints') })]
] as const)('multi-index Hamming search on %s', (_name, open) => {
	let index: FingerprintIndex;
	const stored = digests();
	const visibility = (i: number) => VISIBILITY[i % VISIBILITY.length]!;
	const owner = (i: number) => (i % 2 ? 'alice' : 'bob');

	beforeAll(async () => {
		const database = await open();
		opened.push(database);
		await migrate(database.db);
		const db = database.db;
		await db.execute(
			sql`INSERT INTO users (id, username, password_hash) VALUES ('alice', 'alice', 'x'), ('bob', 'bob', 'x')`
		);
		await db.execute(
			sql.raw(`
			INSERT INTO images (id, owner_id, title, visibility, hidden, mime_type, byte_size, width, height, sha256,
				object_key, thumbnail_key, credential_state, credentials, rights, created_at)
			SELECT 'img' || n, CASE WHEN n % 2 = 1 THEN 'alice' ELSE 'bob' END, 't',
				(ARRAY['public', 'public', 'public', 'unlisted', 'private', 'public'])[n % 6 + 1], n % 6 = 5,
				'image/png', 1, 1, 1, '', 'o' || n, 't' || n, 'untrusted', '{}'::jsonb, '{}'::jsonb,
				timestamptz '2026-01-01' + n * interval '1 second'
			FROM generate_series(0, ${ROWS - 1}) AS n`)
		);
		const rows = stored.map((digest, i) =>
			fingerprintRow(`img${i}`, `urn:c2pa:${i}`, {
				code: `code${i}`,
				digest,
				claimedCode: null,
				claimedDistance: null
			})
		);
		for (let at = 0; at < rows.length; at += 500)
			await db.insert(imageFingerprints).values(rows.slice(at, at + 500));
		index = new FingerprintIndex(db, new FileObjectStore(path.join(tmp, 'objects')));
	}, 120_000);

	function expected(query: Uint8Array, viewer: string | null) {
		return stored
			.map((digest, i) => ({ i, distance: hammingDistance(digest, query) }))
			.filter(({ i, distance }) => {
				const shared = visibility(i) === 'public';
				return distance <= MATCH_THRESHOLD && (shared || owner(i) === viewer);
			})
			.sort((a, b) => a.distance - b.distance || a.i - b.i)
			.map(({ i, distance }) => ({ imageId: `img${i}`, manifestId: `urn:c2pa:${i}`, distance }));
	}

	it('finds exactly what a full scan finds within the threshold, nearest and then oldest first', async () => {
		const random = seededRandom(99);
		let nonEmpty = 0;
		for (let q = 0; q < 60; q++) {
			const query = stored[Math.floor(random() * stored.length)]!.slice();
			const flips = Math.floor(random() * (MATCH_THRESHOLD + 3));
			for (let f = 0; f < flips; f++) {
				const bit = Math.floor(random() * 64);
				query[bit >> 3]! ^= 1 << (bit & 7);
			}
			const want = expected(query, null);
			if (want.length) nonEmpty += 1;
			expect(await index.matches(query, null, 100)).toEqual(want);
		}
		expect(nonEmpty).toBeGreaterThan(30);
	});

	it("matches the caller's own unlisted, private and hidden images, never anyone else's", async () => {
		for (const i of [3, 4, 5, 9, 10, 11]) {
			const mine = owner(i);
			const other = mine === 'alice' ? 'bob' : 'alice';
			const ids = async (viewer: string | null) =>
				(
					await index.matches(
						stored[i]!,
						viewer ? { id: viewer, username: viewer, isAdmin: false } : null,
						100
					)
				).map((m) => m.imageId);
			expect(await ids(mine)).toContain(`img${i}`);
			expect(await ids(other)).not.toContain(`img${i}`);
			expect(await ids(null)).not.toContain(`img${i}`);
		}
	});

	it('keeps at most maxResults matches', async () => {
		const query = stored.find((digest) => expected(digest, null).length > 1)!;
		expect(await index.matches(query, null, 1)).toEqual(expected(query, null).slice(0, 1));
	});
});
