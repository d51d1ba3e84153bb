// The gallery's JSON API through the production build (server.js) with its embedded database (PGlite)
// and filesystem store in a temporary data folder: what a browser or the CLI would see.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GalleryImage, ImagePage } from '../../src/lib/gallery-api';
import { signImage } from '../../src/lib/provenance/c2pa/manifest';
import type { PeopleRights } from '../../src/lib/provenance/rights/people';
import type { ContentRights } from '../../src/lib/provenance/rights/rights';
import { photoPath } from '../helpers/assets';
import { c2paValidate, rakkan, sampleInput, testIdentity, type TestIdentity } from '../provenance/helpers';
import {
	bombPng,
	plainPng,
	signedJpeg,
	signedPng,
	signedWebp,
	SVG,
	tamperPng,
	truncatedJpeg
} from './images';
import {
	ApiClient,
	CLIENT_HEADER,
	type ApiResponse,
	startServer,
	uniqueName,
	type RunningServer
} from './server';

let server: RunningServer;
let dataDir: string;
let id: TestIdentity;
let signed: Uint8Array;

beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'rakkan-gallery-api-'));
	[server, id] = await Promise.all([
		startServer({
			RAKKAN_DATA_DIR: dataDir,
			RAKKAN_LOGIN_ATTEMPTS: '5',
			ADDRESS_HEADER: CLIENT_HEADER,
			RAKKAN_UPLOADS_PER_USER: '4'
		}),
		testIdentity('Gallery Painter')
	]);
	signed = await signedPng(id);
});

afterAll(async () => {
	await server?.stop();
	await rm(dataDir, { recursive: true, force: true });
});

async function newUser(): Promise<ApiClient> {
	const client = new ApiClient(server.url);
	const response = await client.signup(uniqueName());
	expect(response.status).toBe(201);
	return client;
}

