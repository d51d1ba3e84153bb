// Shared by the model tests: job settings that fit a test image, and the verified-cache reader.
import { type AssetReader, DEFAULT_SETTINGS, type StylizeSettings } from '../../src/lib/engine/types';
import { defaultCacheDir, readVerified } from '../../src/lib/node/asset-cache';
import { PROJECT_ROOT } from '../../src/lib/node/catalog-fs';

/** The engine defaults for `modelId`, painting `image` at its own size (style read at 128 px). */
export function jobSettings(
	modelId: string,
	image: { width: number; height: number },
	overrides: Partial<StylizeSettings> = {}
): StylizeSettings {
	return {
		...DEFAULT_SETTINGS,
		modelId,
		styleSide: 128,
		workingSide: Math.max(image.width, image.height),
		output: { width: image.width, height: image.height },
		...overrides
	};
}

/** Reads catalog files from the verified cache, as the Node engine does. */
export const cacheReader: AssetReader = (file) => readVerified(file, defaultCacheDir(PROJECT_ROOT));
