// Two server processes behind one address's worth of state: a shared PostgreSQL server and an S3 bucket
// (s3rver), both on loopback. Whatever one process did, the other sees: accounts, sessions, images and
// their bytes, and the sign-in rate limit.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GalleryImage, ImagePage } from '../../src/lib/gallery-api';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { startS3, type TestS3 } from '../helpers/s3';
import { rakkan, testIdentity } from '../provenance/helpers';
import { signedPng } from './images';
import { ApiClient, startServer, type RunningServer } from './server';

let pg: TestPostgres;
let s3: TestS3;
let servers: RunningServer[] = [];
let dataDir: string;
let databaseUrl: string;

beforeAll(async () => {
	[pg, s3] = await Promise.all([startPostgres(), startS3()]);
	dataDir = await mkdtemp(path.join(os.tmpdir(), 'rakkan-gallery-procs-'));
	databaseUrl = await pg.createDatabase('shared');
	const env = {
		DATABASE_URL: databaseUrl,
		S3_ENDPOINT: s3.endpoint,
		S3_BUCKET: s3.bucket,
		S3_ACCESS_KEY_ID: s3.accessKeyId,
		S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
		RAKKAN_LOGIN_ATTEMPTS: '4'
	};
	// Started at the same time: both run the migrations against the one database.
	servers = await Promise.all(
		['a', 'b'].map((name) => startServer({ ...env, RAKKAN_DATA_DIR: path.join(dataDir, name) }))
	);
});

afterAll(async () => {
	await Promise.all(servers.map((s) => s.stop()));
	await Promise.all([pg?.stop(), s3?.stop()]);
	await rm(dataDir, { recursive: true, force: true });
});

it('share one state: a session, an image and its bytes made through one process are there in the other', async () => {
	const [a, b] = servers as [RunningServer, RunningServer];
	const onA = new ApiClient(a.url);
	expect((await onA.signup('shared_user')).status).toBe(201);
	const bytes = await signedPng(await testIdentity('Two Processes'));
	const image = (await onA.upload(bytes, { rightsConfirmed: 'true' })).body;

	// The same cookie, presented to the other process (as a load balancer would send it).
	const onB = new ApiClient(b.url);
	onB.cookie = onA.cookie;
	expect((await onB.get('/api/auth/me')).body).toMatchObject({ user: { username: 'shared_user' } });
	expect((await onB.get<ImagePage>('/api/images')).body.items.map((i) => i.id)).toEqual([image.id]);
	const original = await new ApiClient(b.url).get<Uint8Array>(image.originalUrl);
	expect(Buffer.from(original.body).equals(Buffer.from(bytes))).toBe(true);
	const renamed = await onB.request<GalleryImage>('PATCH', `/api/images/${image.id}`, {
		title: 'Renamed on B'
	});
	expect(renamed.body.title).toBe('Renamed on B');
	expect((await onA.get<GalleryImage>(`/api/images/${image.id}`)).body.title).toBe('Renamed on B');

	// Signing out on one process ends the session on both.
	await onB.request('POST', '/api/auth/logout');
	const stale = new ApiClient(a.url);
	stale.cookie = onA.cookie;
	expect((await stale.get('/api/auth/me')).body).toEqual({ user: null });
});

it('count sign-in attempts together, so spreading them over processes does not get around the limit', async () => {
	const [a, b] = servers as [RunningServer, RunningServer];
	await new ApiClient(a.url).signup('limited_user');
	const statuses: number[] = [];
	for (let i = 0; i < 5; i++) {
		const via = new ApiClient((i % 2 ? b : a).url);
		statuses.push(
			(
				await via.request('POST', '/api/auth/login', {
					username: 'limited_user',
					password: 'not the password'
				})
			).status
		);
	}
	expect(statuses).toEqual([401, 401, 401, 401, 429]);
});

const SOON = { timeout: 5000, interval: 50 };

