// Durable credentials, measured: does a copy that lost its credentials lead back to its signed original?
// Exports of the catalog's photos and style images and of procedurally generated pictures go through
// the CLI's real export path (encode, fingerprint, sign); each goes through every transformation of
// tests/helpers/transformations.ts and is looked up among all exports and 1000+ unrelated pictures.
// Then the index itself: lookup latency with one million synthetic fingerprints on PGlite and PostgreSQL.
//
// `npx tsx bench/soft-binding.ts [--quick]` runs this section alone; `npm run bench` includes it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { takesStyleImage, type Catalog, type ModelCard } from '../src/lib/assets/catalog';
import type { Pixels } from '../src/lib/engine/types';
import { decodeImageCode, hammingDistance, imageCode, IMAGE_CODE_BITS } from '../src/lib/kernels/iscc';
import { cachedPath, defaultCacheDir } from '../src/lib/node/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../src/lib/node/catalog-fs';
import { writeSignedImage, type OutputFormat } from '../src/lib/node/export';
import { decodeImage } from '../src/lib/node/image-io';
import { verifyImage } from '../src/lib/provenance/c2pa/verify';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { GalleryDb } from '../src/lib/server/gallery/db';
import { FingerprintIndex, MATCH_THRESHOLD } from '../src/lib/server/gallery/fingerprints';
import type { ObjectStore } from '../src/lib/server/gallery/store';
import { photoPath, type PhotoId } from '../tests/helpers/assets';
import { startPostgres } from '../tests/helpers/postgres';
import { seededRandom } from '../tests/helpers/random';
import { TRANSFORMATIONS } from '../tests/helpers/transformations';
import { ApiClient, startServer } from '../tests/gallery/server';
import { progress, round } from './util';

export const SOFT_BINDING_NOTES = [
	'softBinding.recovery: each export (PNG, JPEG q92 or WebP q90 in turn, signed by the CLI export path with the io.iscc.v0 soft binding) goes through each transformation (sharp); the copy\'s ISCC code is compared with every export and every unrelated picture; "found" = the nearest code within the threshold is its own original. The exported pixels are the source pictures themselves, not stylized (stylizing 60 pictures takes hours on two cores; a fingerprint only sees pixels). distances: Hamming distance (of 64 bits) between the copy and its original.',
	'softBinding.unrelated: procedurally generated pictures (random gradients, blobs, stripes and noise) from seeds the exports do not use, plus all pairs of distinct exports; falseMatches = unrelated pairs within the threshold.',
	'softBinding.lookup: FingerprintIndex.matches (the API query: multi-index over four 16-bit chunks, radius floor(threshold/4), exact bit_count filter, visibility join) with one million synthetic uniformly random 64-bit fingerprints (and image rows) in PGlite and in a throwaway PostgreSQL 15 cluster; queries are stored codes with 0..threshold bits flipped, and random codes. Real codes are less uniform than random ones (some chunk values are common), so real buckets can be larger.'
];

const THRESHOLDS = [4, 6, 7, 8, 10, 12, 14];

interface Export {
	name: string;
	bytes: Uint8Array;
	digest: Uint8Array;
}

function digestOf(pixels: Pixels): Uint8Array {
	return decodeImageCode(imageCode(pixels))!;
}

