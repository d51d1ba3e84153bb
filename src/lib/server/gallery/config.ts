// The gallery's settings, from the environment (see the README's table), and what they open: the
// database and the object store. No Vite-only imports here: the `rakkan admin` command uses it too.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from './db';
import {
	DEFAULT_LOGIN_LIMITS,
	DEFAULT_REPORT_LIMITS,
	DEFAULT_SIGNUP_LIMITS,
	DEFAULT_USER_QUOTA_BYTES
} from './repository';
import { DEFAULT_S3_PREFIX, FileObjectStore, S3ObjectStore, type ObjectStore } from './store';
import { DEFAULT_UPLOAD_LIMITS } from './uploads';

export interface GalleryConfig {
	dataDir: string;
	databaseUrl?: string;
	s3?: {
		endpoint?: string;
		bucket: string;
		region?: string;
		accessKeyId?: string;
		secretAccessKey?: string;
		prefix: string;
	};
	maxUploadBytes: number;
	maxUploadPixels: number;
	/** Wall time and worker heap one upload's verification and thumbnail may take. */
	uploadTimeMs: number;
	uploadMemoryMb: number;
	/** Uploads being processed at once in this process: per user, and in all (= upload worker threads). */
	uploadsPerUser: number;
	uploadsOverall: number;
	userQuotaBytes: number;
	loginAttemptsPerUsername: number;
	signupsPerClient: number;
	signupsPerHour: number;
	reportsPerHour: number;
	orphanGraceMs: number;
	cleanupIntervalMs: number;
}

export function positive(name: string, fallback: number): number {
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
					secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
					prefix: env.S3_PREFIX ?? DEFAULT_S3_PREFIX
				}
			: undefined,
		maxUploadBytes: positive('RAKKAN_MAX_UPLOAD_BYTES', DEFAULT_UPLOAD_LIMITS.maxBytes),
		maxUploadPixels: positive('RAKKAN_MAX_UPLOAD_PIXELS', DEFAULT_UPLOAD_LIMITS.maxPixels),
		uploadTimeMs: positive('RAKKAN_UPLOAD_TIME_LIMIT_SECONDS', 15) * 1000,
		uploadMemoryMb: positive('RAKKAN_UPLOAD_MEMORY_MB', 256),
		uploadsPerUser: Math.floor(positive('RAKKAN_UPLOADS_PER_USER', 2)),
		uploadsOverall: Math.floor(
			positive('RAKKAN_UPLOADS_CONCURRENT', Math.min(8, Math.max(2, availableParallelism())))
		),
		userQuotaBytes: positive('RAKKAN_USER_QUOTA_BYTES', DEFAULT_USER_QUOTA_BYTES),
		loginAttemptsPerUsername: positive('RAKKAN_LOGIN_ATTEMPTS', DEFAULT_LOGIN_LIMITS.perUsername),
		signupsPerClient: positive('RAKKAN_SIGNUPS_PER_CLIENT', DEFAULT_SIGNUP_LIMITS.perClient),
		signupsPerHour: positive('RAKKAN_SIGNUPS_PER_HOUR', DEFAULT_SIGNUP_LIMITS.overall),
		reportsPerHour: positive('RAKKAN_REPORTS_PER_HOUR', DEFAULT_REPORT_LIMITS.perUser),
		orphanGraceMs: positive('RAKKAN_ORPHAN_GRACE_SECONDS', 3600) * 1000,
		cleanupIntervalMs: positive('RAKKAN_CLEANUP_INTERVAL_SECONDS', 900) * 1000
	};
}

export function storeFor(config: GalleryConfig): ObjectStore {
	return config.s3 ? new S3ObjectStore(config.s3) : new FileObjectStore(path.join(config.dataDir, 'objects'));
}

/** The database settings alone (the `rakkan admin` command opens the server's database with them). */
export function databaseFor(config: Pick<GalleryConfig, 'databaseUrl' | 'dataDir'>): Promise<Database> {
	return openDatabase({ url: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'db') });
}
