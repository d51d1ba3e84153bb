import { defaultCacheDir, ensureCatalog, mirrorFromEnv } from '../lib/node/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../lib/node/catalog-fs';

export async function runAssets(): Promise<number> {
	const catalog = await loadProjectCatalog();
	const cacheDir = defaultCacheDir(PROJECT_ROOT);
	const mirrorDir = mirrorFromEnv();
	const started = performance.now();
	const outcomes = await ensureCatalog(catalog, { cacheDir, mirrorDir });
	const failed = outcomes.filter((o) => o.status === 'failed');
	for (const outcome of failed) console.error(`rakkan assets: ${outcome.file.url}: ${outcome.reason}`);
	const downloaded = outcomes.filter((o) => o.status === 'downloaded').length;
	const seconds = ((performance.now() - started) / 1000).toFixed(1);
	console.log(
		`rakkan assets: ${outcomes.length - failed.length}/${outcomes.length} files verified ` +
			`(${downloaded} fetched${mirrorDir ? ' from the mirror' : ''}) in ${cacheDir} in ${seconds} s`
	);
	return failed.length ? 1 : 0;
}