/** A picture with some structure: a gradient, soft blobs, stripes and noise, all from `seed`. */
function generated(seed: number, width: number, height: number): Pixels {
	const random = seededRandom(seed);
	const colour = () => [random() * 255, random() * 255, random() * 255];
	const from = colour();
	const to = colour();
	const angle = random() * Math.PI * 2;
	const blobs = Array.from({ length: 3 + Math.floor(random() * 8) }, () => ({
		x: random() * width,
		y: random() * height,
		r: (0.05 + random() * 0.35) * Math.max(width, height),
		c: colour(),
		a: 0.3 + random() * 0.7
	}));
	const stripes = { f: 2 + random() * 30, angle: random() * Math.PI, amp: random() * 40 };
	const noise = random() * 25;
	const data = new Uint8ClampedArray(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const t = Math.min(
				1,
				Math.max(0, 0.5 + ((x / width - 0.5) * Math.cos(angle) + (y / height - 0.5) * Math.sin(angle)))
			);
			const px = [0, 1, 2].map((c) => from[c]! * (1 - t) + to[c]! * t);
			for (const b of blobs) {
				const d = Math.hypot(x - b.x, y - b.y) / b.r;
				const w = d < 1 ? b.a * (1 - d * d) : 0;
				for (let c = 0; c < 3; c++) px[c] = px[c]! * (1 - w) + b.c[c]! * w;
			}
			const s =
				stripes.amp *
				Math.sin(
					((x * Math.cos(stripes.angle) + y * Math.sin(stripes.angle)) / width) * stripes.f * Math.PI * 2
				);
			const i = (y * width + x) * 4;
			for (let c = 0; c < 3; c++) data[i + c] = px[c]! + s + (random() - 0.5) * noise;
			data[i + 3] = 255;
		}
	}
	return { width, height, data };
}

async function pngOf(pixels: Pixels): Promise<Uint8Array> {
	const buffer = await sharp(Buffer.from(pixels.data.buffer), {
		raw: { width: pixels.width, height: pixels.height, channels: 4 }
	})
		.png()
		.toBuffer();
	return new Uint8Array(buffer);
}

/** Every source picture: the test photos, every style image of the catalog, then generated ones. */
async function sources(
	catalog: Catalog,
	generatedCount: number
): Promise<{ name: string; file: Uint8Array }[]> {
	const out: { name: string; file: Uint8Array }[] = [];
	for (const photo of ['astronaut', 'chelsea', 'coffee', 'rocket'] as PhotoId[]) {
		out.push({ name: `photo:${photo}`, file: new Uint8Array(await readFile(await photoPath(photo))) });
	}
	const cacheDir = defaultCacheDir(PROJECT_ROOT);
	for (const style of catalog.styles) {
		out.push({
			name: `style:${style.id}`,
			file: new Uint8Array(await readFile(cachedPath(cacheDir, style.files[0]!)))
		});
	}
	const random = seededRandom(4242);
	for (let i = 0; i < generatedCount; i++) {
		const width = 320 + Math.floor(random() * 480);
		const height = Math.round(width * (0.6 + random()));
		out.push({ name: `generated:${i}`, file: await pngOf(generated(1000 + i, width, height)) });
	}
	return out;
}

