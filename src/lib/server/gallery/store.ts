// Where the image bytes live: a folder of the data directory, or any S3-compatible bucket. Keys are made
// by the server (never from a file name); the filesystem store writes through a temporary file and a
// rename, so a reader sees a whole object or none. In a bucket, everything lives under a key prefix
// (`rakkan/` by default), and listing (hence the cleanup pass) never looks outside it: a bucket may be
// shared with other applications.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
	DeleteObjectCommand,
	GetObjectCommand,
	ListObjectsV2Command,
	NoSuchKey,
	PutObjectCommand,
	S3Client
} from '@aws-sdk/client-s3';

export interface StoredObject {
	key: string;
	lastModified: Date;
}

export interface ObjectStore {
	put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
	/** The bytes, or null when there is no such object. */
	get(key: string): Promise<Uint8Array | null>;
	/** Deleting a missing object is not an error. */
	delete(key: string): Promise<void>;
	list(): AsyncIterable<StoredObject>;
}

/** Keys are `<folder>/<uuid>[.ext]`: checked on every call, so no key can climb out of the store. */
const KEY = /^[a-z]+\/[0-9a-f-]{36}(\.[a-z]+)?$/;

function checkKey(key: string): string {
	if (!KEY.test(key)) throw new Error(`not an object key the gallery makes: ${key}`);
	return key;
}

export function newObjectKey(folder: 'originals' | 'thumbnails', ext = ''): string {
	return `${folder}/${randomUUID()}${ext}`;
}

const TEMP_DIR = '.tmp';

export class FileObjectStore implements ObjectStore {
	constructor(readonly root: string) {}

	private file(key: string): string {
		return path.join(this.root, ...checkKey(key).split('/'));
	}

	async put(key: string, bytes: Uint8Array): Promise<void> {
		const target = this.file(key);
		const temp = path.join(this.root, TEMP_DIR, randomUUID());
		await mkdir(path.dirname(temp), { recursive: true });
		await mkdir(path.dirname(target), { recursive: true });
		await writeFile(temp, bytes);
		try {
			await rename(temp, target);
		} catch (error) {
			await rm(temp, { force: true });
			throw error;
		}
	}

	async get(key: string): Promise<Uint8Array | null> {
		try {
			return new Uint8Array(await readFile(this.file(key)));
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw error;
		}
	}

	async delete(key: string): Promise<void> {
		await rm(this.file(key), { force: true });
	}

	async *list(): AsyncIterable<StoredObject> {
		let folders: string[];
		try {
			folders = await readdir(this.root);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
			throw error;
		}
		for (const folder of folders) {
			if (folder === TEMP_DIR) continue;
			let names: string[];
			try {
				names = await readdir(path.join(this.root, folder));
			} catch {
				continue; // not a folder
			}
			for (const name of names) {
				const key = `${folder}/${name}`;
				if (!KEY.test(key)) continue;
				try {
					yield { key, lastModified: (await stat(this.file(key))).mtime };
				} catch {
					// deleted while listing
				}
			}
		}
	}
}

export interface S3Options {
	endpoint?: string;
	bucket: string;
	region?: string;
	accessKeyId?: string;
	secretAccessKey?: string;
	/** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible servers want. */
	forcePathStyle?: boolean;
	/** Every key the gallery writes, reads, lists or deletes starts with this (default `rakkan/`). */
	prefix?: string;
}

export const DEFAULT_S3_PREFIX = 'rakkan/';

/** A prefix is empty or ends with "/", in characters S3 keys allow without escaping. */
export function checkS3Prefix(prefix: string): string {
	if (prefix !== '' && !/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/.test(prefix)) {
		throw new Error(`S3_PREFIX must be empty or like "rakkan/" (ending with "/"), got "${prefix}"`);
	}
	return prefix;
}

export class S3ObjectStore implements ObjectStore {
	private readonly client: S3Client;
	readonly bucket: string;
	readonly prefix: string;

	constructor(options: S3Options) {
		this.bucket = options.bucket;
		this.prefix = checkS3Prefix(options.prefix ?? DEFAULT_S3_PREFIX);
		this.client = new S3Client({
			endpoint: options.endpoint,
			region: options.region ?? 'us-east-1',
			forcePathStyle: options.forcePathStyle ?? true,
			credentials:
				options.accessKeyId && options.secretAccessKey
					? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
					: undefined
		});
	}

	/** The bucket key of a gallery key. */
	private at(key: string): string {
		return this.prefix + checkKey(key);
	}

	async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
		await this.client.send(
			new PutObjectCommand({ Bucket: this.bucket, Key: this.at(key), Body: bytes, ContentType: contentType })
		);
	}

	async get(key: string): Promise<Uint8Array | null> {
		try {
			const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.at(key) }));
			return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
		} catch (error) {
			if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
			throw error;
		}
	}

	async delete(key: string): Promise<void> {
		await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.at(key) }));
	}

	async *list(): AsyncIterable<StoredObject> {
		let token: string | undefined;
		do {
			const page = await this.client.send(
				new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token })
			);
			for (const item of page.Contents ?? []) {
				// The prefix is checked again: only the gallery's own keys are ever handed to the cleanup.
				const key = item.Key?.startsWith(this.prefix) ? item.Key.slice(this.prefix.length) : null;
				if (key && KEY.test(key)) yield { key, lastModified: item.LastModified ?? new Date(0) };
			}
			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (token);
	}

	destroy(): void {
		this.client.destroy();
	}
}
