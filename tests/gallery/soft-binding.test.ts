// The C2PA soft-binding resolution API through the production build (PGlite and the filesystem store): a
// signed painting is shared, then copies of it that lost their credentials on the way (stripped,
// re-compressed, resized, WebP, brightened) are found again from their pixels alone. What others keep
// private, unlisted or hidden never matches.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GalleryImage } from '../../src/lib/gallery-api';
import { imageCode } from '../../src/lib/kernels/iscc';
import { decodeImage } from '../../src/lib/node/image-io';
import { readManifestStore } from '../../src/lib/provenance/c2pa/container';
import { verifyImage } from '../../src/lib/provenance/c2pa/verify';
import type { ImageFingerprint, SoftBindingMatches } from '../../src/lib/soft-binding-api';
import type { PhotoId } from '../helpers/assets';
import { TRANSFORMATIONS } from '../helpers/transformations';
import { c2paValidate, rakkan, testIdentity, type TestIdentity } from '../provenance/helpers';
import { bombPng, signedPhotoPainting, SVG, truncatedJpeg } from './images';
import { ApiClient, startServer, uniqueName, type RunningServer } from './server';

const MAX_BYTES = 3 * 1024 * 1024;
const LOOKUPS_PER_MINUTE = 40;

let server: RunningServer;
let dataDir: string;
let id: TestIdentity;
let alice: ApiClient;
let original: Uint8Array;
let shared: GalleryImage;

function signedPhoto(photo: PhotoId, claim?: string): Promise<{ bytes: Uint8Array; code: string }> {
	return signedPhotoPainting(id, photo, claim);
}

async function newUser(): Promise<ApiClient> {
	const client = new ApiClient(server.url);
	expect((await client.signup(uniqueName())).status).toBe(201);
	return client;
}

/** POSTs raw bytes (ApiClient sends JSON or forms only). */
async function postImage(
	client: ApiClient,
	bytes: Uint8Array,
	type: string
): Promise<{ status: number; body: SoftBindingMatches & { message?: string } }> {
	const headers: Record<string, string> = { 'content-type': type, origin: server.url };
	if (client.cookie) headers.cookie = client.cookie;
	const response = await fetch(`${server.url}/api/soft-binding/matches/byContent?alg=io.iscc.v0`, {
		method: 'POST',
		headers,
		body: bytes as Uint8Array<ArrayBuffer>
	});
	return {
		status: response.status,
		body: (await response.json()) as SoftBindingMatches & { message?: string }
	};
}

beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'rakkan-soft-binding-'));
	[server, id] = await Promise.all([
		startServer({
			RAKKAN_DATA_DIR: dataDir,
			RAKKAN_MAX_UPLOAD_BYTES: String(MAX_BYTES),
			RAKKAN_LOOKUPS_PER_MINUTE: String(LOOKUPS_PER_MINUTE)
		}),
		testIdentity('Soft Binding Painter')
	]);
	alice = await newUser();
	original = (await signedPhoto('chelsea')).bytes;
	const upload = await alice.upload(original, { title: 'Chelsea', rightsConfirmed: 'true' });
	expect(upload.status).toBe(201);
	shared = upload.body;
}, 120_000);

afterAll(async () => {
	await server?.stop();
	await rm(dataDir, { recursive: true, force: true });
});

