// The gallery against an attacker, through the production build (server.js) with PGlite: slow and hostile
// uploads do not stall other requests and are cut off at their budget, oversized credentials are stored
// cut short and never listed, control characters are refused, reports cannot be spammed, and nothing
// reveals that a private, unlisted or hidden image exists.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GalleryImage, ImagePage } from '../../src/lib/gallery-api';
import { testIdentity, type TestIdentity } from '../provenance/helpers';
import { HOSTILE_CASES, hostileContext } from '../provenance/hostile-inputs';
import { heavyPng, signedPngWithHugeRecipe } from './hostile-images';
import { plainPng, signedPng } from './images';
import { ApiClient, CLIENT_HEADER, startServer, uniqueName, type RunningServer } from './server';

let server: RunningServer;
let dataDir: string;
let id: TestIdentity;
let signed: Uint8Array;
let heavy: Promise<Uint8Array> | undefined;
/** Made once: compressing 49 megapixels takes seconds. */
const heavyOnce = () => (heavy ??= heavyPng());

const QUOTA = 30 * 1024 * 1024;

beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'rakkan-gallery-hardening-'));
	[server, id] = await Promise.all([
		startServer({
			RAKKAN_DATA_DIR: path.join(dataDir, 'main'),
			ADDRESS_HEADER: CLIENT_HEADER,
			RAKKAN_UPLOADS_PER_USER: '2',
			RAKKAN_UPLOADS_CONCURRENT: '3',
			RAKKAN_USER_QUOTA_BYTES: String(QUOTA),
			RAKKAN_REPORTS_PER_HOUR: '3'
		}),
		testIdentity('Hardening Painter')
	]);
	signed = await signedPng(id);
});

afterAll(async () => {
	await server?.stop();
	await rm(dataDir, { recursive: true, force: true });
});

async function newUser(base = server.url): Promise<ApiClient> {
	const client = new ApiClient(base);
	expect((await client.signup(uniqueName())).status).toBe(201);
	return client;
}

describe('uploads off the event loop', () => {
	it('answers other requests while slow uploads are being checked, and refuses more than the per-user cap with a Retry-After', async () => {
		const attacker = await newUser();
		const heavy = await heavyOnce();
		const settled: number[] = [];
		const slow = [0, 1].map((i) =>
			attacker.upload(heavy, { visibility: 'unlisted', title: `heavy ${i}` }).then((response) => {
				settled.push(i);
				return response;
			})
		);
		// A third upload from the same user is refused while the two are in flight: proof that the server
		// has taken them (a tiny one sent before they are taken simply lands).
		const tiny = await plainPng(20, 20);
		let refused;
		for (let attempt = 0; attempt < 50 && !refused; attempt++) {
			const third = await attacker.upload(tiny, { visibility: 'unlisted' });
			if (third.status === 429) refused = third;
		}
		expect(refused?.body.message).toMatch(/2 upload\(s\) being processed/);
		expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

		// Meanwhile anyone else is served: the listing comes back while both uploads are still pending.
		const probe = await new ApiClient(server.url).get<ImagePage>('/api/images');
		expect(probe.status).toBe(200);
		expect(settled).toEqual([]);

		const done = await Promise.all(slow);
		expect(done.map((r) => r.status)).toEqual([201, 201]);
		expect(done[0]!.body).toMatchObject({ width: 7000, height: 7000, credentials: { state: 'none' } });
	});

	it('refuses an upload whose checking runs over its time budget with a clear message, and keeps serving', async () => {
		const tight = await startServer({
			RAKKAN_DATA_DIR: path.join(dataDir, 'tight'),
			RAKKAN_UPLOAD_TIME_LIMIT_SECONDS: '0.05'
		});
		try {
			const client = await newUser(tight.url);
			const heavy = await heavyOnce();
			for (let i = 0; i < 2; i++) {
				// Each time on a fresh worker: the one that ran over was ended and replaced.
				const response = await client.upload(heavy, { visibility: 'unlisted' });
				expect(response.status).toBe(422);
				expect(response.body.message).toBe(
					'The image or its Content Credentials are too complex to check in time: it took longer than ' +
						'the 0.05 s allowed. It was not shared.'
				);
			}
			expect((await client.get<ImagePage>('/api/images?mine=1')).body.items).toEqual([]);
			expect((await client.get('/api/auth/me')).status).toBe(200);
		} finally {
			await tight.stop();
		}
	});
});

