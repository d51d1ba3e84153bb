// Where a catalog file lives: the same relative path in the upstream address, the mirror and the cache.
const RAW_PREFIX = /^https:\/\/raw\.githubusercontent\.com\//;

/** `<owner>/<repo>/<commit>/<path>` for a raw upstream address; the cache and mirror use this layout. */
export function relativeAssetPath(url: string): string {
	if (!RAW_PREFIX.test(url)) throw new Error(`not a raw repository address: ${url}`);
	const rel = decodeURIComponent(url.replace(RAW_PREFIX, ''));
	if (rel.split('/').some((part) => part === '..' || part === '.' || part === '')) {
		throw new Error(`unsafe asset path in ${url}`);
	}
	return rel;
}

/** The studio's own URL for a cached asset: it never fetches weights from third-party hosts. */
export function servedAssetUrl(url: string): string {
	return `/assets/${relativeAssetPath(url).split('/').map(encodeURIComponent).join('/')}`;
}
