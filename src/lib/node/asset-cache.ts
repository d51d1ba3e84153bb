// The verified asset cache: downloads every catalog file once, checks size and sha256, and writes
// atomically (a temporary name renamed into place), so no half-written file ever looks complete.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type AssetFile, type Catalog, catalogFiles } from '../assets/catalog';
import { relativeAssetPath } from '../assets/paths';

export interface CacheOptions {
	/** Where verified files live, laid out as `<owner>/<repo>/<commit>/<path>`. */
	cacheDir: string;
	/** A local folder with the same layout; when set, addresses resolve there instead of upstream. */
	mirrorDir?: string;
	/** Injected for tests; the global fetch otherwise. */
	fetchImpl?: typeof fetch;
}

export type FileOutcome =
	| { file: AssetFile; status: 'verified' | 'downloaded' }
	| { file: AssetFile; status: 'failed'; reason: string };

export class AssetIntegrityError extends Error {
	override name = 'AssetIntegrityError';
}

export function defaultCacheDir(root = process.cwd()): string {
	return path.resolve(root, process.env.RAKKAN_ASSET_CACHE ?? '.cache/assets');
}

export function mirrorFromEnv(): string | undefined {
	const mirror = process.env.RAKKAN_ASSET_MIRROR;
	return mirror ? path.resolve(mirror) : undefined;
}

export function cachedPath(cacheDir: string, file: AssetFile): string {
	return path.join(cacheDir, ...relativeAssetPath(file.url).split('/'));
}

async function digestOf(filePath: string): Promise<{ sha256: string; bytes: number }> {
	const hash = createHash('sha256');
	let bytes = 0;
	for await (const chunk of createReadStream(filePath) as AsyncIterable<Buffer>) {
		hash.update(chunk);
		bytes += chunk.length;
	}
	return { sha256: hash.digest('hex'), bytes };
}

async function isVerified(filePath: string, file: AssetFile): Promise<boolean> {
	const info = await stat(filePath).catch(() => null);
	if (!info?.isFile() || info.size !== file.bytes) return false;
	return (await digestOf(filePath)).sha256 === file.sha256;
}

async function openSource(file: AssetFile, options: CacheOptions): Promise<AsyncIterable<Uint8Array>> {
	if (options.mirrorDir) {
		const local = path.join(options.mirrorDir, ...relativeAssetPath(file.url).split('/'));
		const info = await stat(local).catch(() => null);
		if (!info?.isFile()) throw new Error(`not in the mirror (${local})`);
		return createReadStream(local);
	}
	const response = await (options.fetchImpl ?? fetch)(file.url).catch((cause: Error) => {
		throw new Error(`source unreachable (${cause.message})`);
	});
	if (!response.ok || !response.body) throw new Error(`source answered HTTP ${response.status}`);
	return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
}

/** Makes one file present and verified in the cache; throws with the reason otherwise. */
export async function ensureFile(file: AssetFile, options: CacheOptions): Promise<'verified' | 'downloaded'> {
	const dest = cachedPath(options.cacheDir, file);
	if (await isVerified(dest, file)) return 'verified';
	await mkdir(path.dirname(dest), { recursive: true });
	const temp = `${dest}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
	const hash = createHash('sha256');
	let bytes = 0;
	const handle = await open(temp, 'w');
	try {
		for await (const chunk of await openSource(file, options)) {
			bytes += chunk.length;
			if (bytes > file.bytes)
				throw new AssetIntegrityError(`larger than the ${file.bytes} bytes the catalog names`);
			hash.update(chunk);
			await handle.write(chunk);
		}
		await handle.sync();
		await handle.close();
		if (bytes !== file.bytes)
			throw new AssetIntegrityError(`size ${bytes} bytes, the catalog says ${file.bytes}`);
		const sha256 = hash.digest('hex');
		if (sha256 !== file.sha256)
			throw new AssetIntegrityError(`sha256 mismatch: got ${sha256}, expected ${file.sha256}`);
		await rename(temp, dest);
		return 'downloaded';
	} catch (error) {
		await handle.close().catch(() => undefined);
		await rm(temp, { force: true });
		throw error;
	}
}

/** Every file of the catalog, a few at a time; never throws, reports each file's outcome. */
export async function ensureCatalog(
	catalog: Catalog,
	options: CacheOptions,
	concurrency = 4
): Promise<FileOutcome[]> {
	const files = catalogFiles(catalog);
	const outcomes: FileOutcome[] = new Array<FileOutcome>(files.length);
	let next = 0;
	const work = async () => {
		while (next < files.length) {
			const index = next++;
			const file = files[index] as AssetFile;
			try {
				outcomes[index] = { file, status: await ensureFile(file, options) };
			} catch (error) {
				outcomes[index] = { file, status: 'failed', reason: (error as Error).message };
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, work));
	return outcomes;
}

/** Reads a cached file, re-checking its digest so a damaged cache never feeds a model. */
export async function readVerified(file: AssetFile, cacheDir: string): Promise<Uint8Array> {
	const bytes = await readFile(cachedPath(cacheDir, file)).catch(() => {
		throw new AssetIntegrityError(`${file.url} is not in the asset cache; run \`npx rakkan assets\``);
	});
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	if (sha256 !== file.sha256) {
		throw new AssetIntegrityError(`${file.url} failed its sha256 check; run \`npx rakkan assets\` again`);
	}
	return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