describe('hostile credentials through the upload API', () => {
	// The verifier suite's signed hostile files (tests/provenance/hostile.test.ts), sent as uploads: each is
	// checked within the upload budget (none is refused for time), recorded with the state the verifier
	// gives it (the gallery trusts no root, so "trusted" reads "untrusted"), and a probe request sent beside
	// each upload is answered.
	// Cases run under stricter limits than the defaults are left out: the gallery checks with the defaults.
	const cases = HOSTILE_CASES.filter((c) => c.kind === 'verify' && !c.limits);

	it(`records each of ${cases.length} hostile files with its state (or refuses its container), never a 5xx or a time-out, and keeps answering`, async () => {
		const ctx = await hostileContext();
		const client = await newUser();
		const anyone = new ApiClient(server.url);
		const seen: string[] = [];
		for (const item of cases) {
			const bytes = await item.make(ctx);
			const [upload, probe] = await Promise.all([
				client.upload(bytes, { visibility: 'private', title: item.name.slice(0, 100) }),
				anyone.get<ImagePage>('/api/images')
			]);
			expect(probe.status, item.name).toBe(200);
			if (upload.status === 400) {
				// A file whose container is past a limit (or holds no real image) is refused, with a reason,
				// before anything is stored.
				expect(upload.body.message, item.name).toMatch(/too complex to check|truncated|corrupt/);
				continue;
			}
			expect(upload.status, `${item.name}: ${upload.body.message ?? ''}`).toBe(201);
			const expected = item.expect === 'trusted' ? 'untrusted' : item.expect;
			expect(upload.body.credentials.state, item.name).toBe(expected);
			seen.push(upload.body.id);
			// Private uploads count against the quota: delete each once checked.
			expect((await client.request('DELETE', `/api/images/${upload.body.id}`)).status).toBe(204);
		}
		expect(seen.length).toBeGreaterThan(cases.length / 2);
	});
});

describe('bounded credentials', () => {
	it('stores a 20 MB recipe cut short, says so, lists summaries only, and holds the owner to the quota', async () => {
		const client = await newUser();
		const huge = await signedPngWithHugeRecipe(id, 20 * 1024 * 1024);
		const shared = await client.upload(huge, { visibility: 'public', rightsConfirmed: 'true' });
		expect(shared.status).toBe(201);
		expect(shared.body.credentials.state).toBe('untrusted');
		expect(shared.body.credentials.truncated).toContain('recipe');
		expect(shared.body.credentials.truncated).not.toContain('ingredients');
		expect(shared.body.credentials.styles.map((s) => s.id)).toContain('rembrandt-night-watch');

		const detail = await fetch(`${server.url}/api/images/${shared.body.id}`);
		const detailText = await detail.text();
		expect(detailText.length).toBeLessThan(256 * 1024);
		expect((JSON.parse(detailText) as GalleryImage).credentials.recipe).toMatchObject({
			models: [{ id: 'arbitrary-wyf' }]
		});

		const listing = await fetch(`${server.url}/api/images?limit=100`);
		const listingText = await listing.text();
		const item = (JSON.parse(listingText) as ImagePage).items.find((i) => i.id === shared.body.id);
		expect(item).toMatchObject({
			title: expect.any(String),
			owner: { username: shared.body.owner.username },
			thumbnailUrl: `/api/images/${shared.body.id}/thumbnail`,
			credentialState: 'untrusted',
			rights: { verdict: 'rights-unclear', nonCommercial: false },
			styleIds: ['rembrandt-night-watch', 'van-gogh-starry-night'],
			modelIds: ['arbitrary-wyf']
		});
		expect(Object.keys(item!)).not.toContain('credentials');
		expect(listingText.length).toBeLessThan(64 * 1024);

		// The same file again does not fit in the owner's 30 MB.
		const again = await client.upload(huge, { visibility: 'unlisted' });
		expect(again.status).toBe(413);
		expect(again.body.message).toMatch(/does not fit in your storage quota: 20\.\d MB of 30\.0 MB used/);
	});
});

