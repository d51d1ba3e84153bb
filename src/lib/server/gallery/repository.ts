// Every read and write the gallery makes, over one database and one object store. Stateless apart from
// its connections, so any number of server processes can share a PostgreSQL database and a bucket:
// sessions, tokens and sign-in rate limits are rows, not memory.
//
// An upload writes its objects first (under keys the server makes), then inserts the row in a
// transaction. A crash in between leaves objects without a row, never a row without objects; the
// cleanup pass deletes objects older than a grace period that no row names.
import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Catalog } from '../../assets/catalog';
import type {
	ApiToken,
	GalleryImage,
	GalleryUser,
	HiddenBy,
	ImagePage,
	ImageSummary,
	Visibility
} from '../../gallery-api';
import type { VerifyResult } from '../../provenance/c2pa/verify';
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
import { GalleryError } from './errors';
import { ListingCache } from './listing-cache';
import { checkText, ID, textProblem } from './text';
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
import type { UploadProcessor } from './upload-pool';
import { DEFAULT_UPLOAD_LIMITS, processUpload, sniffUpload, UploadError, type UploadLimits } from './uploads';
import { fingerprintRow, fingerprintUpload, imageFingerprints } from './fingerprints';

export { GalleryError } from './errors';

export interface LoginLimits {
	/**
	 * Failed sign-ins for one user name from one client address before that pair must wait: then 1 s after
	 * the next failure, doubling with each further failure up to `maxBackoffMs`. Other addresses (the real
	 * user's own) are not slowed by it; a success clears it.
	 */
	perUsername: number;
	/** Attempts per client address per window, whatever the user name. */
	perClient: number;
	windowMs: number;
	maxBackoffMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
	perUsername: 10,
	perClient: 100,
	windowMs: 15 * 60_000,
	maxBackoffMs: 15 * 60_000
};

export interface SignupLimits {
	/** New accounts per client address per window. */
	perClient: number;
	/** New accounts in all per window (each costs an scrypt hash and a row). */
	overall: number;
	windowMs: number;
}

export const DEFAULT_SIGNUP_LIMITS: SignupLimits = { perClient: 5, overall: 100, windowMs: 60 * 60_000 };

/** Reports one user may file per window. */
export const DEFAULT_REPORT_LIMITS = { perUser: 20, windowMs: 60 * 60_000 };

/** Stored bytes (originals and thumbnails) per user: 1 GiB. */
export const DEFAULT_USER_QUOTA_BYTES = 1024 ** 3;

export interface RepositoryOptions {
	db: GalleryDb;
	store: ObjectStore;
	catalog: Catalog;
	limits?: UploadLimits;
	loginLimits?: LoginLimits;
	signupLimits?: SignupLimits;
	reportLimits?: typeof DEFAULT_REPORT_LIMITS;
	/** Stored bytes per user. */
	quotaBytes?: number;
	/** Verification and thumbnail (worker threads in the server); in this thread when absent. */
	processUpload?: UploadProcessor;
	/** Caches public listing pages (the server passes one that other processes' writes also clear). */
	listingCache?: ListingCache;
	sessionTtlMs?: number;
	/** How old an object without a row must be before the cleanup pass deletes it. */
	orphanGraceMs?: number;
	/**
	 * Runs after an upload's objects are stored and before its row is inserted: the seam where a test
	 * makes the process "crash" between the two steps.
	 */
	afterObjectsStored?: (keys: { original: string; thumbnail: string }) => void | Promise<void>;
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
	/** When a moderator acted on it (hid the image); null while open. */
	closedAt: string | null;
	/** Who reported it: shown to moderators only (an owner sees the reasons, not who gave them). */
	reporter: { username: string } | null;
}

/** The channel on which every write to images is announced, so each process clears its listing cache. */
export const IMAGES_CHANNEL = 'rakkan_images';

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
	if (!id || !ID.test(id) || Number.isNaN(createdAt.getTime()))
		throw new GalleryError(400, 'The cursor is not valid.');
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

