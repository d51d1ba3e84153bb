// The gallery of this server process: configuration from the environment, the database (migrated on
// start), the object store and the repository, made once per process on first use, plus the periodic
// cleanup pass. Nothing here holds user state: it is connections and settings.
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { catalog } from '../../assets/bundled';
import { migrate, openDatabase, type Database } from './db';
import { DEFAULT_LOGIN_LIMITS, GalleryRepository } from './repository';
import { users } from './schema';
import { FileObjectStore, S3ObjectStore, type ObjectStore } from './store';
import { DEFAULT_UPLOAD_LIMITS } from './uploads';
import type { FaceScan } from '../../engine/faces';
import type { FaceDetector } from '../../engine/model';
import { defaultCacheDir } from '../../node/asset-cache';
import { detectFaces, loadFaceDetector, pixelsForDetection } from '../../node/faces';

export interface GalleryConfig {
	dataDir: string;
	databaseUrl?: string;
	s3?: { endpoint?: string; bucket: string; region?: string; accessKeyId?: string; secretAccessKey?: string };
	maxUploadBytes: number;
	maxUploadPixels: number;
	loginAttemptsPerUsername: number;
	orphanGraceMs: number;
	cleanupIntervalMs: number;
	/** Usernames with moderator rights (lower case). */
	admins: string[];
}

function positive(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value <= 0)
		throw new Error(`${name} must be a positive number, got "${raw}"`);
	return value;
}

export function configFromEnv(): GalleryConfig {
	const env = process.env;
	return {
		dataDir: path.resolve(env.RAKKAN_DATA_DIR || 'data'),
		databaseUrl: env.DATABASE_URL || undefined,
		s3: env.S3_BUCKET
			? {
					endpoint: env.S3_ENDPOINT || undefined,
					bucket: env.S3_BUCKET,
					region: env.S3_REGION || undefined,
					accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
					secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined
				}
			: undefined,
		maxUploadBytes: positive('RAKKAN_MAX_UPLOAD_BYTES', DEFAULT_UPLOAD_LIMITS.maxBytes),
		maxUploadPixels: positive('RAKKAN_MAX_UPLOAD_PIXELS', DEFAULT_UPLOAD_LIMITS.maxPixels),
		loginAttemptsPerUsername: positive('RAKKAN_LOGIN_ATTEMPTS', DEFAULT_LOGIN_LIMITS.perUsername),
		orphanGraceMs: positive('RAKKAN_ORPHAN_GRACE_SECONDS', 3600) * 1000,
		cleanupIntervalMs: positive('RAKKAN_CLEANUP_INTERVAL_SECONDS', 900) * 1000,
		admins: (env.RAKKAN_ADMINS ?? '')
			.split(',')
			.map((name) => name.trim().toLowerCase())
			.filter(Boolean)
	};
}

export function storeFor(config: GalleryConfig): ObjectStore {
	return config.s3 ? new S3ObjectStore(config.s3) : new FileObjectStore(path.join(config.dataDir, 'objects'));
}

/**
 * The gallery's face check: the same detector as the studio and the CLI, loaded once per process on the
 * first upload. When it cannot load, or an image cannot be decoded for it, the answer is null: the image
 * records that its faces were not checked.
 */
function serverFaceFinder(pixelLimit: number): (bytes: Uint8Array) => Promise<FaceScan | null> {
	let loading: Promise<FaceDetector | null> | undefined;
	return async (bytes) => {
		// The asset cache of the folder the server runs in, as the asset route reads it.
		loading ??= loadFaceDetector(catalog, defaultCacheDir()).catch((error: unknown) => {
			console.error('gallery: the face detector could not load; faces are not checked', error);
			return null;
		});
		const detector = await loading;
		if (!detector) return null;
		try {
			return await detectFaces(detector, await pixelsForDetection(bytes, pixelLimit));
		} catch (error) {
			console.error('gallery: faces could not be checked in an upload', error);
			return null;
		}
	};
}

export interface Gallery {
	config: GalleryConfig;
	database: Database;
	repository: GalleryRepository;
}

let opening: Promise<Gallery> | undefined;

/** The process's gallery, opened (and migrated) on first call. */
export function gallery(): Promise<Gallery> {
	opening ??= openGallery(configFromEnv()).catch((error: unknown) => {
		opening = undefined;
		throw error;
	});
	return opening;
}

async function openGallery(config: GalleryConfig): Promise<Gallery> {
	const database = await openDatabase({
		url: config.databaseUrl,
		pgliteDir: path.join(config.dataDir, 'db')
	});
	await migrate(database.db);
	if (config.admins.length > 0) {
		await database.db
			.update(users)
			.set({ isAdmin: true })
			.where(sql`lower(${users.username}) IN ${config.admins}`);
	}
	const repository = new GalleryRepository({
		db: database.db,
		store: storeFor(config),
		catalog,
		limits: { maxBytes: config.maxUploadBytes, maxPixels: config.maxUploadPixels },
		loginLimits: { ...DEFAULT_LOGIN_LIMITS, perUsername: config.loginAttemptsPerUsername },
		orphanGraceMs: config.orphanGraceMs,
		findFaces: serverFaceFinder(config.maxUploadPixels)
	});
	const sweep = () =>
		repository.cleanup().then(
			(deleted) => {
				if (deleted.length) console.log(`gallery: deleted ${deleted.length} orphaned object(s)`);
			},
			(error: unknown) => console.error('gallery: the cleanup pass failed', error)
		);
	void sweep();
	setInterval(() => void sweep(), config.cleanupIntervalMs).unref();
	return { config, database, repository };
}