describe('the soft-binding resolution API', () => {
	it('says it resolves the ISCC fingerprint and no watermark', async () => {
		const answer = await new ApiClient(server.url).get('/api/soft-binding/services/supportedAlgorithms');
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({ watermarks: [], fingerprints: [{ alg: 'io.iscc.v0' }] });
	});

	it('computed the fingerprint from the pixels at upload, and it agrees with the credentials', async () => {
		const answer = await alice.get<ImageFingerprint>(`/api/images/${shared.id}/fingerprint`);
		expect(answer.body).toMatchObject({
			alg: 'io.iscc.v0',
			code: imageCode(await decodeImage(original)),
			claimAgrees: true,
			claimedDistance: 0
		});
	});

	it('finds the original by its binding, with GET and with POST', async () => {
		const code = imageCode(await decodeImage(original));
		const anyone = new ApiClient(server.url);
		const get = await anyone.get<SoftBindingMatches>(
			`/api/soft-binding/matches/byBinding?alg=io.iscc.v0&value=${encodeURIComponent(code)}`
		);
		expect(get.status).toBe(200);
		const manifestId = await manifestIdOf(original);
		expect(get.body.matches[0]).toEqual({
			manifestId,
			similarityScore: 100,
			imageId: shared.id,
			endpoint: `${server.url}/gallery/${shared.id}`
		});
		const post = await anyone.request<SoftBindingMatches>('POST', '/api/soft-binding/matches/byBinding', {
			alg: 'io.iscc.v0',
			value: code
		});
		expect(post.body.matches[0]?.imageId).toBe(shared.id);
		// Nothing like an unrelated picture.
		const other = imageCode(await decodeImage((await signedPhoto('astronaut')).bytes));
		const none = await anyone.get<SoftBindingMatches>(
			`/api/soft-binding/matches/byBinding?value=${encodeURIComponent(other)}`
		);
		expect(none.body.matches.map((m) => m.imageId)).not.toContain(shared.id);
		const wrongAlg = await anyone.get(`/api/soft-binding/matches/byBinding?alg=com.example&value=${code}`);
		expect(wrongAlg.status).toBe(400);
		expect((await anyone.get('/api/soft-binding/matches/byBinding?value=ISCC:NOTACODE')).status).toBe(400);
	});

	for (const transformation of TRANSFORMATIONS.filter((t) => !t.breaks)) {
		it(`finds the original from a copy: ${transformation.name}`, async () => {
			const copy = await transformation.apply(original);
			expect(readManifestStore(copy)).toBeNull(); // the copy lost its credentials
			const type = `image/${(await sharp(copy).metadata()).format}`;
			const answer = await postImage(new ApiClient(server.url), copy, type);
			expect(answer.status, answer.body.message).toBe(200);
			expect(answer.body.matches[0]).toMatchObject({ imageId: shared.id });
			expect(answer.body.matches[0]!.similarityScore).toBeGreaterThanOrEqual(84);
		});
	}

	it('serves the manifest store of a match as application/c2pa, which c2pa-rs reads and checks', async () => {
		const manifestId = await manifestIdOf(original);
		const response = await fetch(
			`${server.url}/api/soft-binding/manifests/${encodeURIComponent(manifestId)}`
		);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/c2pa');
		const store = new Uint8Array(await response.arrayBuffer());
		expect(store).toEqual(readManifestStore(original)!.store);
		const verdict = await c2paValidate(store, 'application/c2pa');
		expect(verdict.report?.active_manifest).toBe(manifestId);
		// Detached from its image, the data hash has nothing to cover; the signature and assertions check out.
		expect(verdict.codes.sort()).toEqual(['assertion.dataHash.mismatch', 'signingCredential.untrusted']);
		expect((await fetch(`${server.url}/api/soft-binding/manifests/urn:c2pa:unknown`)).status).toBe(404);
	});

	it("never matches others' private, unlisted or hidden images; their owner finds their own", async () => {
		const bob = await newUser();
		const ids: Record<string, string> = {};
		for (const [visibility, photo] of [
			['private', 'astronaut'],
			['unlisted', 'coffee'],
			['hidden', 'rocket']
		] as const) {
			const { bytes } = await signedPhoto(photo);
			const upload = await bob.upload(bytes, {
				title: visibility,
				visibility: visibility === 'hidden' ? 'public' : visibility,
				rightsConfirmed: 'true'
			});
			expect(upload.status).toBe(201);
			ids[visibility] = upload.body.id;
			if (visibility === 'hidden') {
				const hide = await bob.request('POST', `/api/images/${upload.body.id}/hide`, { hidden: true });
				expect(hide.status).toBe(200);
			}
			const code = imageCode(await decodeImage(bytes));
			const query = `/api/soft-binding/matches/byBinding?value=${encodeURIComponent(code)}`;
			for (const stranger of [new ApiClient(server.url), alice]) {
				const answer = await stranger.get<SoftBindingMatches>(query);
				expect(answer.body.matches, visibility).toEqual([]);
				const content = await postImage(stranger, bytes, 'image/png');
				expect(content.body.matches, visibility).toEqual([]);
				const manifest = await fetch(
					`${server.url}/api/soft-binding/manifests/${encodeURIComponent(await manifestIdOf(bytes))}`
				);
				expect(manifest.status, visibility).toBe(404);
			}
			expect((await bob.get<SoftBindingMatches>(query)).body.matches[0]?.imageId).toBe(upload.body.id);
		}
	});

	it('shows a warning on the image page when the credentials claim another fingerprint', async () => {
		const other = imageCode(await decodeImage((await signedPhoto('coffee')).bytes));
		const { bytes } = await signedPhoto('rocket', other);
		const upload = await alice.upload(bytes, { title: 'Claims another picture', rightsConfirmed: 'true' });
		expect(upload.status).toBe(201);
		const fingerprint = await alice.get<ImageFingerprint>(`/api/images/${upload.body.id}/fingerprint`);
		expect(fingerprint.body.claimAgrees).toBe(false);
		expect(fingerprint.body.claimedDistance).toBeGreaterThan(10);
		const page = await fetch(`${server.url}/gallery/${upload.body.id}`);
		const html = await page.text();
		expect(html).toContain('data-testid="fingerprint-mismatch"');
		expect(html).toContain(other);
		const agreeing = await (await fetch(`${server.url}/gallery/${shared.id}`)).text();
		expect(agreeing).not.toContain('data-testid="fingerprint-mismatch"');
	});

	it('refuses bodies it cannot use: 413, 415, 422', async () => {
		const anyone = new ApiClient(server.url);
		expect(await statusOfOversizedPost(MAX_BYTES + 1)).toBe(413);
		const bomb = await postImage(anyone, bombPng(), 'image/png');
		expect(bomb.status).toBe(413);
		expect(bomb.body.message).toMatch(/30000 x 30000 pixels/);
		expect((await postImage(anyone, SVG, 'image/png')).status).toBe(415);
		expect((await postImage(anyone, original, 'text/plain')).status).toBe(415);
		const truncated = await postImage(anyone, await truncatedJpeg(), 'image/jpeg');
		expect(truncated.status).toBe(422);
		expect(truncated.body.message).toMatch(/truncated|corrupt/);
		expect((await postImage(anyone, new Uint8Array(0), 'image/png')).status).toBe(422);
	});

	it('rakkan verify --lookup finds the signed original of a stripped copy; fingerprint prints its code', async () => {
		const copy = path.join(dataDir, 'copy.jpg');
		await writeFile(copy, await TRANSFORMATIONS.find((t) => t.name === 'jpeg-q60')!.apply(original));
		const found = await rakkan(['verify', copy, '--lookup', server.url]);
		expect(found.stderr).toBe('');
		expect(found.code).toBe(0);
		expect(found.stdout).toMatch(/no Content Credentials/i);
		expect(found.stdout).toMatch(/the credentials are the original's, not this file's/);
		const line = found.stdout.split('\n').find((l) => l.includes(`/gallery/${shared.id}`));
		expect(line).toMatch(
			/similarity (8[4-9]|9\d|100)%\s+original: untrusted, signed by Soft Binding Painter/
		);
		const printed = await rakkan(['fingerprint', copy]);
		expect(printed.code).toBe(0);
		expect(printed.stdout.trim()).toBe(imageCode(await decodeImage(new Uint8Array(await readFile(copy)))));

		const stranger = path.join(dataDir, 'stranger.png');
		await writeFile(
			stranger,
			await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
				.png()
				.toBuffer()
		);
		const none = await rakkan(['verify', stranger, '--lookup', server.url]);
		expect(none.code).toBe(3);
		expect(none.stdout).toMatch(/No signed original of these pixels/);
		const unreachable = await rakkan(['verify', copy, '--lookup', 'http://127.0.0.1:9']);
		expect(unreachable.code).toBe(1);
		expect(unreachable.stderr).toMatch(/^rakkan verify: cannot reach http:\/\/127\.0\.0\.1:9/);
	});

	it('limits byContent lookups per client', async () => {
		const anyone = new ApiClient(server.url);
		const tiny = new Uint8Array(
			await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
				.png()
				.toBuffer()
		);
		let status = 200;
		for (let i = 0; i <= LOOKUPS_PER_MINUTE && status !== 429; i++) {
			status = (await postImage(anyone, tiny, 'image/png')).status;
		}
		expect(status).toBe(429);
	});
});

/**
 * The status of a POST declaring `length` bytes. The server answers 413 from Content-Length before reading
 * the body and closes the connection, which fetch reports as a reset; a raw request reads the answer.
 */
function statusOfOversizedPost(length: number): Promise<number> {
	return new Promise((resolve, reject) => {
		const request = http.request(`${server.url}/api/soft-binding/matches/byContent`, {
			method: 'POST',
			headers: { 'content-type': 'image/png', 'content-length': String(length) }
		});
		request.on('response', (response) => {
			response.resume();
			resolve(response.statusCode ?? 0);
		});
		request.on('error', reject);
		request.write(new Uint8Array(Math.min(length, 64 * 1024)));
	});
}

/** The active manifest's label: the manifestId the API answers with. */
async function manifestIdOf(bytes: Uint8Array): Promise<string> {
	return (await verifyImage(bytes)).activeManifest!;
}
