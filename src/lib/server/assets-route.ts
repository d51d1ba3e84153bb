// Serves verified catalog files from the asset cache; nothing outside the catalog is reachable.
import { error } from '@sveltejs/kit';
import { type AssetFile, catalogFiles } from '../assets/catalog';
import { catalog } from '../assets/bundled';
import { relativeAssetPath } from '../assets/paths';
import { defaultCacheDir, readVerified } from '../node/asset-cache';

const filesByPath = new Map<string, AssetFile>(
	catalogFiles(catalog).map((f) => [relativeAssetPath(f.url), f])
);

const TYPES: Record<string, string> = {
	json: 'application/json',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp'
};

export async function serveAsset(relPath: string): Promise<Response> {
	const file = filesByPath.get(relPath);
	if (!file) error(404, 'No such asset in the catalog.');
	let bytes: Uint8Array;
	try {
		bytes = await readVerified(file, defaultCacheDir());
	} catch {
		error(503, 'This asset is not in the local cache yet: run `npx rakkan assets`.');
	}
	const ext = relPath.split('.').pop()?.toLowerCase() ?? '';
	return new Response(bytes as Uint8Array<ArrayBuffer>, {
		headers: {
			'content-type': TYPES[ext] ?? 'application/octet-stream',
			'content-length': String(bytes.byteLength),
			// The path names a commit and the bytes are checked against a sha256: they never change.
			'cache-control': 'public, max-age=31536000, immutable'
		}
	});
}