describe('input text', () => {
	it('refuses control characters in titles, descriptions, reasons, token names and user names with 422', async () => {
		const client = await newUser();
		const png = await plainPng();
		const refused: Record<string, string>[] = [
			{ title: 'nul\u0000title' },
			{ title: 'escape \u001b[31m' },
			{ title: 'ok', description: 'bell \u0007' },
			{ title: 'c1 \u0085 code' }
		];
		for (const fields of refused) {
			const response = await client.upload(png, { visibility: 'unlisted', ...fields });
			expect(response.status, JSON.stringify(fields)).toBe(422);
			expect(response.body.message).toMatch(/contains control characters/);
		}
		const lines = await client.upload(png, {
			visibility: 'unlisted',
			title: 'Lines',
			description: 'first line\n\tsecond line\r\n'
		});
		expect(lines.status).toBe(201);
		const patched = await client.request('PATCH', `/api/images/${lines.body.id}`, { title: 'a\u0000b' });
		expect(patched.status).toBe(422);
		const report = await (
			await newUser()
		).request('POST', `/api/images/${lines.body.id}/reports`, { reason: 'mine\u0000' });
		expect(report.status).toBe(422);
		expect((await client.request('POST', '/api/tokens', { name: 'cli\u0000' })).status).toBe(422);
		const signup = await new ApiClient(server.url).request('POST', '/api/auth/signup', {
			username: 'nul\u0000name',
			password: 'a long enough password'
		});
		expect(signup.status).toBe(422);
		const login = await new ApiClient(server.url).request('POST', '/api/auth/login', {
			username: 'nul\u0000name',
			password: 'a long enough password'
		});
		expect(login.status).toBe(422);
		// Ids, filters and cursors with control characters name nothing: 404 and 400, never a 500.
		expect((await client.get('/api/images/%00')).status).toBe(404);
		expect((await client.get('/api/images/%00/original')).status).toBe(404);
		expect((await client.request('DELETE', '/api/tokens/%00')).status).toBe(404);
		expect((await client.get('/api/images?creator=%00')).status).toBe(400);
		const cursor = Buffer.from('2026-01-01T00:00:00.000Z|\u0000').toString('base64url');
		expect((await client.get(`/api/images?cursor=${cursor}`)).status).toBe(400);
	});
});

