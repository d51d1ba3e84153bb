// The gallery of this server process: configuration from the environment, the database (migrated on
// start), the object store and the repository, made once per process on first use, plus the periodic
// cleanup pass. Nothing here holds user state: it is connections and settings.
import { catalog } from '../../assets/bundled';
import { configFromEnv, databaseFor, storeFor, type GalleryConfig } from './config';
import type { Database } from './db';
import { ListingCache } from './listing-cache';
import { migrate } from './migrate';
import {
	DEFAULT_LOGIN_LIMITS,
	DEFAULT_REPORT_LIMITS,
	DEFAULT_SIGNUP_LIMITS,
	GalleryRepository,
	IMAGES_CHANNEL
} from './repository';
import { type ImageFingerprinter, UploadGate, workerUploadProcessor } from './upload-pool';

export { configFromEnv, type GalleryConfig } from './config';

export interface Gallery {
	config: GalleryConfig;
	database: Database;
	repository: GalleryRepository;
	/** Admission for uploads: per user and overall caps of this process. */
	uploadGate: UploadGate;
	/** An image's ISCC code, computed on an upload worker thread (for soft-binding lookups by content). */
	fingerprintImage: ImageFingerprinter;
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
	const database = await databaseFor(config);
	await migrate(database.db);
	const listingCache = new ListingCache();
	// Other processes' writes clear this one's cache; so does every (re)connection of the listener, since
	// notices may have been missed while it was down.
	await database.listen(IMAGES_CHANNEL, () => listingCache.invalidate());
	const uploads = workerUploadProcessor(config.uploadsOverall, {
		timeMs: config.uploadTimeMs,
		memoryMb: config.uploadMemoryMb
	});
	const repository = new GalleryRepository({
		db: database.db,
		store: storeFor(config),
		catalog,
		limits: { maxBytes: config.maxUploadBytes, maxPixels: config.maxUploadPixels },
		loginLimits: { ...DEFAULT_LOGIN_LIMITS, perUsername: config.loginAttemptsPerUsername },
		signupLimits: {
			...DEFAULT_SIGNUP_LIMITS,
			perClient: config.signupsPerClient,
			overall: config.signupsPerHour
		},
		reportLimits: { ...DEFAULT_REPORT_LIMITS, perUser: config.reportsPerHour },
		quotaBytes: config.userQuotaBytes,
		processUpload: uploads.process,
		listingCache,
		orphanGraceMs: config.orphanGraceMs
	});
	const uploadGate = new UploadGate({ perUser: config.uploadsPerUser, overall: config.uploadsOverall });
	const sweep = () =>
		repository.cleanup().then(
			(deleted) => {
				if (deleted.length) console.log(`gallery: deleted ${deleted.length} orphaned object(s)`);
			},
			(error: unknown) => console.error('gallery: the cleanup pass failed', error)
		);
	void sweep();
	setInterval(() => void sweep(), config.cleanupIntervalMs).unref();
	return { config, database, repository, uploadGate, fingerprintImage: uploads.fingerprint };
}
