// The gallery server under load, through the production build (server.js) on loopback, once with the
// embedded PGlite database and once with a PostgreSQL server:
// - hostile and slow uploads (49-megapixel PNGs that take seconds to decode, 20 MB recipes) from several
//   users at once, while a probe reads the public listing: the worst upload time, and the probe's latency
//   (the server must keep answering);
// - the listing's size with those oversized credentials in it;
// - requests per second and p50/p99 latency of the public listing (GET /api/images), one image and its
//   page, with autocannon at 50 connections, against a bare node:http server sending the same listing
//   JSON, in the same run.
// `npm run bench:gallery` runs this section alone (`-- --quick` for a smoke run).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { PROJECT_ROOT } from '../src/lib/node/catalog-fs';
import { signImage } from '../src/lib/provenance/c2pa/manifest';
import { startPostgres } from '../tests/helpers/postgres';
import { pattern } from '../tests/helpers/images';
import { sampleInput, testIdentity } from '../tests/provenance/helpers';
import { heavyPng, signedPngWithHugeRecipe } from '../tests/gallery/hostile-images';
import { ApiClient, startServer, uniqueName, type ApiResponse } from '../tests/gallery/server';
import { progress, round } from './util';

export const GALLERY_NOTES = [
	'gallery: node server.js (the production build) on loopback, once with PGlite in a temporary data folder and once with a throwaway PostgreSQL cluster (filesystem store both times), default settings (upload workers = min(8, max(2, cores)), 2 uploads in flight per user, 15 s and 256 MB per upload). uploads: signed PNGs of about 256x192 posted as multipart, 8 at a time (a 429 is retried after its Retry-After); perSecond = count / seconds.',
	'gallery.hostile: 4 users each post 2 PNGs of 7000x7000 (49 MP, unlisted; decoding for the thumbnail takes seconds) and 1 of the users 2 signed PNGs with a 20 MB org.rakkan.recipe (public), all at once, retrying 429s after Retry-After; uploadMs: per upload, from its accepted request to its answer (worstMs), and endToEndWorstMs including the waits after 429s; probe: GET /api/images one after another (20 ms apart) from a separate client while the uploads run, latency p50/p99/max in ms, idleP50Ms before any upload; listingBytes: GET /api/images (24 newest) with the two oversized images in it, detailBytes: GET /api/images/<id> of one of them (before this change each listing item carried its whole credentials, so the same listing was over 40 MB).',
	'gallery.list/bare/detail/page: autocannon, 50 connections, 10 s each (3 s with --quick), in the bench process sharing the cores with the server: GET /api/images (24 newest public images; public pages are cached until the next write), a bare node:http server in its own process sending the same listing JSON, GET /api/images/<id> and /gallery/<id>; listVsBare = list.requestsPerSecond / bare.requestsPerSecond (goal >= 0.3), listP99OverP50 (goal < 10).'
];

const CONNECTIONS = 50;

interface LoadResult {
	requests: number;
	seconds: number;
	requestsPerSecond: number;
	p50Ms: number;
	p99Ms: number;
	errors: number;
	bytesPerResponse: number;
}

async function load(url: string, seconds: number): Promise<LoadResult> {
	const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
	return {
		requests: result.requests.total,
		seconds: result.duration,
		requestsPerSecond: round(result.requests.average),
		p50Ms: result.latency.p50,
		p99Ms: result.latency.p99,
		errors: result.errors + result.timeouts + result.non2xx,
		bytesPerResponse: Math.round(result.throughput.total / Math.max(1, result.requests.total))
	};
}

