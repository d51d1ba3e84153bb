// The gallery server under load, through the production build (server.js) on loopback: upload+verify
// throughput, then requests per second and p50/p99 latency of the public listing (GET /api/images), one
// image (GET /api/images/<id>) and, when the pages are built, its page (/gallery/<id>), with 50 concurrent
// connections; once with the embedded PGlite database and once with a PostgreSQL server. The load
// generator runs in this process, on the same cores as the server.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/lib/node/catalog-fs';
import { signImage } from '../src/lib/provenance/c2pa/manifest';
import { startPostgres } from '../tests/helpers/postgres';
import { pattern } from '../tests/helpers/images';
import { sampleInput, testIdentity } from '../tests/provenance/helpers';
import { ApiClient, startServer } from '../tests/gallery/server';
import { progress, round } from './util';

export const GALLERY_NOTES = [
	'gallery: node server.js (the production build) on loopback, once with PGlite in a temporary data folder and once with a throwaway PostgreSQL 15 cluster (filesystem store both times). uploads: signed PNGs of about 256x192 posted as multipart, 8 at a time (sniff, verify the credentials, WebP thumbnail, store, insert); perSecond = count / seconds. list, detail, page: GET /api/images (24 newest public images), GET /api/images/<id> and /gallery/<id> (null when the pages are not built), 5000 requests (500 with --quick) from 50 concurrent loops over keep-alive connections in the bench process, which shares the cores with the server; p50Ms/p99Ms per request.'
];

const CONNECTIONS = 50;

interface LoadResult {
	requests: number;
	seconds: number;
	requestsPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	errors: number;
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** `total` GETs of `url` spread over CONNECTIONS concurrent loops. */
async function load(url: string, total: number): Promise<LoadResult> {
	const latencies: number[] = [];
	let errors = 0;
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: CONNECTIONS }, async () => {
			while (next < total) {
				next += 1;
				const t = performance.now();
				const response = await fetch(url);
				await response.arrayBuffer();
				latencies.push(performance.now() - t);
				if (response.status !== 200) errors += 1;
			}
		})
	);
	const seconds = (performance.now() - started) / 1000;
	latencies.sort((a, b) => a - b);
	return {
		requests: latencies.length,
		seconds: round(seconds, 2),
		requestsPerSecond: round(latencies.length / seconds),
		p50Ms: round(percentile(latencies, 50), 2),
		p99Ms: round(percentile(latencies, 99), 2),
		errors
	};
}

async function benchOne(env: Record<string, string>, quick: boolean, label: string) {
	const server = await startServer(env);
	try {
		const client = new ApiClient(server.url);
		await client.signup(`bench_${Date.now() % 100000}`);
		const id = await testIdentity('Bench Painter');
		const uploads = quick ? 8 : 60;
		progress(`gallery (${label}): signing ${uploads} images`);
		const files = await Promise.all(
			Array.from({ length: uploads }, async (_, i) =>
				signImage(
					new Uint8Array(
						await pattern(256 + i, 192)
							.png()
							.toBuffer()
					),
					sampleInput(undefined, { title: `bench-${i}.png` }),
					id.signer
				)
			)
		);
		progress(`gallery (${label}): ${uploads} uploads, 8 at a time`);
		const ids: string[] = [];
		const uploadStarted = performance.now();
		let at = 0;
		await Promise.all(
			Array.from({ length: 8 }, async () => {
				while (at < files.length) {
					const file = files[at++]!;
					const response = await client.upload(file, { rightsConfirmed: 'true' });
					if (response.status !== 201) throw new Error(`upload failed: ${JSON.stringify(response.body)}`);
					ids.push(response.body.id);
				}
			})
		);
		const uploadSeconds = (performance.now() - uploadStarted) / 1000;
		const total = quick ? 500 : 5000;
		progress(`gallery (${label}): GET /api/images x ${total}`);
		const list = await load(`${server.url}/api/images`, total);
		progress(`gallery (${label}): GET /api/images/<id> x ${total}`);
		const detail = await load(`${server.url}/api/images/${ids[0]}`, total);
		const pageUrl = `${server.url}/gallery/${ids[0]}`;
		const page = (await fetch(pageUrl)).status === 200 ? await load(pageUrl, total) : null;
		return {
			uploads: {
				count: uploads,
				concurrency: 8,
				seconds: round(uploadSeconds, 2),
				perSecond: round(uploads / uploadSeconds, 2),
				averageBytes: Math.round(files.reduce((n, f) => n + f.length, 0) / files.length)
			},
			list,
			detail,
			page
		};
	} finally {
		await server.stop();
	}
}

export async function benchGallery(quick: boolean) {
	if (!existsSync(path.join(PROJECT_ROOT, 'build', 'handler.js'))) {
		progress('gallery: no production build, running vite build');
		const built = spawnSync('npx', ['vite', 'build'], { cwd: PROJECT_ROOT, stdio: ['ignore', 2, 2] });
		if (built.status !== 0) throw new Error('vite build failed');
	}
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rakkan-bench-gallery-'));
	const pg = await startPostgres();
	try {
		const pglite = await benchOne({ RAKKAN_DATA_DIR: path.join(dataDir, 'pglite') }, quick, 'PGlite');
		const postgres = await benchOne(
			{ RAKKAN_DATA_DIR: path.join(dataDir, 'pg'), DATABASE_URL: await pg.createDatabase('bench') },
			quick,
			'PostgreSQL'
		);
		return { connections: CONNECTIONS, pglite, postgres };
	} finally {
		await pg.stop();
		await rm(dataDir, { recursive: true, force: true });
	}
}