async function exportAll(catalog: Catalog, dir: string, count: number): Promise<Export[]> {
	const all = await sources(catalog, Math.max(0, count - 4 - catalog.styles.length));
	const formats: OutputFormat[] = ['png', 'jpeg', 'webp'];
	const models: ModelCard[] = catalog.models;
	const exports: Export[] = [];
	for (const [i, source] of all.entries()) {
		progress(`softBinding: export ${i + 1}/${all.length} (${source.name})`);
		// At most 800 px: a shared picture's usual size, and a bounded cost for 60 exports on two cores.
		const buffer = await sharp(source.file)
			.rotate()
			.resize(800, 800, { fit: 'inside', withoutEnlargement: true })
			.png()
			.toBuffer();
		const content = path.join(dir, `source-${i}.png`);
		await writeFile(content, buffer);
		const pixels = await decodeImage(new Uint8Array(buffer));
		const model = models[i % models.length]!;
		const format = formats[i % formats.length]!;
		const out = path.join(dir, `export-${i}.${format === 'jpeg' ? 'jpg' : format}`);
		await writeSignedImage({
			pixels,
			out,
			content: { file: content, width: pixels.width, height: pixels.height },
			catalog,
			model,
			styles: takesStyleImage(model) ? [{ card: catalog.styles[i % catalog.styles.length]!, weight: 1 }] : [],
			settings: { strength: 1, preserveColors: false, workingSide: 768, styleSide: 256 }
		});
		const bytes = new Uint8Array(await readFile(out));
		const verdict = await verifyImage(bytes);
		const binding = verdict.softBindings?.[0]?.value;
		if (verdict.state !== 'untrusted' || !binding)
			throw new Error(`export ${out} is not signed with a soft binding`);
		exports.push({ name: source.name, bytes, digest: decodeImageCode(binding)! });
	}
	return exports;
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Index of the nearest stored digest (first wins ties, as the oldest image does in the gallery). */
function nearest(stored: Uint8Array[], query: Uint8Array): { index: number; distance: number } {
	let best = { index: -1, distance: Infinity };
	stored.forEach((digest, index) => {
		const distance = hammingDistance(digest, query);
		if (distance < best.distance) best = { index, distance };
	});
	return best;
}

async function recovery(exports: Export[], unrelated: Uint8Array[]) {
	const stored = [...exports.map((e) => e.digest), ...unrelated];
	const perTransformation: Record<string, unknown> = {};
	const overall = Object.fromEntries(THRESHOLDS.map((t) => [t, 0]));
	let required = 0;
	for (const transformation of TRANSFORMATIONS) {
		progress(`softBinding: ${transformation.name}`);
		const distances: number[] = [];
		const found = Object.fromEntries(THRESHOLDS.map((t) => [t, 0]));
		const missed: { name: string; distance: number; nearestIsOther: boolean }[] = [];
		for (const [i, e] of exports.entries()) {
			const copy = await transformation.apply(e.bytes);
			const digest = digestOf(await decodeImage(copy));
			const distance = hammingDistance(digest, e.digest);
			distances.push(distance);
			const best = nearest(stored, digest);
			for (const t of THRESHOLDS) if (best.index === i && best.distance <= t) found[t] = (found[t] ?? 0) + 1;
			if (!(best.index === i && best.distance <= MATCH_THRESHOLD)) {
				missed.push({ name: e.name, distance, nearestIsOther: best.index !== i });
			}
		}
		if (!transformation.breaks) {
			required += exports.length;
			for (const t of THRESHOLDS) overall[t] = (overall[t] ?? 0) + found[t]!;
		}
		distances.sort((a, b) => a - b);
		perTransformation[transformation.name] = {
			expectedToBreak: transformation.breaks ?? false,
			foundRate: round(found[MATCH_THRESHOLD]! / exports.length, 3),
			foundRateByThreshold: Object.fromEntries(
				THRESHOLDS.map((t) => [t, round(found[t]! / exports.length, 3)])
			),
			distance: {
				median: percentile(distances, 50),
				p95: percentile(distances, 95),
				max: distances.at(-1) ?? 0
			},
			missed: missed.slice(0, 10)
		};
	}
	return {
		threshold: MATCH_THRESHOLD,
		exports: exports.length,
		foundRateRequired: round(overall[MATCH_THRESHOLD]! / required, 4),
		foundRateRequiredByThreshold: Object.fromEntries(
			THRESHOLDS.map((t) => [t, round(overall[t]! / required, 4)])
		),
		perTransformation
	};
}

function unrelatedStats(exports: Export[], unrelated: Uint8Array[]) {
	const distances: number[] = [];
	for (const u of unrelated) for (const e of exports) distances.push(hammingDistance(u, e.digest));
	for (let i = 0; i < exports.length; i++) {
		for (let j = i + 1; j < exports.length; j++)
			distances.push(hammingDistance(exports[i]!.digest, exports[j]!.digest));
	}
	// And the unrelated pictures among themselves: half a million more pairs.
	const among: number[] = [];
	for (let i = 0; i < unrelated.length; i++) {
		for (let j = i + 1; j < unrelated.length; j++) among.push(hammingDistance(unrelated[i]!, unrelated[j]!));
	}
	distances.sort((a, b) => a - b);
	among.sort((a, b) => a - b);
	const within = (list: number[], t: number) => list.filter((d) => d <= t).length;
	return {
		unrelatedPictures: unrelated.length,
		pairsAgainstExports: distances.length,
		falseMatches: within(distances, MATCH_THRESHOLD),
		falseMatchesByThreshold: Object.fromEntries(THRESHOLDS.map((t) => [t, within(distances, t)])),
		minDistance: distances[0],
		p001Distance: percentile(distances, 0.1),
		medianDistance: percentile(distances, 50),
		pairsAmongUnrelated: among.length,
		falseMatchesAmongUnrelated: within(among, MATCH_THRESHOLD),
		falseMatchesAmongUnrelatedByThreshold: Object.fromEntries(THRESHOLDS.map((t) => [t, within(among, t)])),
		minDistanceAmongUnrelated: among[0]
	};
}

const NO_STORE: ObjectStore = {
	put: () => Promise.reject(new Error('not used')),
	get: () => Promise.resolve(null),
	delete: () => Promise.resolve(),
	list: () => Promise.resolve([])
} as unknown as ObjectStore;

interface Database {
	db: GalleryDb;
	kind: 'pglite' | 'postgres';
	close(): Promise<void>;
}

/**
 * The gallery's database after the production server (the build) has migrated it, opened directly: the
 * server's db module reads its migrations through Vite, which this benchmark does not run under.
 */
async function migratedDatabase(env: { dataDir: string; url?: string }): Promise<Database> {
	const server = await startServer({
		RAKKAN_DATA_DIR: env.dataDir,
		...(env.url ? { DATABASE_URL: env.url } : {})
	});
	try {
		await new ApiClient(server.url).get('/api/images');
	} finally {
		await server.stop();
	}
	if (env.url) {
		const client = postgres(env.url, { max: 2, onnotice: () => {} });
		return {
			db: drizzlePostgres({ client }) as unknown as GalleryDb,
			kind: 'postgres',
			close: () => client.end()
		};
	}
	const client = new PGlite(path.join(env.dataDir, 'db'));
	await client.waitReady;
	return {
		db: drizzlePglite({ client }) as unknown as GalleryDb,
		kind: 'pglite',
		close: () => client.close()
	};
}

/** Fills the tables with `rows` images and random fingerprints, in batches the server does itself. */
async function fill(database: Database, rows: number): Promise<void> {
	const db = database.db;
	await db.execute(sql`INSERT INTO users (id, username, password_hash) VALUES ('bench', 'bench', 'x')`);
	const batch = 100_000;
	for (let from = 0; from < rows; from += batch) {
		progress(`softBinding: ${database.kind} rows ${from}..${Math.min(rows, from + batch)}`);
		await db.execute(
			sql.raw(`
			INSERT INTO images (id, owner_id, title, visibility, mime_type, byte_size, width, height, sha256,
				object_key, thumbnail_key, credential_state, credentials, rights)
			SELECT 'img' || n, 'bench', 'synthetic', 'public', 'image/png', 1, 1, 1, '', 'o' || n, 't' || n,
				'untrusted', '{}'::jsonb, '{}'::jsonb
			FROM generate_series(${from}, ${Math.min(rows, from + batch) - 1}) AS n`)
		);
		await db.execute(
			sql.raw(`
			INSERT INTO image_fingerprints (image_id, alg, code, bits, chunk0, chunk1, chunk2, chunk3, manifest_id)
			SELECT id, 'io.iscc.v0', '', bits,
				((bits >> 48) & 65535)::int, ((bits >> 32) & 65535)::int, ((bits >> 16) & 65535)::int, (bits & 65535)::int,
				'urn:c2pa:' || id
			FROM (SELECT 'img' || n AS id,
				((floor(random() * 4294967296)::bigint - 2147483648) << 32) | floor(random() * 4294967296)::bigint AS bits
				FROM generate_series(${from}, ${Math.min(rows, from + batch) - 1}) AS n) AS r`)
		);
	}
	await db.execute(sql`ANALYZE images`);
	await db.execute(sql`ANALYZE image_fingerprints`);
}

async function lookupLatency(database: Database, rows: number, queries: number) {
	const fillStarted = performance.now();
	await fill(database, rows);
	const fillMs = performance.now() - fillStarted;
	const index = new FingerprintIndex(database.db, NO_STORE);
	const sample = (await database.db.execute(
		sql`SELECT bits::text AS bits FROM image_fingerprints ORDER BY random() LIMIT ${queries}`
	)) as unknown;
	const sampleRows = (Array.isArray(sample) ? sample : (sample as { rows: unknown[] }).rows) as {
		bits: string;
	}[];
	const random = seededRandom(7);
	const toDigest = (value: bigint) => {
		const out = new Uint8Array(8);
		let v = BigInt.asUintN(64, value);
		for (let i = 7; i >= 0; i--) {
			out[i] = Number(v & 255n);
			v >>= 8n;
		}
		return out;
	};
	const latencies: number[] = [];
	let found = 0;
	for (let q = 0; q < queries; q++) {
		let digest: Uint8Array;
		if (q % 2 === 0) {
			digest = toDigest(BigInt(sampleRows[q % sampleRows.length]!.bits));
			const flips = Math.floor(random() * (MATCH_THRESHOLD + 1));
			for (let f = 0; f < flips; f++) {
				const bit = Math.floor(random() * IMAGE_CODE_BITS);
				digest[bit >> 3]! ^= 1 << (bit & 7);
			}
		} else
			digest = toDigest(
				BigInt.asIntN(
					64,
					(BigInt(Math.floor(random() * 2 ** 32)) << 32n) | BigInt(Math.floor(random() * 2 ** 32))
				)
			);
		const t = performance.now();
		const matches = await index.matches(digest, null, 10);
		latencies.push(performance.now() - t);
		if (q % 2 === 0 && matches.length > 0) found += 1;
	}
	latencies.sort((a, b) => a - b);
	return {
		rows,
		fillSeconds: round(fillMs / 1000, 1),
		queries,
		nearQueriesFound: `${found}/${Math.ceil(queries / 2)}`,
		p50Ms: round(percentile(latencies, 50), 2),
		p99Ms: round(percentile(latencies, 99), 2),
		maxMs: round(latencies.at(-1) ?? 0, 2)
	};
}

export async function benchSoftBinding(quick: boolean) {
	const catalog = await loadProjectCatalog();
	const dir = await mkdtemp(path.join(os.tmpdir(), 'rakkan-bench-soft-binding-'));
	const identityDir = process.env.RAKKAN_IDENTITY_DIR;
	process.env.RAKKAN_IDENTITY_DIR = path.join(dir, 'identity');
	try {
		const exports = await exportAll(catalog, dir, quick ? 16 : 60);
		const unrelatedCount = quick ? 100 : 1000;
		progress(`softBinding: ${unrelatedCount} unrelated pictures`);
		const unrelated: Uint8Array[] = [];
		for (let i = 0; i < unrelatedCount; i++) {
			const random = seededRandom(900_000 + i);
			unrelated.push(
				digestOf(generated(500_000 + i, 160 + Math.floor(random() * 240), 160 + Math.floor(random() * 240)))
			);
		}
		const recovered = await recovery(exports, unrelated);
		const unrelatedResult = unrelatedStats(exports, unrelated);
		const rows = quick ? 100_000 : 1_000_000;
		const queries = quick ? 50 : 400;
		progress(`softBinding: lookup latency on PGlite with ${rows} fingerprints`);
		const pglite = await migratedDatabase({ dataDir: path.join(dir, 'pglite') });
		let pgliteResult;
		try {
			pgliteResult = await lookupLatency(pglite, rows, queries);
		} finally {
			await pglite.close();
		}
		progress(`softBinding: lookup latency on PostgreSQL with ${rows} fingerprints`);
		const cluster = await startPostgres();
		let postgresResult;
		try {
			const database = await migratedDatabase({
				dataDir: path.join(dir, 'postgres'),
				url: await cluster.createDatabase('softbinding')
			});
			try {
				postgresResult = await lookupLatency(database, rows, queries);
			} finally {
				await database.close();
			}
		} finally {
			await cluster.stop();
		}
		return {
			recovery: recovered,
			unrelated: unrelatedResult,
			lookup: { pglite: pgliteResult, postgres: postgresResult }
		};
	} finally {
		if (identityDir === undefined) delete process.env.RAKKAN_IDENTITY_DIR;
		else process.env.RAKKAN_IDENTITY_DIR = identityDir;
		await rm(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const quick = process.argv.includes('--quick');
	const result = await benchSoftBinding(quick);
	process.stdout.write(
		`${JSON.stringify({ quick, softBinding: result, notes: SOFT_BINDING_NOTES }, null, '\t')}\n`
	);
}
