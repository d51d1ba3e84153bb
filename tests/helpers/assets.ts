// Third-party test photos come like every other asset: named by upstream address and sha256 in
// tests/fixtures/photos.json, fetched (or taken from RAKKAN_ASSET_MIRROR) and verified into the cache.
import path from 'node:path';
import type { AssetFile } from '../../src/lib/assets/catalog';
import { cachedPath, defaultCacheDir, ensureFile, mirrorFromEnv } from '../../src/lib/node/asset-cache';
import { PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import photos from '../fixtures/photos.json' with { type: 'json' };
import vectors from '../fixtures/vectors.json' with { type: 'json' };

export type PhotoId = keyof typeof photos;

/** The local path of a third-party test file named by address and sha256, fetched and verified. */
export async function verifiedPath(file: AssetFile): Promise<string> {
	const options = { cacheDir: defaultCacheDir(PROJECT_ROOT), mirrorDir: mirrorFromEnv() };
	await ensureFile(file, options);
	return cachedPath(options.cacheDir, file);
}

/** The local path of a verified test photo (astronaut, chelsea, coffee, rocket). */
export function photoPath(id: PhotoId): Promise<string> {
	return verifiedPath(photos[id]);
}

/** The local path of a verified third-party test-vector file (iscc-core's conformance data). */
export function vectorPath(id: keyof typeof vectors): Promise<string> {
	return verifiedPath(vectors[id]);
}

export const CLI = path.join(PROJECT_ROOT, 'bin', 'rakkan.js');