describe('sharing', () => {
	it('signs up and shares a signed painting; the original downloads byte for byte and still validates', async () => {
		const alice = new ApiClient(server.url);
		const name = uniqueName('alice');
		const signup = await alice.signup(name);
		expect(signup.status).toBe(201);
		expect(signup.body).toMatchObject({ user: { username: name } });
		expect(signup.headers.getSetCookie()[0]).toMatch(/HttpOnly/i);
		expect(signup.headers.getSetCookie()[0]).toMatch(/SameSite=Lax/i);
		expect((await alice.get('/api/auth/me')).body).toMatchObject({
			user: { username: name, isAdmin: false }
		});

		const shared = await alice.upload(signed, { title: 'Night watch', rightsConfirmed: 'true' });
		expect(shared.status).toBe(201);
		const image = shared.body;
		expect(image).toMatchObject({
			title: 'Night watch',
			visibility: 'public',
			mimeType: 'image/png',
			byteSize: signed.length,
			width: 96,
			height: 72,
			owner: { username: name },
			rights: { verdict: 'rights-unclear', confirmedByOwner: true },
			parentId: null
		});
		expect(image.credentials.state).toBe('untrusted');
		expect(image.credentials.signer).toBe('Gallery Painter');
		expect(image.credentials.styles.map((s) => s.id)).toEqual([
			'rembrandt-night-watch',
			'van-gogh-starry-night'
		]);
		expect(image.credentials.styles[0]).toMatchObject({ artist: 'Rembrandt van Rijn', year: '1642' });
		expect(image.credentials.models.map((m) => m.id)).toEqual(['arbitrary-wyf']);
		expect(image.attribution).toMatch(/^after Rembrandt van Rijn, The Night Watch \(1642\)/);
		expect(image.labels).not.toContain('tampered');

		const listed = await alice.get<ImagePage>('/api/images?limit=100');
		expect(listed.body.items.map((i) => i.id)).toContain(image.id);

		const original = await new ApiClient(server.url).get<Uint8Array>(image.originalUrl);
		expect(original.status).toBe(200);
		expect(original.headers.get('content-type')).toBe('image/png');
		expect(original.headers.get('content-disposition')).toBe('attachment; filename="Night-watch.png"');
		expect(original.headers.get('x-content-type-options')).toBe('nosniff');
		expect(Buffer.from(original.body).equals(Buffer.from(signed))).toBe(true);
		const verdict = await c2paValidate(original.body, 'image/png');
		expect(verdict.state).toBe('Valid');
		expect(verdict.codes).toEqual(['signingCredential.untrusted']);

		const thumbnail = await alice.get<Uint8Array>(image.thumbnailUrl);
		expect(thumbnail.headers.get('content-type')).toBe('image/webp');
		expect(await sharp(thumbnail.body).metadata()).toMatchObject({ format: 'webp', width: 96, height: 72 });
	});

	it('shares a signed JPEG and WebP and labels a non-commercial model', async () => {
		const client = await newUser();
		const jpeg = await client.upload(await signedJpeg(id), { visibility: 'unlisted' }, 'p.jpg');
		expect(jpeg.status).toBe(201);
		expect(jpeg.body).toMatchObject({ mimeType: 'image/jpeg', credentials: { state: 'untrusted' } });
		const webpBytes = await signedWebp(id);
		const webp = await client.upload(webpBytes, { visibility: 'unlisted' }, 'p.webp');
		expect(webp.status).toBe(201);
		expect(webp.body).toMatchObject({ mimeType: 'image/webp', credentials: { state: 'untrusted' } });
		const original = await client.get<Uint8Array>(webp.body.originalUrl);
		expect(Buffer.from(original.body).equals(Buffer.from(webpBytes))).toBe(true);
		expect((await c2paValidate(original.body, 'image/webp')).state).toBe('Valid');
		const nc = await client.upload(await signedPng(id, { width: 70, model: 'cartoon-whitebox' }), {
			visibility: 'unlisted'
		});
		expect(nc.body.labels).toContain('non-commercial');
		expect(nc.body.rights.nonCommercial).toBe(true);
		expect(nc.body.attribution).toMatch(/model cartoon-whitebox, CC BY-NC-SA 4\.0/);
	});

	it('keeps images with unclear rights or no credentials out of the public listing unless allowed', async () => {
		const client = await newUser();
		const unclear = await client.upload(signed);
		expect(unclear.status).toBe(422);
		expect(unclear.body.message).toMatch(/rightsConfirmed/);
		const unsigned = await client.upload(await plainPng(), { rightsConfirmed: 'true' });
		expect(unsigned.status).toBe(422);
		expect(unsigned.body.message).toMatch(/no Content Credentials/);
		const unlisted = await client.upload(await plainPng(), { visibility: 'unlisted' });
		expect(unlisted.status).toBe(201);
		expect(unlisted.body.labels).toEqual(['no Content Credentials']);
		expect(unlisted.body.credentials.state).toBe('none');
		const publish = await client.request('PATCH', `/api/images/${unlisted.body.id}`, {
			visibility: 'public'
		});
		expect(publish.status).toBe(422);
		const listed = await client.get<ImagePage>('/api/images?limit=100');
		expect(listed.body.items.map((i) => i.id)).not.toContain(unlisted.body.id);
		// Unlisted: anyone with the id sees it.
		expect((await new ApiClient(server.url).get(`/api/images/${unlisted.body.id}`)).status).toBe(200);
	});

	it("publishes on the maker's signed declaration about the photo, and holds back a person without consent", async () => {
		const client = await newUser();
		const photo = await plainPng(40, 30);
		const declared = (rights: Partial<ContentRights>) =>
			signedPng(id, {
				overrides: {
					content: {
						title: 'photo.png',
						bytes: photo,
						declared: {
							origin: 'own-work',
							showsIdentifiablePerson: false,
							consentRecorded: false,
							...rights
						}
					}
				}
			});
		const own = await client.upload(await declared({}));
		expect(own.status).toBe(201);
		expect(own.body.rights).toMatchObject({ verdict: 'publishable-commercial', confirmedByOwner: false });
		const person = await client.upload(await declared({ showsIdentifiablePerson: true }));
		expect(person.status).toBe(422);
		const consented = await client.upload(
			await declared({ showsIdentifiablePerson: true, consentRecorded: true })
		);
		expect(consented.status).toBe(201);
	});

	describe('people: the gallery looks for faces itself', () => {
		const DETECTOR = {
			id: 'face-blazeface',
			weightsSha256: 'dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72'
		};
		/** The astronaut photo itself, signed with what its maker says about the people in it. */
		async function astronautSigned(people: PeopleRights | undefined): Promise<Uint8Array> {
			const bytes = new Uint8Array(await readFile(await photoPath('astronaut')));
			const input = sampleInput(await plainPng(40, 30), {
				content: {
					title: 'astronaut.png',
					bytes: await plainPng(40, 30),
					declared: { origin: 'own-work', showsIdentifiablePerson: false, consentRecorded: false, people }
				}
			});
			return signImage(bytes, input, id.signer);
		}
		const found = (count: number, extra: Partial<PeopleRights> = {}): PeopleRights => ({
			faces: { checked: true, count, detector: DETECTOR },
			notARealPerson: false,
			...extra
		});

		it('refuses public sharing of faces without a release, even confirmed, naming the reason', async () => {
			const client = await newUser();
			const claimsNone = await astronautSigned(found(0));
			const refused = await client.upload(claimsNone, { rightsConfirmed: 'true' });
			expect(refused.status).toBe(422);
			expect(refused.body.message).toMatch(/^The gallery found 1 face in this image .* no model release/);
			const unlisted = await client.upload(claimsNone, { visibility: 'unlisted' });
			expect(unlisted.status).toBe(201);
			expect(unlisted.body.people).toMatchObject({
				found: { checked: true, count: 1, detector: DETECTOR },
				modelRelease: null,
				releaseCovers: false,
				mismatch: 'The gallery found 1 face; the Content Credentials claim there are none.'
			});
			const publish = await client.request('PATCH', `/api/images/${unlisted.body.id}`, {
				visibility: 'public',
				rightsConfirmed: true
			});
			expect(publish.status).toBe(422);
			const noRelease = await client.upload(await astronautSigned(found(1, { modelRelease: 'MR-NON' })));
			expect(noRelease.status).toBe(422);
		});

		it('publishes faces with a model release, or "not applicable" with the statement', async () => {
			const client = await newUser();
			const released = await client.upload(await astronautSigned(found(1, { modelRelease: 'MR-UMR' })));
			expect(released.status).toBe(201);
			expect(released.body.people).toMatchObject({
				found: { count: 1 },
				modelRelease: 'MR-UMR',
				releaseCovers: true,
				mismatch: null
			});
			const statue = await client.upload(
				await astronautSigned(found(1, { modelRelease: 'MR-NAP', notARealPerson: true }))
			);
			expect(statue.status).toBe(201);
			const napOnly = await client.upload(await astronautSigned(found(1, { modelRelease: 'MR-NAP' })));
			expect(napOnly.status).toBe(422);
		});

		it('finds no faces in a picture without people and lets it be public', async () => {
			const client = await newUser();
			const plain = await client.upload(signed, { rightsConfirmed: 'true' });
			expect(plain.status).toBe(201);
			expect(plain.body.people).toMatchObject({ found: { checked: true, count: 0 }, mismatch: null });
		});
	});

	it('shows a tampered upload as tampered, never as valid', async () => {
		const client = await newUser();
		const tampered = await client.upload(await tamperPng(signed), { visibility: 'unlisted' });
		expect(tampered.status).toBe(201);
		expect(tampered.body.credentials.state).toBe('tampered');
		expect(tampered.body.credentials.summary).toMatch(/^Tampered/);
		expect(tampered.body.labels).toContain('tampered');
		const again = await client.get<GalleryImage>(`/api/images/${tampered.body.id}`);
		expect(again.body.credentials.state).toBe('tampered');
		const original = await client.get<Uint8Array>(tampered.body.originalUrl);
		expect((await c2paValidate(original.body, 'image/png')).state).toBe('Invalid');
	});

	it('keeps a private image invisible to another account: listing, detail, original, thumbnail', async () => {
		const owner = await newUser();
		const other = await newUser();
		const image = (await owner.upload(signed, { visibility: 'private', title: 'Secret' })).body;
		const ownerName = image.owner.username;
		for (const viewer of [other, new ApiClient(server.url)]) {
			const all = await viewer.get<ImagePage>('/api/images?limit=100');
			expect(all.body.items.map((i) => i.id)).not.toContain(image.id);
			const byCreator = await viewer.get<ImagePage>(`/api/images?creator=${ownerName}`);
			expect(byCreator.body.items).toEqual([]);
			for (const url of [`/api/images/${image.id}`, image.originalUrl, image.thumbnailUrl]) {
				const response = await viewer.get(url);
				expect(response.status).toBe(404);
				expect(response.body).toEqual({ message: 'No such image.' });
			}
		}
		const mine = await owner.get<ImagePage>('/api/images?mine=1');
		expect(mine.body.items.map((i) => i.id)).toEqual([image.id]);
		expect((await owner.get(image.originalUrl)).status).toBe(200);
	});

	it('stores a title with script in it exactly as given and returns it as data', async () => {
		const client = await newUser();
		const title = '<script>alert("x")</script><img src=x onerror=alert(1)>';
		const shared = await client.upload(await plainPng(), {
			visibility: 'unlisted',
			title,
			description: title
		});
		expect(shared.status).toBe(201);
		const fetched = await client.get<GalleryImage>(`/api/images/${shared.body.id}`);
		expect(fetched.headers.get('content-type')).toMatch(/^application\/json/);
		expect(fetched.body.title).toBe(title);
		expect(fetched.body.description).toBe(title);
	});

	it('refuses a decompression bomb, an SVG, a truncated JPEG and a too large file with the right status and a message', async () => {
		const client = await newUser();
		const cases: [Uint8Array, string, number, RegExp][] = [
			[bombPng(), 'bomb.png', 413, /30000 x 30000 pixels/],
			[SVG, 'drawing.png', 415, /SVG/],
			[await truncatedJpeg(), 'cut.jpg', 400, /^The image is truncated or damaged: the JPEG ends/]
		];
		for (const [bytes, name, status, message] of cases) {
			const response = await client.upload(bytes, { visibility: 'unlisted' }, name);
			expect(response.status, name).toBe(status);
			expect(response.body.message, name).toMatch(message);
		}
		// Over the byte limit (25 MiB by default): refused from its Content-Length, before it is read.
		const huge = await client.upload(new Uint8Array(26 * 1024 * 1024), { visibility: 'unlisted' }, 'big.png');
		expect(huge.status).toBe(413);
		expect(huge.body.message).toMatch(/the limit is 25 MB\./);
		expect((await client.get<ImagePage>('/api/images?mine=1')).body.items).toEqual([]);
	});

	it('lands 50 concurrent uploads, none lost or duplicated; those over the cap are told when to come back', async () => {
		const client = await newUser();
		const files = await Promise.all(Array.from({ length: 50 }, (_, i) => plainPng(50 + i, 40)));
		const refusals: ApiResponse<unknown>[] = [];
		// As a well-behaved client does: a 429 is sent again after its Retry-After.
		const uploadUntilTaken = async (bytes: Uint8Array, title: string) => {
			for (;;) {
				const response = await client.upload(bytes, { visibility: 'unlisted', title });
				if (response.status !== 429) return response;
				refusals.push(response);
				await new Promise((resolve) =>
					setTimeout(resolve, Number(response.headers.get('retry-after')) * 1000)
				);
			}
		};
		const responses = await Promise.all(files.map((bytes, i) => uploadUntilTaken(bytes, `n${i}`)));
		expect(responses.map((r) => r.status)).toEqual(files.map(() => 201));
		// Over the caps (4 per user, and the server's own), the rest were refused with a time to come back.
		expect(refusals.length).toBeGreaterThan(0);
		for (const refusal of refusals) {
			expect(Number(refusal.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
			expect(refusal.body).toEqual({
				message: expect.stringMatching(/upload\(s\) being processed|busy with other uploads/)
			});
		}
		const ids = responses.map((r) => r.body.id);
		expect(new Set(ids).size).toBe(50);
		const mine = await client.get<ImagePage>('/api/images?mine=1&limit=100');
		expect(mine.body.items.map((i) => i.id).sort()).toEqual([...ids].sort());
		for (const [i, response] of responses.entries()) {
			const original = await client.get<Uint8Array>(response.body.originalUrl);
			expect(Buffer.from(original.body).equals(Buffer.from(files[i]!))).toBe(true);
		}
	});
});

describe('accounts and safety', () => {
	it('refuses a cross-site request that carries the session cookie', async () => {
		const victim = await newUser();
		const forged = new ApiClient(server.url, { origin: 'https://evil.example' });
		forged.cookie = victim.cookie;
		const upload = await forged.upload(await plainPng(), { visibility: 'unlisted' });
		expect(upload.status).toBe(403);
		expect(upload.body.message).toMatch(/Cross-site/);
		const noOrigin = new ApiClient(server.url, { origin: null });
		noOrigin.cookie = victim.cookie;
		expect((await noOrigin.request('POST', '/api/tokens', { name: 'x' })).status).toBe(403);
		expect((await victim.get<ImagePage>('/api/images?mine=1')).body.items).toEqual([]);
		expect((await victim.get<{ tokens: unknown[] }>('/api/tokens')).body.tokens).toEqual([]);
	});

	it('rate-limits sign-in attempts with 429', async () => {
		const client = new ApiClient(server.url);
		const name = uniqueName('target');
		await client.signup(name);
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++) {
			statuses.push(
				(await client.request('POST', '/api/auth/login', { username: name, password: 'wrong guess!' })).status
			);
		}
		expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
		const right = await client.request('POST', '/api/auth/login', {
			username: name,
			password: 'a long enough password'
		});
		expect(right.status).toBe(429);
		expect(right.body.message).toMatch(/Too many sign-in attempts/);
		expect(Number(right.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		// The guesser's address waits; the real user, from their own, still gets in.
		const owner = new ApiClient(server.url);
		const mine = await owner.request('POST', '/api/auth/login', {
			username: name,
			password: 'a long enough password'
		});
		expect(mine.status).toBe(200);
	});

	it('limits sign-ups per client address', async () => {
		const client = new ApiClient(server.url);
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++) statuses.push((await client.signup(uniqueName('many'))).status);
		expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
		const refused = await client.signup(uniqueName('many'));
		expect(refused.body).toEqual({ message: 'Too many new accounts from your address; try again later.' });
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		expect((await new ApiClient(server.url).signup(uniqueName('other'))).status).toBe(201);
	});

	it('validates sign-up and answers errors as JSON with their status', async () => {
		const client = new ApiClient(server.url);
		expect(
			(await client.request('POST', '/api/auth/signup', { username: 'a', password: 'long enough pw' })).status
		).toBe(422);
		expect(
			(await client.request('POST', '/api/auth/signup', { username: 'valid_name', password: 'short' })).status
		).toBe(422);
		const name = uniqueName();
		expect((await client.signup(name)).status).toBe(201);
		const taken = await new ApiClient(server.url).signup(name.toUpperCase());
		expect(taken.status).toBe(409);
		expect(taken.body).toEqual({ message: 'That username is taken.' });
		expect((await new ApiClient(server.url).upload(await plainPng())).status).toBe(401);
		const unknown = await client.get('/api/no-such-thing');
		expect(unknown.status).toBe(404);
		expect(unknown.body).toEqual({ message: 'No such API endpoint.' });
	});

	it('signs out server-side: the old cookie no longer works', async () => {
		const client = await newUser();
		const cookie = client.cookie;
		expect((await client.request('POST', '/api/auth/logout')).status).toBe(204);
		const stale = new ApiClient(server.url);
		stale.cookie = cookie;
		expect((await stale.get('/api/auth/me')).body).toEqual({ user: null });
	});

	it('sends a Content-Security-Policy and the other security headers', async () => {
		const page = await fetch(`${server.url}/studio`);
		const csp = page.headers.get('content-security-policy') ?? '';
		expect(csp).toMatch(/default-src 'self'/);
		expect(csp).toMatch(/frame-ancestors 'none'/);
		expect(csp).toMatch(/worker-src 'self' blob:/);
		const api = await fetch(`${server.url}/api/images`);
		expect(api.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
		expect(api.headers.get('x-content-type-options')).toBe('nosniff');
		expect(api.headers.get('x-frame-options')).toBe('DENY');
	});

	it('answers the cached public listing before SvelteKit with the same headers, never with a private image, a new public one at once', async () => {
		const anonymous = new ApiClient(server.url);
		const owner = await newUser();
		const page = '/api/images?limit=100';
		const ids = async () => (await anonymous.get<ImagePage>(page)).body.items.map((i) => i.id);
		// The first request fills the cache (SvelteKit), the second is answered from it by server.js; a
		// request with any cookie always goes to SvelteKit. All three must be the same response.
		const answers = [];
		for (const cookie of [undefined, undefined, 'unrelated=1']) {
			const response = await fetch(server.url + page, { headers: cookie ? { cookie } : {} });
			const headers = Object.fromEntries(
				[...response.headers].filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name))
			);
			answers.push({ status: response.status, headers, body: await response.text() });
		}
		expect(answers[0]!.headers).toMatchObject({
			'content-type': 'application/json',
			'cache-control': 'private, no-cache',
			'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
			'x-content-type-options': 'nosniff',
			'x-frame-options': 'DENY',
			'referrer-policy': 'same-origin',
			'cross-origin-opener-policy': 'same-origin'
		});
		expect(answers[1]).toEqual(answers[0]);
		expect(answers[2]).toEqual(answers[0]);

		const secret = await owner.upload(signed, { visibility: 'private', title: 'Secret' });
		expect(secret.status).toBe(201);
		const shown = await owner.upload(signed, { title: 'Shown', rightsConfirmed: 'true' });
		expect(shown.status).toBe(201);
		for (let i = 0; i < 2; i += 1) {
			const listed = await ids();
			expect(listed).not.toContain(secret.body.id);
			expect(listed).toContain(shown.body.id);
		}
		const hide = await owner.request('PATCH', `/api/images/${shown.body.id}`, { visibility: 'private' });
		expect(hide.status).toBe(200);
		for (let i = 0; i < 2; i += 1) expect(await ids()).not.toContain(shown.body.id);
		// Past the public parameters, or with bad ones, SvelteKit answers as before.
		expect((await anonymous.get('/api/images?mine=1')).status).toBe(401);
		expect((await anonymous.get('/api/images?limit=abc')).status).toBe(400);
		const bearer = await fetch(server.url + page, { headers: { authorization: 'Bearer not-a-token' } });
		expect(bearer.status).toBe(401);
	});

	it('lets only the owner change or delete an image; reports reach the owner, who can hide it', async () => {
		const owner = await newUser();
		const other = await newUser();
		const image = (await owner.upload(signed, { rightsConfirmed: 'true' })).body;
		expect((await other.request('PATCH', `/api/images/${image.id}`, { title: 'mine now' })).status).toBe(403);
		expect((await other.request('DELETE', `/api/images/${image.id}`)).status).toBe(403);
		expect((await other.request('POST', `/api/images/${image.id}/hide`, { hidden: true })).status).toBe(403);
		expect((await other.get(`/api/images/${image.id}/reports`)).status).toBe(403);
		const report = await other.request('POST', `/api/images/${image.id}/reports`, {
			reason: 'This is my photo.'
		});
		expect(report.status).toBe(201);
		const reports = await owner.get<{ reports: { reason: string }[] }>(`/api/images/${image.id}/reports`);
		expect(reports.body.reports.map((r) => r.reason)).toEqual(['This is my photo.']);
		const hidden = await owner.request('POST', `/api/images/${image.id}/hide`, { hidden: true });
		expect(hidden.body).toMatchObject({ hidden: true });
		expect((await other.get(`/api/images/${image.id}`)).status).toBe(404);
		const renamed = await owner.request('PATCH', `/api/images/${image.id}`, { title: 'Renamed' });
		expect(renamed.body).toMatchObject({ title: 'Renamed' });
		expect((await owner.request('DELETE', `/api/images/${image.id}`)).status).toBe(204);
		expect((await owner.get(`/api/images/${image.id}`)).status).toBe(404);
	});

	it('shares from the command line with a personal API token, which can be revoked', async () => {
		const client = await newUser();
		const created = await client.request<{ id: string; token: string }>('POST', '/api/tokens', {
			name: 'cli'
		});
		expect(created.status).toBe(201);
		const dir = await mkdtemp(path.join(os.tmpdir(), 'rakkan-share-'));
		try {
			const file = path.join(dir, 'painting.png');
			await writeFile(file, signed);
			const shared = await rakkan([
				'share',
				file,
				'--server',
				server.url,
				'--token',
				created.body.token,
				'--title',
				'From the CLI',
				'--visibility',
				'unlisted'
			]);
			expect(shared.stderr).toMatch(/Shared "From the CLI"/);
			expect(shared.code).toBe(0);
			const url = shared.stdout.trim();
			expect(url).toMatch(new RegExp(`^${server.url}/gallery/[\\w-]+$`));
			const image = await client.get<GalleryImage>(`/api/images/${url.split('/').pop()}`);
			expect(image.body).toMatchObject({ title: 'From the CLI', visibility: 'unlisted' });
			const tokens = await client.get<{ tokens: { id: string; lastUsedAt: string | null }[] }>('/api/tokens');
			expect(tokens.body.tokens[0]?.lastUsedAt).not.toBeNull();

			expect((await client.request('DELETE', `/api/tokens/${created.body.id}`)).status).toBe(204);
			const revoked = await rakkan(['share', file, '--server', server.url, '--token', created.body.token]);
			expect(revoked.code).not.toBe(0);
			expect(revoked.stderr.trim().split('\n')).toEqual([
				'rakkan share: the server refused the image (401): The API token is not valid.'
			]);
			const svg = path.join(dir, 'x.svg');
			await writeFile(svg, SVG);
			const other = await client.request<{ token: string }>('POST', '/api/tokens', { name: 'cli 2' });
			const refused = await rakkan(['share', svg, '--server', server.url, '--token', other.body.token]);
			expect(refused.code).toBe(1);
			expect(refused.stderr).toMatch(/\(415\): This is an SVG file/);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});
