// Every read and write the gallery makes, over one database and one object store. Stateless apart from
// its connections, so any number of server processes can share a PostgreSQL database and a bucket:
// sessions, tokens and sign-in rate limits are rows, not memory.
//
// An upload writes its objects first (under keys the server makes), then inserts the row in a
// transaction. A crash in between leaves objects without a row, never a row without objects; the
// cleanup pass deletes objects older than a grace period that no row names.
import { and, asc, desc, eq, gt, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Catalog } from '../../assets/catalog';
import type { ApiToken, GalleryImage, GalleryUser, ImagePage, Visibility } from '../../gallery-api';
import { verifyImage, type VerifyResult } from '../../provenance/c2pa/verify';
import {
	decoyHash,
	hashPassword,
	randomId,
	randomSecret,
	sha256Hex,
	signupProblem,
	TOKEN_PREFIX,
	verifyPassword
} from './auth';
import { asVerdictLevel, parentReference, recordCredentials } from './credentials';
import type { GalleryDb } from './db';
import {
	apiTokens,
	images,
	rateLimits,
	reports,
	sessions,
	users,
	type ImageRow,
	type StoredRights
} from './schema';
import { checkPeople, peoplePublicationProblem } from './people';
import { newObjectKey, type ObjectStore } from './store';
import type { FaceScan } from '../../engine/faces';
import {
	DEFAULT_UPLOAD_LIMITS,
	renderThumbnail,
	sniffUpload,
	UploadError,
	type UploadLimits
} from './uploads';

/** An expected failure with the HTTP status that says what kind it is. */
export class GalleryError extends Error {
	constructor(
		readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429,
		message: string
	) {
		super(message);
		this.name = 'GalleryError';
	}
}

export interface LoginLimits {
	/** Attempts per user name per window (every attempt counts; a success clears it). */
	perUsername: number;
	/** Attempts per client address per window. */
	perClient: number;
	windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUsername: 10, perClient: 100, windowMs: 15 * 60_000 };

export interface RepositoryOptions {
	db: GalleryDb;
	store: ObjectStore;
	catalog: Catalog;
	limits?: UploadLimits;
	loginLimits?: LoginLimits;
	sessionTtlMs?: number;
	/** How old an object without a row must be before the cleanup pass deletes it. */
	orphanGraceMs?: number;
	/**
	 * Runs after an upload's objects are stored and before its row is inserted: the seam where a test
	 * makes the process "crash" between the two steps.
	 */
	afterObjectsStored?: (keys: { original: string; thumbnail: string }) => void | Promise<void>;
	/**
	 * The gallery's own face detector on an upload's bytes; null when it cannot run (the image then
	 * records that its faces were not checked). Absent: faces are not checked.
	 */
	findFaces?: (bytes: Uint8Array) => Promise<FaceScan | null>;
}

export interface NewImage {
	bytes: Uint8Array;
	title: string;
	description: string;
	visibility: Visibility;
	rightsConfirmed: boolean;
}

export interface ImagePatch {
	title?: string;
	description?: string;
	visibility?: Visibility;
	rightsConfirmed?: boolean;
}

export interface ImageQuery {
	cursor?: string | null;
	limit?: number;
	style?: string;
	model?: string;
	rights?: string;
	creator?: string;
	/** The viewer's own images, every visibility. */
	mine?: boolean;
}

export interface Report {
	id: string;
	reason: string;
	createdAt: string;
	reporter: { username: string };
}

const DAY = 24 * 60 * 60_000;
export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 5000;
export const MAX_REASON = 2000;
export const MAX_TOKEN_NAME = 100;

/** Postgres error code of a unique violation; drizzle wraps driver errors, so look at the cause too. */
function isUniqueViolation(error: unknown): boolean {
	const code = (e: unknown) => (e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined);
	return code(error) === '23505' || code((error as { cause?: unknown })?.cause) === '23505';
}