/** Public and hidden by nobody: what is listed, and what any remix may name as its parent. */
function listedPublicly(): SQL {
	return and(eq(images.visibility, 'public'), eq(images.hidden, false), isNull(images.moderatorHiddenAt))!;
}

function hiddenBy(row: Pick<ImageRow, 'hidden' | 'moderatorHiddenAt'>): HiddenBy | null {
	return row.moderatorHiddenAt ? 'moderator' : row.hidden ? 'owner' : null;
}

function sizeText(bytes: number): string {
	return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(2)} GB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/**
 * The cache key of a public listing page. The limit is kept as given (NaN as "NaN"), so that an invalid
 * limit misses the cache and is refused instead of matching the default page.
 */
function publicListingKey(query: ImageQuery): string {
	return JSON.stringify([
		query.cursor ?? null,
		query.limit === undefined ? null : String(query.limit),
		query.style ?? null,
		query.model ?? null,
		query.rights ?? null,
		query.creator?.toLowerCase() ?? null
	]);
}

/** The columns a listing item needs: no credentials, no rights sentence. */
const SUMMARY_COLUMNS = {
	id: images.id,
	title: images.title,
	visibility: images.visibility,
	hidden: images.hidden,
	moderatorHiddenAt: images.moderatorHiddenAt,
	createdAt: images.createdAt,
	width: images.width,
	height: images.height,
	attribution: images.attribution,
	labels: images.labels,
	credentialState: images.credentialState,
	rightsLevel: images.rightsLevel,
	nonCommercial: sql<boolean>`coalesce((${images.rights} ->> 'nonCommercial')::boolean, false)`,
	modelIds: images.modelIds,
	styleIds: images.styleIds,
	username: users.username
};

function selectSummaries(db: GalleryDb) {
	return db.select(SUMMARY_COLUMNS).from(images).innerJoin(users, eq(users.id, images.ownerId));
}

type SummaryRow = Awaited<ReturnType<typeof selectSummaries>>[number];

export class GalleryRepository {
	readonly db: GalleryDb;
	readonly store: ObjectStore;
	readonly limits: UploadLimits;
	readonly listingCache: ListingCache;
	private readonly options: RepositoryOptions;

	constructor(options: RepositoryOptions) {
		this.options = options;
		this.db = options.db;
		this.store = options.store;
		this.limits = options.limits ?? DEFAULT_UPLOAD_LIMITS;
		this.listingCache = options.listingCache ?? new ListingCache();
	}

	// --------------------------------------------------------------------------------------------------
	// Accounts