describe('moderation and privacy', () => {
	it('takes one open report per user and image, and limits how many one user sends', async () => {
		const owner = await newUser();
		const ids = [];
		for (let i = 0; i < 4; i++) {
			ids.push((await owner.upload(await plainPng(30 + i, 30), { visibility: 'unlisted' })).body.id);
		}
		const reporter = await newUser();
		const report = (image: string) =>
			reporter.request('POST', `/api/images/${image}/reports`, { reason: 'Not theirs to publish.' });
		expect((await report(ids[0]!)).status).toBe(201);
		const twice = await report(ids[0]!);
		expect(twice.status).toBe(409);
		expect(twice.body.message).toMatch(/already reported this image/);
		expect((await report(ids[1]!)).status).toBe(201);
		const limited = await report(ids[2]!);
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		// The owner reads the reasons, not who gave them.
		const reports = await owner.get<{ reports: { reason: string; reporter: unknown }[] }>(
			`/api/images/${ids[0]}/reports`
		);
		expect(reports.body.reports).toEqual([
			expect.objectContaining({ reason: 'Not theirs to publish.', reporter: null })
		]);
	});

	it('links a remix only to a public parent or one of the uploader’s own, and never names a parent the viewer may not see', async () => {
		const alice = await newUser();
		const bob = await newUser();
		const unlistedParent = await alice.upload(signed, { visibility: 'unlisted', title: 'Unlisted parent' });
		expect(unlistedParent.status).toBe(201);
		// Bob holds the bytes of Alice's unlisted image: his remix of it links to nothing.
		const bobsRemix = await bob.upload(await signedPng(id, { width: 80, content: signed }), {
			visibility: 'unlisted'
		});
		expect(bobsRemix.body.parentId).toBeNull();
		// Alice's own remix links to it; whoever else looks at the remix does not learn of the parent.
		const alicesRemix = await alice.upload(await signedPng(id, { width: 81, content: signed }), {
			visibility: 'public',
			rightsConfirmed: 'true'
		});
		expect(alicesRemix.body.parentId).toBe(unlistedParent.body.id);
		for (const viewer of [bob, new ApiClient(server.url)]) {
			const seen = await viewer.get<GalleryImage>(`/api/images/${alicesRemix.body.id}`);
			expect(seen.body.parentId).toBeNull();
		}
		expect((await alice.get<GalleryImage>(`/api/images/${alicesRemix.body.id}`)).body.parentId).toBe(
			unlistedParent.body.id
		);
		// A public parent is linked for anyone.
		const publicParent = await alice.upload(await signedPng(id, { width: 90 }), {
			visibility: 'public',
			rightsConfirmed: 'true'
		});
		const parentBytes = (await alice.get<Uint8Array>(publicParent.body.originalUrl)).body;
		const remixOfPublic = await bob.upload(await signedPng(id, { width: 82, content: parentBytes }), {
			visibility: 'unlisted'
		});
		expect(remixOfPublic.body.parentId).toBe(publicParent.body.id);
	});

	it('answers 404, never 403, on every route for an image the viewer may not see, and a cached public page never shows it', async () => {
		const owner = await newUser();
		const other = await newUser();
		const bytes = await signedPng(id, { width: 91 });
		const image = (await owner.upload(bytes, { visibility: 'public', rightsConfirmed: 'true' })).body;
		const listed = async () =>
			(await other.get<ImagePage>('/api/images?limit=100')).body.items.map((i) => i.id);
		expect(await listed()).toContain(image.id);
		expect(await listed()).toContain(image.id);
		for (const change of [
			() => owner.request('PATCH', `/api/images/${image.id}`, { visibility: 'private' }),
			() => owner.request('POST', `/api/images/${image.id}/hide`, { hidden: true })
		]) {
			expect((await change()).status).toBe(200);
			expect(await listed()).not.toContain(image.id);
			const routes: [string, string, unknown?][] = [
				['GET', `/api/images/${image.id}`],
				['GET', image.originalUrl],
				['GET', image.thumbnailUrl],
				['PATCH', `/api/images/${image.id}`, { title: 'x' }],
				['DELETE', `/api/images/${image.id}`],
				['POST', `/api/images/${image.id}/hide`, { hidden: false }],
				['GET', `/api/images/${image.id}/reports`],
				['POST', `/api/images/${image.id}/reports`, { reason: 'x' }]
			];
			for (const [method, url, body] of routes) {
				const response = await other.request(method, url, body);
				expect(response.status, `${method} ${url}`).toBe(404);
				expect(response.body).toEqual({ message: 'No such image.' });
			}
			const page = await fetch(`${server.url}/gallery/${image.id}`);
			expect(page.status).toBe(404);
			// Back to public and shown, for the next round.
			await owner.request('PATCH', `/api/images/${image.id}`, { visibility: 'public' });
			await owner.request('POST', `/api/images/${image.id}/hide`, { hidden: false });
			expect(await listed()).toContain(image.id);
		}
	});
});