/** Why this image cannot have this visibility, or null. */
export function publicationProblem(
	visibility: Visibility,
	credentialState: string,
	rights: StoredRights,
	confirmed: boolean
): string | null {
	if (visibility !== 'public') return null;
	if (credentialState === 'none') {
		return 'This image carries no Content Credentials, so it can be shared as unlisted or private only.';
	}
	if (rights.needsConfirmation && !confirmed) {
		return (
			`${rights.label ?? 'Its rights are unclear.'} It is not published publicly unless you confirm that ` +
			'you have the right to publish it (rightsConfirmed), or share it as unlisted or private.'
		);
	}
	return null;
}

interface Cursor {
	createdAt: Date;
	id: string;
}

function encodeCursor(row: { createdAt: Date; id: string }): string {
	return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
	const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
	const createdAt = new Date(at ?? '');
	if (!id || Number.isNaN(createdAt.getTime())) throw new GalleryError(400, 'The cursor is not valid.');
	return { createdAt, id };
}

/** A download name from the title: letters, digits, dots, dashes; never a path. */
export function safeFilename(title: string, mimeType: string): string {
	const ext = mimeType === 'image/png' ? 'png' : mimeType === 'image/webp' ? 'webp' : 'jpg';
	const stem = title
		.normalize('NFKD')
		.replace(/[^\w.-]+/g, '-')
		.replace(/^[-.]+|[-.]+$/g, '')
		.slice(0, 80);
	return `${stem || 'image'}.${ext}`;
}

export class GalleryRepository {
	readonly db: GalleryDb;
	readonly store: ObjectStore;
	readonly limits: UploadLimits;
	private readonly options: RepositoryOptions;

	constructor(options: RepositoryOptions) {
		this.options = options;
		this.db = options.db;
		this.store = options.store;
		this.limits = options.limits ?? DEFAULT_UPLOAD_LIMITS;
	}

	// --------------------------------------------------------------------------------------------------
	// Accounts

	async createUser(
		username: unknown,
		password: unknown,
		options: { isAdmin?: boolean } = {}
	): Promise<GalleryUser> {
		const problem = signupProblem(username, password);
		if (problem) throw new GalleryError(422, problem);
		const user = {
			id: randomId(),
			username: username as string,
			passwordHash: await hashPassword(password as string),
			isAdmin: options.isAdmin ?? false,
			createdAt: new Date()
		};
		try {
			await this.db.insert(users).values(user);
		} catch (error) {
			if (isUniqueViolation(error)) throw new GalleryError(409, 'That username is taken.');
			throw error;
		}
		return { id: user.id, username: user.username, isAdmin: user.isAdmin };
	}

	/** Counts one attempt against `key`; true while the count stays within `max` for the window. */
	private async withinLimit(key: string, max: number, windowMs: number): Promise<boolean> {
		const now = new Date();
		const cutoff = new Date(now.getTime() - windowMs).toISOString();
		const expired = sql`${rateLimits.windowStart} < ${cutoff}::timestamptz`;
		const [row] = await this.db
			.insert(rateLimits)
			.values({ key, windowStart: now, count: 1 })
			.onConflictDoUpdate({
				target: rateLimits.key,
				set: {
					count: sql`CASE WHEN ${expired} THEN 1 ELSE ${rateLimits.count} + 1 END`,
					windowStart: sql`CASE WHEN ${expired} THEN ${now.toISOString()}::timestamptz ELSE ${rateLimits.windowStart} END`
				}
			})
			.returning({ count: rateLimits.count });
		return (row?.count ?? 0) <= max;
	}

	/** Checks a sign-in; `client` names the caller (its address) for the per-client limit. */
	async authenticate(username: unknown, password: unknown, client: string): Promise<GalleryUser> {
		if (typeof username !== 'string' || typeof password !== 'string' || username.length > 64) {
			throw new GalleryError(401, 'Wrong username or password.');
		}
		const limits = this.options.loginLimits ?? DEFAULT_LOGIN_LIMITS;
		const userKey = `login:user:${username.toLowerCase()}`;
		const allowed =
			(await this.withinLimit(`login:client:${client}`, limits.perClient, limits.windowMs)) &&
			(await this.withinLimit(userKey, limits.perUsername, limits.windowMs));
		if (!allowed) {
			throw new GalleryError(429, 'Too many sign-in attempts. Wait a few minutes and try again.');
		}
		const [row] = await this.db
			.select()
			.from(users)
			.where(sql`lower(${users.username}) = ${username.toLowerCase()}`);
		const ok =
			password.length <= 1024 && (await verifyPassword(password, row?.passwordHash ?? (await decoyHash())));
		if (!row || !ok) throw new GalleryError(401, 'Wrong username or password.');
		await this.db.delete(rateLimits).where(eq(rateLimits.key, userKey));
		return { id: row.id, username: row.username, isAdmin: row.isAdmin };
	}