/** A plain node:http server, in its own process, answering every request with `body` as JSON. */
async function bareServer(body: string, dir: string): Promise<{ url: string; stop(): Promise<void> }> {
	const file = path.join(dir, 'listing.json');
	await writeFile(file, body);
	const code = `
const http = require('node:http');
const body = require('node:fs').readFileSync(process.argv[1]);
const server = http.createServer((req, res) => {
	res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
	res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));`;
	const child = spawn(process.execPath, ['-e', code, file], { stdio: ['ignore', 'pipe', 'inherit'] });
	const port = await new Promise<number>((resolve, reject) => {
		child.stdout.on('data', (chunk: Buffer) => {
			const match = /port (\d+)/.exec(chunk.toString());
			if (match) resolve(Number(match[1]));
		});
		child.once('exit', (exitCode) => reject(new Error(`the bare server exited with ${exitCode}`)));
	});
	return {
		url: `http://127.0.0.1:${port}/`,
		async stop() {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
	};
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Posts until the server takes it (429: waits its Retry-After); the time of the accepted attempt too. */
async function uploadUntilTaken(
	client: ApiClient,
	bytes: Uint8Array,
	fields: Record<string, string>
): Promise<{
	response: ApiResponse<{ id: string; message?: string }>;
	acceptedMs: number;
	endToEndMs: number;
}> {
	const started = performance.now();
	for (;;) {
		const attempt = performance.now();
		const response = await client.upload(bytes, fields);
		if (response.status !== 429) {
			return {
				response,
				acceptedMs: performance.now() - attempt,
				endToEndMs: performance.now() - started
			};
		}
		await new Promise((r) => setTimeout(r, Number(response.headers.get('retry-after') ?? 1) * 1000));
	}
}

async function benchHostile(url: string, label: string, quick: boolean) {
	const id = await testIdentity('Hostile Bench');
	progress(`gallery (${label}): making the hostile files`);
	const heavy = await heavyPng();
	const huge = await signedPngWithHugeRecipe(id, 20 * 1024 * 1024);
	const users = await Promise.all(
		Array.from({ length: quick ? 2 : 4 }, async () => {
			const client = new ApiClient(url);
			await client.signup(uniqueName('hostile'));
			return client;
		})
	);
	const probeClient = new ApiClient(url);
	const idle: number[] = [];
	for (let i = 0; i < 20; i++) {
		const t = performance.now();
		await probeClient.get('/api/images');
		idle.push(performance.now() - t);
	}
	progress(`gallery (${label}): hostile uploads with a probe`);
	const probes: number[] = [];
	let uploading = true;
	const probing = (async () => {
		while (uploading) {
			const t = performance.now();
			const response = await probeClient.get('/api/images');
			probes.push(performance.now() - t);
			if (response.status !== 200) throw new Error(`the probe got ${response.status}`);
			await new Promise((r) => setTimeout(r, 20));
		}
	})();
	const jobs = users.flatMap((client) => [
		uploadUntilTaken(client, heavy, { visibility: 'unlisted' }),
		uploadUntilTaken(client, heavy, { visibility: 'unlisted' })
	]);
	jobs.push(
		...[0, 1].map(() =>
			uploadUntilTaken(users[0]!, huge, { visibility: 'public', rightsConfirmed: 'true', title: 'Oversized' })
		)
	);
	const uploads = await Promise.all(jobs);
	uploading = false;
	await probing;
	const statuses = uploads.map((u) => u.response.status);
	// The last two jobs are the oversized ones.
	const oversized = uploads.slice(-2).find((u) => u.response.status === 201);
	const listing = await (await fetch(`${url}/api/images`)).text();
	const detail = oversized
		? await (await fetch(`${url}/api/images/${oversized.response.body.id}`)).text()
		: '';
	return {
		uploads: uploads.length,
		statuses: Object.fromEntries(
			[...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length])
		),
		uploadMs: {
			worstMs: round(Math.max(...uploads.map((u) => u.acceptedMs))),
			p50Ms: round(
				percentile(
					uploads.map((u) => u.acceptedMs),
					50
				)
			),
			endToEndWorstMs: round(Math.max(...uploads.map((u) => u.endToEndMs)))
		},
		probe: {
			count: probes.length,
			idleP50Ms: round(percentile(idle, 50), 2),
			p50Ms: round(percentile(probes, 50), 2),
			p99Ms: round(percentile(probes, 99), 2),
			maxMs: round(Math.max(...probes), 2)
		},
		listingBytes: Buffer.byteLength(listing),
		detailBytes: Buffer.byteLength(detail),
		oversizedUploadBytes: huge.length
	};
}

async function benchOne(env: Record<string, string>, quick: boolean, label: string, tmp: string) {
	const server = await startServer(env);
	try {
		const client = new ApiClient(server.url);
		await client.signup(uniqueName('bench'));
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
					const { response } = await uploadUntilTaken(client, file, { rightsConfirmed: 'true' });
					if (response.status !== 201) throw new Error(`upload failed: ${JSON.stringify(response.body)}`);
					ids.push(response.body.id);
				}
			})
		);
		const uploadSeconds = (performance.now() - uploadStarted) / 1000;
		const hostile = await benchHostile(server.url, label, quick);

		const seconds = quick ? 3 : 10;
		const listingJson = await (await fetch(`${server.url}/api/images`)).text();
		progress(`gallery (${label}): autocannon GET /api/images, ${seconds} s`);
		const list = await load(`${server.url}/api/images`, seconds);
		const bare = await bareServer(listingJson, tmp);
		let bareResult: LoadResult;
		try {
			progress(`gallery (${label}): autocannon bare node:http, ${seconds} s`);
			bareResult = await load(bare.url, seconds);
		} finally {
			await bare.stop();
		}
		progress(`gallery (${label}): autocannon GET /api/images/<id> and /gallery/<id>`);
		const detail = await load(`${server.url}/api/images/${ids[0]}`, seconds);
		const pageUrl = `${server.url}/gallery/${ids[0]}`;
		const page = (await fetch(pageUrl)).status === 200 ? await load(pageUrl, seconds) : null;
		return {
			uploads: {
				count: uploads,
				concurrency: 8,
				seconds: round(uploadSeconds, 2),
				perSecond: round(uploads / uploadSeconds, 2),
				averageBytes: Math.round(files.reduce((n, f) => n + f.length, 0) / files.length)
			},
			hostile,
			list,
			bare: bareResult,
			listVsBare: round(list.requestsPerSecond / bareResult.requestsPerSecond, 3),
			listP99OverP50: round(list.p99Ms / Math.max(1, list.p50Ms), 2),
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
		const pglite = await benchOne(
			{ RAKKAN_DATA_DIR: path.join(dataDir, 'pglite') },
			quick,
			'PGlite',
			dataDir
		);
		const postgres = await benchOne(
			{ RAKKAN_DATA_DIR: path.join(dataDir, 'pg'), DATABASE_URL: await pg.createDatabase('bench') },
			quick,
			'PostgreSQL',
			dataDir
		);
		return {
			connections: CONNECTIONS,
			pglite,
			postgres,
			reference: { listVsBare: '>= 0.3', listP99OverP50: '< 10' }
		};
	} finally {
		await pg.stop();
		await rm(dataDir, { recursive: true, force: true });
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const quick = process.argv.includes('--quick');
	console.log = (...args: unknown[]) => console.error(...args);
	const result = await benchGallery(quick);
	process.stdout.write(`${JSON.stringify({ quick, gallery: result, notes: GALLERY_NOTES }, null, 2)}\n`);
}