it('grants and revokes moderators with `rakkan admin` on the servers’ database; a moderator’s hide stands until a moderator lifts it', async () => {
	const [a, b] = servers as [RunningServer, RunningServer];
	const admin = (...args: string[]) => rakkan(['admin', ...args], { DATABASE_URL: databaseUrl });
	const owner = new ApiClient(a.url);
	await owner.signup('painting_owner');
	const image = (
		await owner.upload(await signedPng(await testIdentity('Moderated Painter'), { width: 70 }), {
			rightsConfirmed: 'true'
		})
	).body;
	const reporter = new ApiClient(a.url);
	await reporter.signup('a_reporter');
	await reporter.request('POST', `/api/images/${image.id}/reports`, { reason: 'Not theirs to publish.' });

	// Process A's public listing, cached there: a change made through B reaches it by the database's notice,
	// well before the cache's 10 s time limit would.
	const listedOnA = async () => (await reporter.get<ImagePage>('/api/images')).body.items.map((i) => i.id);
	expect(await listedOnA()).toContain(image.id);

	// Signing up under a name gives no rights; the command does, at once, for every process.
	const moderator = new ApiClient(b.url);
	await moderator.signup('the_moderator');
	expect((await moderator.get('/api/auth/me')).body).toMatchObject({ user: { isAdmin: false } });
	expect((await admin('grant', 'The_Moderator')).stderr).toMatch(/The_Moderator is a moderator\./);
	expect((await admin('list')).stdout.trim().split('\n')).toEqual(['the_moderator']);
	expect((await moderator.get('/api/auth/me')).body).toMatchObject({ user: { isAdmin: true } });
	const reports = await moderator.get<{ reports: { reporter: { username: string } | null }[] }>(
		`/api/images/${image.id}/reports`
	);
	expect(reports.body.reports.map((r) => r.reporter?.username)).toEqual(['a_reporter']);

	const hidden = await moderator.request<GalleryImage>('POST', `/api/images/${image.id}/hide`, {
		hidden: true
	});
	expect(hidden.body).toMatchObject({ hidden: true, hiddenBy: 'moderator' });
	// The hide acted on the open report: it is closed.
	const acted = await moderator.get<{ reports: { closedAt: string | null }[] }>(
		`/api/images/${image.id}/reports`
	);
	expect(acted.body.reports).toEqual([expect.objectContaining({ closedAt: expect.any(String) })]);
	await expect.poll(listedOnA, SOON).not.toContain(image.id);
	// The owner sees who hid it, and cannot lift it.
	expect((await owner.get<GalleryImage>(`/api/images/${image.id}`)).body.hiddenBy).toBe('moderator');
	const lift = await owner.request('POST', `/api/images/${image.id}/hide`, { hidden: false });
	expect(lift.status).toBe(403);
	expect(lift.body).toEqual({ message: 'A moderator hid this image; only a moderator can show it again.' });
	const page = await fetch(`${a.url}/gallery/${image.id}`, { headers: { cookie: owner.cookie! } });
	expect(await page.text()).toContain('Hidden from the gallery by a moderator.');

	// Revoked: demoted at once, and the hidden image is no longer there for them.
	expect((await admin('revoke', 'the_moderator')).code).toBe(0);
	expect((await moderator.get('/api/auth/me')).body).toMatchObject({ user: { isAdmin: false } });
	expect((await moderator.request('POST', `/api/images/${image.id}/hide`, { hidden: false })).status).toBe(
		404
	);
	expect((await admin('list')).stdout).toBe('');
	const unknown = await admin('grant', 'nobody_here');
	expect(unknown.code).toBe(1);
	expect(unknown.stderr.trim()).toBe('rakkan admin: there is no user "nobody_here"');

	expect((await admin('grant', 'the_moderator')).code).toBe(0);
	const shown = await moderator.request<GalleryImage>('POST', `/api/images/${image.id}/hide`, {
		hidden: false
	});
	expect(shown.body).toMatchObject({ hidden: false, hiddenBy: null });
	await expect.poll(listedOnA, SOON).toContain(image.id);
	// Its report closed, the reporter may report the image again.
	const again = await reporter.request('POST', `/api/images/${image.id}/reports`, {
		reason: 'Still not theirs.'
	});
	expect(again.status).toBe(201);
});