	async createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
		const token = randomSecret();
		const now = new Date();
		const expiresAt = new Date(now.getTime() + (this.options.sessionTtlMs ?? 30 * DAY));
		await this.db.insert(sessions).values({ id: sha256Hex(token), userId, createdAt: now, expiresAt });
		return { token, expiresAt };
	}

	async userBySession(token: string): Promise<GalleryUser | null> {
		const [row] = await this.db
			.select({ id: users.id, username: users.username, isAdmin: users.isAdmin })
			.from(sessions)
			.innerJoin(users, eq(users.id, sessions.userId))
			.where(and(eq(sessions.id, sha256Hex(token)), gt(sessions.expiresAt, new Date())));
		return row ?? null;
	}

	async deleteSession(token: string): Promise<void> {
		await this.db.delete(sessions).where(eq(sessions.id, sha256Hex(token)));
	}

	async createToken(userId: string, name: unknown): Promise<{ id: string; name: string; token: string }> {
		if (typeof name !== 'string' || !name.trim() || name.length > MAX_TOKEN_NAME) {
			throw new GalleryError(422, `The token needs a name of 1 to ${MAX_TOKEN_NAME} characters.`);
		}
		const token = randomSecret(TOKEN_PREFIX);
		const id = randomId();
		await this.db
			.insert(apiTokens)
			.values({ id, userId, name: name.trim(), tokenHash: sha256Hex(token), createdAt: new Date() });
		return { id, name: name.trim(), token };
	}

	async listTokens(userId: string): Promise<ApiToken[]> {
		const rows = await this.db
			.select()
			.from(apiTokens)
			.where(eq(apiTokens.userId, userId))
			.orderBy(asc(apiTokens.createdAt));
		return rows.map((r) => ({
			id: r.id,
			name: r.name,
			createdAt: r.createdAt.toISOString(),
			lastUsedAt: r.lastUsedAt?.toISOString() ?? null
		}));
	}

	async revokeToken(userId: string, id: string): Promise<void> {
		const gone = await this.db
			.delete(apiTokens)
			.where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId)))
			.returning({ id: apiTokens.id });
		if (gone.length === 0) throw new GalleryError(404, 'No such token.');
	}

	async userByToken(token: string): Promise<GalleryUser | null> {
		if (!token.startsWith(TOKEN_PREFIX)) return null;
		const [used] = await this.db
			.update(apiTokens)
			.set({ lastUsedAt: new Date() })
			.where(eq(apiTokens.tokenHash, sha256Hex(token)))
			.returning({ userId: apiTokens.userId });
		if (!used) return null;
		const [row] = await this.db
			.select({ id: users.id, username: users.username, isAdmin: users.isAdmin })
			.from(users)
			.where(eq(users.id, used.userId));
		return row ?? null;
	}

	// --------------------------------------------------------------------------------------------------
	// Images

	async createImage(owner: GalleryUser, input: NewImage): Promise<GalleryImage> {
		const title = checkTitle(input.title);
		const description = checkDescription(input.description);
		let sniffed;
		try {
			sniffed = sniffUpload(input.bytes, this.limits);
		} catch (error) {
			if (error instanceof UploadError) throw new GalleryError(error.status, error.message);
			throw error;
		}
		const result = await verifyImage(input.bytes);
		let thumbnail: Uint8Array;
		try {
			thumbnail = await renderThumbnail(input.bytes, this.limits);
		} catch (error) {
			if (error instanceof UploadError) throw new GalleryError(error.status, error.message);
			throw error;
		}
		const parent = await this.findParent(result, owner.id);
		const recorded = recordCredentials(
			result,
			this.options.catalog,
			parent ? { level: asVerdictLevel(parent.rightsLevel) } : null
		);
		const people = checkPeople((await this.options.findFaces?.(input.bytes)) ?? null, recorded.claimedPeople);
		const problem =
			(input.visibility === 'public' ? peoplePublicationProblem(people) : null) ??
			publicationProblem(input.visibility, result.state, recorded.rights, input.rightsConfirmed);
		if (problem) throw new GalleryError(422, problem);

		const row: ImageRow = {
			id: randomId(),
			ownerId: owner.id,
			title,
			description,
			visibility: input.visibility,
			hidden: false,
			rightsConfirmed: input.rightsConfirmed,
			createdAt: new Date(),
			mimeType: sniffed.mimeType,
			byteSize: input.bytes.length,
			width: sniffed.width,
			height: sniffed.height,
			sha256: sha256Hex(input.bytes),
			instanceId: recorded.instanceId,
			objectKey: newObjectKey('originals'),
			thumbnailKey: newObjectKey('thumbnails', '.webp'),
			credentialState: result.state,
			credentials: recorded.credentials,
			rightsLevel: recorded.rights.verdict,
			rights: recorded.rights,
			attribution: recorded.attribution,
			labels: recorded.labels,
			styleIds: recorded.styleIds,
			modelIds: recorded.modelIds,
			parentId: parent?.id ?? null,
			people
		};
		await this.store.put(row.objectKey, input.bytes, row.mimeType);
		await this.store.put(row.thumbnailKey, thumbnail, 'image/webp');
		await this.options.afterObjectsStored?.({ original: row.objectKey, thumbnail: row.thumbnailKey });
		try {
			await this.db.transaction(async (tx) => {
				await tx.insert(images).values(row);
			});
		} catch (error) {
			await this.deleteObjects(row);
			throw error;
		}
		return toImage(row, owner.username);
	}

	/** The earliest gallery image this upload names as its parent, among those its owner may see. */
	private async findParent(result: VerifyResult, ownerId: string): Promise<ImageRow | null> {
		const ref = parentReference(result);
		if (!ref) return null;
		const matches: SQL[] = [];
		if (ref.sha256) matches.push(eq(images.sha256, ref.sha256));
		if (ref.instanceId) matches.push(eq(images.instanceId, ref.instanceId));
		const [row] = await this.db
			.select()
			.from(images)
			.where(and(or(...matches), or(eq(images.ownerId, ownerId), this.seenByAnyone())))
			.orderBy(asc(images.createdAt), asc(images.id))
			.limit(1);
		return row ?? null;
	}

	/** Public or unlisted, and not hidden: what anyone with the id may see. */
	private seenByAnyone(): SQL {
		return and(inArray(images.visibility, ['public', 'unlisted']), eq(images.hidden, false))!;
	}

	private async deleteObjects(row: Pick<ImageRow, 'objectKey' | 'thumbnailKey'>): Promise<void> {
		// Best effort: what is left behind, the cleanup pass deletes later.
		await Promise.allSettled([this.store.delete(row.objectKey), this.store.delete(row.thumbnailKey)]);
	}

	async listImages(query: ImageQuery, viewer: GalleryUser | null): Promise<ImagePage> {
		const limit = query.limit ?? 24;
		if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
			throw new GalleryError(400, 'limit must be a whole number from 1 to 100.');
		}
		const where: SQL[] = [];
		if (query.mine) {
			if (!viewer) throw new GalleryError(401, 'Sign in to see your own images.');
			where.push(eq(images.ownerId, viewer.id));
		} else {
			where.push(eq(images.visibility, 'public'), eq(images.hidden, false));
		}
		if (query.style) where.push(sql`${images.styleIds} @> ARRAY[${query.style}]::text[]`);
		if (query.model) where.push(sql`${images.modelIds} @> ARRAY[${query.model}]::text[]`);
		if (query.rights) where.push(eq(images.rightsLevel, query.rights));
		if (query.creator) where.push(sql`lower(${users.username}) = ${query.creator.toLowerCase()}`);
		if (query.cursor) {
			const c = decodeCursor(query.cursor);
			where.push(
				or(lt(images.createdAt, c.createdAt), and(eq(images.createdAt, c.createdAt), lt(images.id, c.id)))!
			);
		}
		const rows = await this.db
			.select({ image: images, username: users.username })
			.from(images)
			.innerJoin(users, eq(users.id, images.ownerId))
			.where(and(...where))
			.orderBy(desc(images.createdAt), desc(images.id))
			.limit(limit + 1);
		const page = rows.slice(0, limit);
		const last = page[page.length - 1];
		return {
			items: page.map((r) => toImage(r.image, r.username)),
			nextCursor: rows.length > limit && last ? encodeCursor(last.image) : null
		};
	}

	/** The row, if the viewer may see it: 404 otherwise (never 403: a private image does not exist to others). */
	private async visibleRow(
		id: string,
		viewer: GalleryUser | null
	): Promise<{ row: ImageRow; username: string }> {
		const [found] = await this.db
			.select({ image: images, username: users.username })
			.from(images)
			.innerJoin(users, eq(users.id, images.ownerId))
			.where(eq(images.id, id));
		if (found) {
			const row = found.image;
			const isOwner = viewer?.id === row.ownerId;
			const isAdmin = viewer?.isAdmin === true && row.visibility !== 'private';
			if (isOwner || isAdmin || (row.visibility !== 'private' && !row.hidden)) {
				return { row, username: found.username };
			}
		}
		throw new GalleryError(404, 'No such image.');
	}

	/** Like visibleRow, and the viewer must be the owner (or an admin, when `admin` allows). */
	private async managedRow(
		id: string,
		viewer: GalleryUser | null,
		admin: boolean
	): Promise<{ row: ImageRow; username: string }> {
		if (!viewer) throw new GalleryError(401, 'Sign in first.');
		const found = await this.visibleRow(id, viewer);
		if (found.row.ownerId !== viewer.id && !(admin && viewer.isAdmin)) {
			throw new GalleryError(403, 'Only the owner can do this.');
		}
		return found;
	}

	async getImage(id: string, viewer: GalleryUser | null): Promise<GalleryImage> {
		const { row, username } = await this.visibleRow(id, viewer);
		return toImage(row, username);
	}

	async getOriginal(
		id: string,
		viewer: GalleryUser | null
	): Promise<{ bytes: Uint8Array; mimeType: string; filename: string }> {
		const { row } = await this.visibleRow(id, viewer);
		const bytes = await this.store.get(row.objectKey);
		if (!bytes) throw new Error(`image ${row.id}: object ${row.objectKey} is missing from the store`);
		return { bytes, mimeType: row.mimeType, filename: safeFilename(row.title, row.mimeType) };
	}

	async getThumbnail(id: string, viewer: GalleryUser | null): Promise<Uint8Array> {
		const { row } = await this.visibleRow(id, viewer);
		const bytes = await this.store.get(row.thumbnailKey);
		if (!bytes) throw new Error(`image ${row.id}: object ${row.thumbnailKey} is missing from the store`);
		return bytes;
	}

	async updateImage(id: string, viewer: GalleryUser | null, patch: ImagePatch): Promise<GalleryImage> {
		const { row, username } = await this.managedRow(id, viewer, false);
		const next: Partial<ImageRow> = {};
		if (patch.title !== undefined) next.title = checkTitle(patch.title);
		if (patch.description !== undefined) next.description = checkDescription(patch.description);
		if (patch.visibility !== undefined) next.visibility = patch.visibility;
		if (patch.rightsConfirmed !== undefined) next.rightsConfirmed = patch.rightsConfirmed;
		const merged = { ...row, ...next };
		const problem =
			(merged.visibility === 'public' ? peoplePublicationProblem(merged.people) : null) ??
			publicationProblem(merged.visibility, merged.credentialState, merged.rights, merged.rightsConfirmed);
		if (problem) throw new GalleryError(422, problem);
		if (Object.keys(next).length === 0) return toImage(row, username);
		const [updated] = await this.db.update(images).set(next).where(eq(images.id, id)).returning();
		if (!updated) throw new GalleryError(404, 'No such image.');
		return toImage(updated, username);
	}

	async deleteImage(id: string, viewer: GalleryUser | null): Promise<void> {
		const { row } = await this.managedRow(id, viewer, true);
		await this.db.delete(images).where(eq(images.id, id));
		await this.deleteObjects(row);
	}

	async setHidden(id: string, viewer: GalleryUser | null, hidden: boolean): Promise<GalleryImage> {
		const { username } = await this.managedRow(id, viewer, true);
		const [updated] = await this.db.update(images).set({ hidden }).where(eq(images.id, id)).returning();
		if (!updated) throw new GalleryError(404, 'No such image.');
		return toImage(updated, username);
	}

	async addReport(id: string, viewer: GalleryUser | null, reason: unknown): Promise<{ id: string }> {
		if (!viewer) throw new GalleryError(401, 'Sign in to report an image.');
		if (typeof reason !== 'string' || !reason.trim() || reason.length > MAX_REASON) {
			throw new GalleryError(422, `Say what is wrong in 1 to ${MAX_REASON} characters.`);
		}
		await this.visibleRow(id, viewer);
		const report = { id: randomId(), imageId: id, reporterId: viewer.id, reason, createdAt: new Date() };
		await this.db.insert(reports).values(report);
		return { id: report.id };
	}

	async listReports(id: string, viewer: GalleryUser | null): Promise<Report[]> {
		await this.managedRow(id, viewer, true);
		const rows = await this.db
			.select({ report: reports, username: users.username })
			.from(reports)
			.innerJoin(users, eq(users.id, reports.reporterId))
			.where(eq(reports.imageId, id))
			.orderBy(asc(reports.createdAt), asc(reports.id));
		return rows.map((r) => ({
			id: r.report.id,
			reason: r.report.reason,
			createdAt: r.report.createdAt.toISOString(),
			reporter: { username: r.username }
		}));
	}

	// --------------------------------------------------------------------------------------------------
	// Housekeeping

	/**
	 * Deletes objects older than the grace period that no image row names (what a crash between storing
	 * and committing leaves), and expired sessions. Returns the keys deleted.
	 */
	async cleanup(now = new Date()): Promise<string[]> {
		const grace = this.options.orphanGraceMs ?? 60 * 60_000;
		const cutoff = now.getTime() - grace;
		const old: string[] = [];
		for await (const object of this.store.list()) {
			if (object.lastModified.getTime() < cutoff) old.push(object.key);
		}
		const deleted: string[] = [];
		for (let i = 0; i < old.length; i += 500) {
			const batch = old.slice(i, i + 500);
			const named = await this.db
				.select({ original: images.objectKey, thumbnail: images.thumbnailKey })
				.from(images)
				.where(or(inArray(images.objectKey, batch), inArray(images.thumbnailKey, batch)));
			const keep = new Set(named.flatMap((r) => [r.original, r.thumbnail]));
			for (const key of batch) {
				if (keep.has(key)) continue;
				await this.store.delete(key);
				deleted.push(key);
			}
		}
		await this.db.delete(sessions).where(lt(sessions.expiresAt, now));
		return deleted;
	}
}