	/** Makes an account; `client` names the caller (its address) for the sign-up limits. */
	async createUser(
		username: unknown,
		password: unknown,
		options: { client?: string } = {}
	): Promise<GalleryUser> {
		const problem = signupProblem(username, password);
		if (problem) throw new GalleryError(422, problem);
		if (options.client !== undefined) {
			const limits = this.options.signupLimits ?? DEFAULT_SIGNUP_LIMITS;
			const refused = (await this.withinLimit(
				`signup:client:${options.client}`,
				limits.perClient,
				limits.windowMs
			))
				? (await this.withinLimit('signup:all', limits.overall, limits.windowMs))
					? null
					: 'The server is taking no more new accounts for now; try again later.'
				: 'Too many new accounts from your address; try again later.';
			if (refused) throw new GalleryError(429, refused, { retryAfter: Math.ceil(limits.windowMs / 1000) });
		}
		const user = {
			id: randomId(),
			username: username as string,
			passwordHash: await hashPassword(password as string),
			isAdmin: false,
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
	async withinLimit(key: string, max: number, windowMs: number): Promise<boolean> {
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

	/**
	 * Checks a sign-in; `client` names the caller (its address). Failures are counted per user name and
	 * client: past the limit that pair waits, twice as long after each further failure, so a guesser is
	 * slowed to a crawl while the real user, from their own address, still gets in.
	 */
	async authenticate(username: unknown, password: unknown, client: string): Promise<GalleryUser> {
		if (typeof username === 'string' && textProblem(username, 'username')) {
			throw new GalleryError(422, 'The username contains control characters.');
		}
		if (typeof username !== 'string' || typeof password !== 'string' || username.length > 64) {
			throw new GalleryError(401, 'Wrong username or password.');
		}
		const limits = this.options.loginLimits ?? DEFAULT_LOGIN_LIMITS;
		if (!(await this.withinLimit(`login:client:${client}`, limits.perClient, limits.windowMs))) {
			throw new GalleryError(
				429,
				'Too many sign-in attempts from your address. Wait a few minutes and try again.',
				{
					retryAfter: Math.ceil(limits.windowMs / 1000)
				}
			);
		}
		// Failures of this name from this address: `window_start` is the last one, `count` how many.
		const pairKey = `login:pair:${username.toLowerCase()}:${client}`;
		const now = Date.now();
		const [failures] = await this.db.select().from(rateLimits).where(eq(rateLimits.key, pairKey));
		const fresh = failures && now - failures.windowStart.getTime() < limits.windowMs ? failures : null;
		if (fresh && fresh.count >= limits.perUsername) {
			const wait = Math.min(limits.maxBackoffMs, 1000 * 2 ** (fresh.count - limits.perUsername));
			const left = fresh.windowStart.getTime() + wait - now;
			if (left > 0) {
				throw new GalleryError(429, 'Too many sign-in attempts. Wait a little and try again.', {
					retryAfter: Math.ceil(left / 1000)
				});
			}
		}
		const [row] = await this.db
			.select()
			.from(users)
			.where(sql`lower(${users.username}) = ${username.toLowerCase()}`);
		const ok =
			password.length <= 1024 && (await verifyPassword(password, row?.passwordHash ?? (await decoyHash())));
		if (!row || !ok) {
			const at = new Date().toISOString();
			const stale = sql`${rateLimits.windowStart} < ${new Date(Date.now() - limits.windowMs).toISOString()}::timestamptz`;
			await this.db
				.insert(rateLimits)
				.values({ key: pairKey, windowStart: new Date(at), count: 1 })
				.onConflictDoUpdate({
					target: rateLimits.key,
					set: {
						count: sql`CASE WHEN ${stale} THEN 1 ELSE ${rateLimits.count} + 1 END`,
						windowStart: sql`${at}::timestamptz`
					}
				});
			throw new GalleryError(401, 'Wrong username or password.');
		}
		await this.db.delete(rateLimits).where(eq(rateLimits.key, pairKey));
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
		checkText(name, 'token name');
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
		if (!ID.test(id)) throw new GalleryError(404, 'No such token.');
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

	private get quotaBytes(): number {
		return this.options.quotaBytes ?? DEFAULT_USER_QUOTA_BYTES;
	}

	/** Bytes the user's images take in the store (originals and thumbnails). */
	private async storedBytes(db: GalleryDb, ownerId: string): Promise<number> {
		const [row] = await db
			.select({ used: sql<string>`coalesce(sum(${images.byteSize} + ${images.thumbnailSize}), 0)` })
			.from(images)
			.where(eq(images.ownerId, ownerId));
		return Number(row?.used ?? 0);
	}

	private quotaProblem(used: number, adding: number): string | null {
		if (used + adding <= this.quotaBytes) return null;
		return (
			`This upload (${sizeText(adding)}) does not fit in your storage quota: ${sizeText(used)} of ` +
			`${sizeText(this.quotaBytes)} used. Delete some of your images to make room.`
		);
	}

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
		// Before the expensive part; checked again, under a lock, when the row goes in.
		const early = this.quotaProblem(await this.storedBytes(this.db, owner.id), input.bytes.length);
		if (early) throw new GalleryError(413, early);
		let processed;
		try {
			processed = await (this.options.processUpload ?? processUpload)(input.bytes, this.limits);
		} catch (error) {
			if (error instanceof UploadError) throw new GalleryError(error.status, error.message);
			throw error;
		}
		const { result, truncated } = processed.verified;
		const thumbnail = processed.thumbnail;
		const fingerprint = fingerprintUpload(processed.fingerprint, result);
		const parent = await this.findParent(result, owner.id);
		const recorded = recordCredentials(
			result,
			this.options.catalog,
			parent ? { level: asVerdictLevel(parent.rightsLevel) } : null,
			truncated
		);
		const people = checkPeople(processed.faces, recorded.claimedPeople);
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
			moderatorHiddenAt: null,
			moderatorHiddenBy: null,
			rightsConfirmed: input.rightsConfirmed,
			createdAt: new Date(),
			mimeType: sniffed.mimeType,
			byteSize: input.bytes.length,
			width: sniffed.width,
			height: sniffed.height,
			sha256: processed.sha256,
			instanceId: recorded.instanceId,
			objectKey: newObjectKey('originals'),
			thumbnailKey: newObjectKey('thumbnails', '.webp'),
			thumbnailSize: thumbnail.length,
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
			await this.writeImages(async (tx) => {
				// One upload at a time per owner from here to the commit, so the quota holds under concurrency.
				await tx.execute(sql`SELECT id FROM users WHERE id = ${owner.id} FOR UPDATE`);
				const full = this.quotaProblem(
					await this.storedBytes(tx, owner.id),
					row.byteSize + row.thumbnailSize
				);
				if (full) throw new GalleryError(413, full);
				await tx.insert(images).values(row);
				await tx
					.insert(imageFingerprints)
					.values(fingerprintRow(row.id, result.activeManifest ?? null, fingerprint));
			});
		} catch (error) {
			await this.deleteObjects(row);
			throw error;
		}
		return toImage(row, owner.username, row.parentId);
	}

	/**
	 * A write to images, in a transaction that announces it (every process clears its listing cache on the
	 * notice); this process's cache is cleared before the caller hears of the write.
	 */
	private async writeImages<T>(write: (tx: GalleryDb) => Promise<T>): Promise<T> {
		try {
			return await this.db.transaction(async (tx) => {
				const out = await write(tx as unknown as GalleryDb);
				await tx.execute(sql`SELECT pg_notify(${IMAGES_CHANNEL}, '')`);
				return out;
			});
		} finally {
			this.listingCache.invalidate();
		}
	}

	/** The earliest gallery image this upload names as its parent: a public one, or one of the uploader's. */
	private async findParent(result: VerifyResult, ownerId: string): Promise<ImageRow | null> {
		const ref = parentReference(result);
		if (!ref) return null;
		const matches: SQL[] = [];
		if (ref.sha256) matches.push(eq(images.sha256, ref.sha256));
		if (ref.instanceId) matches.push(eq(images.instanceId, ref.instanceId));
		const [row] = await this.db
			.select()
			.from(images)
			.where(and(or(...matches), or(eq(images.ownerId, ownerId), listedPublicly())))
			.orderBy(asc(images.createdAt), asc(images.id))
			.limit(1);
		return row ?? null;
	}

	/** The parent's id when the viewer may know of it: a public image, or one of the viewer's own. */
	private async visibleParentId(parentId: string | null, viewer: GalleryUser | null): Promise<string | null> {
		if (!parentId) return null;
		const [row] = await this.db
			.select({ id: images.id })
			.from(images)
			.where(
				and(
					eq(images.id, parentId),
					viewer ? or(eq(images.ownerId, viewer.id), listedPublicly()) : listedPublicly()
				)
			);
		return row?.id ?? null;
	}

	private async deleteObjects(row: Pick<ImageRow, 'objectKey' | 'thumbnailKey'>): Promise<void> {
		// Best effort: what is left behind, the cleanup pass deletes later.
		await Promise.allSettled([this.store.delete(row.objectKey), this.store.delete(row.thumbnailKey)]);
	}

	/** One page of summaries, in one query. */
	async listImages(query: ImageQuery, viewer: GalleryUser | null): Promise<ImagePage> {
		const limit = query.limit ?? 24;
		if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
			throw new GalleryError(400, 'limit must be a whole number from 1 to 100.');
		}
		for (const [name, value] of Object.entries({
			style: query.style,
			model: query.model,
			rights: query.rights,
			creator: query.creator
		})) {
			if (value !== undefined && (value.length > 200 || textProblem(value, name))) {
				throw new GalleryError(400, `The ${name} filter is not valid.`);
			}
		}
		const where: SQL[] = [];
		if (query.mine) {
			if (!viewer) throw new GalleryError(401, 'Sign in to see your own images.');
			where.push(eq(images.ownerId, viewer.id));
		} else {
			where.push(listedPublicly());
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
		const rows = await selectSummaries(this.db)
			.where(and(...where))
			.orderBy(desc(images.createdAt), desc(images.id))
			.limit(limit + 1);
		const page = rows.slice(0, limit);
		const last = page[page.length - 1];
		return {
			items: page.map(toSummary),
			nextCursor: rows.length > limit && last ? encodeCursor(last) : null
		};
	}

	/**
	 * A listing page as JSON. Public pages are the same for every viewer and are cached until the next
	 * write to images (here or, through the notice, in another process); a viewer's own images never are.
	 */
	async listImagesJson(query: ImageQuery, viewer: GalleryUser | null): Promise<string> {
		const load = async () => JSON.stringify(await this.listImages(query, viewer));
		if (query.mine) return load();
		return this.listingCache.get(publicListingKey(query), load);
	}

	/** The public listing page for `query` if it is cached and fresh (never loads, never a viewer's own). */
	cachedPublicListing(query: ImageQuery): string | undefined {
		return query.mine ? undefined : this.listingCache.peek(publicListingKey(query));
	}

	/** The row, if the viewer may see it: 404 otherwise (never 403: a private image does not exist to others). */
	private async visibleRow(
		id: string,
		viewer: GalleryUser | null
	): Promise<{ row: ImageRow; username: string }> {
		const found = ID.test(id)
			? (
					await this.db
						.select({ image: images, username: users.username })
						.from(images)
						.innerJoin(users, eq(users.id, images.ownerId))
						.where(eq(images.id, id))
				)[0]
			: undefined;
		if (found) {
			const row = found.image;
			const isOwner = viewer?.id === row.ownerId;
			const isAdmin = viewer?.isAdmin === true && row.visibility !== 'private';
			if (isOwner || isAdmin || (row.visibility !== 'private' && hiddenBy(row) === null)) {
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
		return toImage(row, username, await this.visibleParentId(row.parentId, viewer));
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
		const parentId = await this.visibleParentId(row.parentId, viewer);
		if (Object.keys(next).length === 0) return toImage(row, username, parentId);
		const [updated] = await this.writeImages((tx) =>
			tx.update(images).set(next).where(eq(images.id, id)).returning()
		);
		if (!updated) throw new GalleryError(404, 'No such image.');
		return toImage(updated, username, parentId);
	}

	async deleteImage(id: string, viewer: GalleryUser | null): Promise<void> {
		const { row } = await this.managedRow(id, viewer, true);
		await this.writeImages((tx) => tx.delete(images).where(eq(images.id, id)));
		await this.deleteObjects(row);
	}

	/**
	 * Hides or shows an image. The owner's hide and a moderator's are kept apart: a moderator's (who, when)
	 * can be lifted by a moderator only; an owner who is also a moderator lifts both.
	 */
	async setHidden(id: string, viewer: GalleryUser | null, hidden: boolean): Promise<GalleryImage> {
		const { row, username } = await this.managedRow(id, viewer, true);
		const moderator = viewer!.isAdmin;
		const next: Partial<ImageRow> = {};
		if (row.ownerId === viewer!.id) {
			next.hidden = hidden;
			if (!hidden && row.moderatorHiddenAt) {
				if (!moderator) {
					throw new GalleryError(403, 'A moderator hid this image; only a moderator can show it again.');
				}
				Object.assign(next, { moderatorHiddenAt: null, moderatorHiddenBy: null });
			}
		} else if (hidden) {
			if (!row.moderatorHiddenAt) {
				Object.assign(next, { moderatorHiddenAt: new Date(), moderatorHiddenBy: viewer!.id });
			}
		} else {
			Object.assign(next, { moderatorHiddenAt: null, moderatorHiddenBy: null });
		}
		const parentId = await this.visibleParentId(row.parentId, viewer);
		if (Object.keys(next).length === 0) return toImage(row, username, parentId);
		const [updated] = await this.writeImages(async (tx) => {
			// A moderator's hide acts on the open reports: they are closed (a new report may be filed).
			if (next.moderatorHiddenAt) {
				await tx
					.update(reports)
					.set({ closedAt: next.moderatorHiddenAt })
					.where(and(eq(reports.imageId, id), isNull(reports.closedAt)));
			}
			return tx.update(images).set(next).where(eq(images.id, id)).returning();
		});
		if (!updated) throw new GalleryError(404, 'No such image.');
		return toImage(updated, username, parentId);
	}

	async addReport(id: string, viewer: GalleryUser | null, reason: unknown): Promise<{ id: string }> {
		if (!viewer) throw new GalleryError(401, 'Sign in to report an image.');
		if (typeof reason !== 'string' || !reason.trim() || reason.length > MAX_REASON) {
			throw new GalleryError(422, `Say what is wrong in 1 to ${MAX_REASON} characters.`);
		}
		checkText(reason, 'reason', true);
		await this.visibleRow(id, viewer);
		const limits = this.options.reportLimits ?? DEFAULT_REPORT_LIMITS;
		if (!(await this.withinLimit(`report:user:${viewer.id}`, limits.perUser, limits.windowMs))) {
			throw new GalleryError(429, 'You have sent many reports recently; try again later.', {
				retryAfter: Math.ceil(limits.windowMs / 1000)
			});
		}
		const report = { id: randomId(), imageId: id, reporterId: viewer.id, reason, createdAt: new Date() };
		try {
			await this.db.insert(reports).values(report);
		} catch (error) {
			if (isUniqueViolation(error)) {
				throw new GalleryError(409, 'You have already reported this image; the moderators have your report.');
			}
			throw error;
		}
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
			closedAt: r.report.closedAt?.toISOString() ?? null,
			reporter: viewer!.isAdmin ? { username: r.username } : null
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
	return checkText(trimmed, 'title');
}

function checkDescription(description: string): string {
	if (description.length > MAX_DESCRIPTION) {
		throw new GalleryError(422, `The description must be at most ${MAX_DESCRIPTION} characters long.`);
	}
	return checkText(description, 'description', true);
}

function toSummary(row: SummaryRow): ImageSummary {
	return {
		id: row.id,
		title: row.title,
		visibility: row.visibility,
		hidden: hiddenBy(row) !== null,
		createdAt: row.createdAt.toISOString(),
		owner: { username: row.username },
		width: row.width,
		height: row.height,
		thumbnailUrl: `/api/images/${row.id}/thumbnail`,
		attribution: row.attribution,
		labels: row.labels,
		credentialState: row.credentialState as ImageSummary['credentialState'],
		rights: { verdict: row.rightsLevel, nonCommercial: row.nonCommercial },
		modelIds: row.modelIds,
		styleIds: row.styleIds
	};
}

/** The full image JSON; `parentId` as the viewer may see it (see visibleParentId). */
export function toImage(row: ImageRow, username: string, parentId: string | null): GalleryImage {
	const by = hiddenBy(row);
	return {
		id: row.id,
		title: row.title,
		description: row.description,
		visibility: row.visibility,
		hidden: by !== null,
		hiddenBy: by,
		createdAt: row.createdAt.toISOString(),
		owner: { username },
		mimeType: row.mimeType,
		byteSize: row.byteSize,
		width: row.width,
		height: row.height,
		originalUrl: `/api/images/${row.id}/original`,
		thumbnailUrl: `/api/images/${row.id}/thumbnail`,
		credentials: { ...row.credentials, truncated: row.credentials.truncated ?? [] },
		rights: {
			verdict: row.rights.verdict,
			label: row.rights.label,
			nonCommercial: row.rights.nonCommercial,
			reasons: row.rights.reasons ?? [],
			confirmedByOwner: row.rightsConfirmed
		},
		attribution: row.attribution,
		labels: row.labels,
		parentId,
		people: row.people
	};
}