function checkTitle(title: string): string {
	const trimmed = title.trim();
	if (!trimmed || trimmed.length > MAX_TITLE) {
		throw new GalleryError(422, `The title must be 1 to ${MAX_TITLE} characters long.`);
	}
	return trimmed;
}

function checkDescription(description: string): string {
	if (description.length > MAX_DESCRIPTION) {
		throw new GalleryError(422, `The description must be at most ${MAX_DESCRIPTION} characters long.`);
	}
	return description;
}

export function toImage(row: ImageRow, username: string): GalleryImage {
	return {
		id: row.id,
		title: row.title,
		description: row.description,
		visibility: row.visibility,
		hidden: row.hidden,
		createdAt: row.createdAt.toISOString(),
		owner: { username },
		mimeType: row.mimeType,
		byteSize: row.byteSize,
		width: row.width,
		height: row.height,
		originalUrl: `/api/images/${row.id}/original`,
		thumbnailUrl: `/api/images/${row.id}/thumbnail`,
		credentials: row.credentials,
		rights: {
			verdict: row.rights.verdict,
			label: row.rights.label,
			nonCommercial: row.rights.nonCommercial,
			confirmedByOwner: row.rightsConfirmed
		},
		attribution: row.attribution,
		labels: row.labels,
		parentId: row.parentId,
		people: row.people
	};
}
