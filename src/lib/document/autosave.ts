// Autosave to IndexedDB: the project as JSON in `projects`, its images as Blobs in `blobs` keyed by sha256.
// A save is one transaction (the project and its missing blobs, then blobs no saved project refers to are
// deleted), so a failed save (storage full, or anything else) aborts as a whole and leaves the previous save
// exactly as it was; the open document is untouched, since saving only reads it.
import { type BlobSource, MissingBlobError } from './blob-store';
import { referencedImages } from './history';
import { parseProject, ProjectFileError } from './project';
import type { Project } from './types';

export const AUTOSAVE_DB = 'rakkan-editor';
const DB_VERSION = 1;
const PROJECTS = 'projects';
const BLOBS = 'blobs';
/** Saves retried when another tab changed the stored blobs between our read and our write. */
const SAVE_ATTEMPTS = 3;

export const AUTOSAVE_ERRORS = {
	full: 'Browser storage is full: your work is still open; save it as a .rakkan file or free space.',
	failed:
		'The document could not be saved in this browser: your work is still open; save it as a .rakkan file.',
	unavailable:
		'This browser cannot keep documents (IndexedDB is not available); save your work as a .rakkan file.',
	damaged: 'The autosaved document could not be read back; it was left in storage untouched.'
} as const;

export class AutosaveError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'AutosaveError';
	}
}

/** The save did not fit in the browser's storage quota. */
export class StorageFullError extends AutosaveError {
	constructor(options?: { cause?: unknown }) {
		super(AUTOSAVE_ERRORS.full, options);
		this.name = 'StorageFullError';
	}
}

interface StoredProject {
	id: string;
	updatedAt: string;
	/** The project as JSON: plain data whatever proxies the caller holds it in. */
	json: string;
	/** Every image the project refers to, so cleaning up does not parse every stored project. */
	imageIds: string[];
}

function isQuotaError(error: unknown): boolean {
	return error instanceof DOMException && (error.name === 'QuotaExceededError' || error.code === 22);
}

function writeError(error: unknown): AutosaveError {
	return isQuotaError(error)
		? new StorageFullError({ cause: error })
		: new AutosaveError(AUTOSAVE_ERRORS.failed, { cause: error });
}

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
}

/** Resolves when the transaction commits; rejects with its error when it aborts. */
function completion(tx: IDBTransaction): Promise<void> {
	return new Promise((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onabort = () => reject(tx.error ?? new DOMException('The save was aborted.', 'AbortError'));
	});
}

/** Deletes the blobs that none of the stored projects refers to (inside the caller's transaction). */
function deleteUnreferenced(blobStore: IDBObjectStore, keys: IDBValidKey[], stored: StoredProject[]): void {
	const kept = new Set<string>();
	for (const record of stored) for (const id of record.imageIds) kept.add(id);
	for (const key of keys) if (!kept.has(String(key))) blobStore.delete(key);
}

/** Another tab deleted a blob we counted on: read again and retry. */
class StaleReadError extends Error {}

export class Autosave {
	readonly #factory: IDBFactory | null;
	readonly #name: string;
	#db: Promise<IDBDatabase> | null = null;

	/** Without IndexedDB (a server render, a locked-down browser) every call fails with `unavailable`. */
	constructor(factory: IDBFactory | null = globalThis.indexedDB ?? null, name = AUTOSAVE_DB) {
		this.#factory = factory;
		this.#name = name;
	}

	#open(): Promise<IDBDatabase> {
		const factory = this.#factory;
		if (!factory) return Promise.reject(new AutosaveError(AUTOSAVE_ERRORS.unavailable));
		this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
			const request = factory.open(this.#name, DB_VERSION);
			request.onupgradeneeded = () => {
				const db = request.result;
				if (!db.objectStoreNames.contains(PROJECTS)) db.createObjectStore(PROJECTS, { keyPath: 'id' });
				if (!db.objectStoreNames.contains(BLOBS)) db.createObjectStore(BLOBS);
			};
			request.onsuccess = () => resolve(request.result);
			request.onerror = () =>
				reject(new AutosaveError(AUTOSAVE_ERRORS.unavailable, { cause: request.error }));
		}).catch((error: unknown) => {
			this.#db = null;
			throw error;
		});
		return this.#db;
	}

	/**
	 * Saves the project and every image it refers to (read from `blobs`; only those not stored yet).
	 * Throws StorageFullError or AutosaveError; the previous save then stays as it was.
	 */
	async saveProject(project: Project, blobs: BlobSource): Promise<void> {
		const db = await this.#open();
		const needed = [...referencedImages(project).keys()];
		const record: StoredProject = {
			id: project.id,
			updatedAt: project.updatedAt,
			json: JSON.stringify(project),
			imageIds: needed
		};
		for (let attempt = 1; ; attempt++) {
			const stored = new Set(await this.#blobKeys(db));
			const missing = new Map<string, Blob>();
			for (const id of needed) if (!stored.has(id)) missing.set(id, await blobs.get(id));
			try {
				await this.#write(db, record, needed, missing);
				return;
			} catch (error) {
				if (error instanceof MissingBlobError) throw error;
				if (!(error instanceof StaleReadError) || attempt >= SAVE_ATTEMPTS) throw writeError(error);
			}
		}
	}

	async #blobKeys(db: IDBDatabase): Promise<IDBValidKey[]> {
		return requestResult(db.transaction(BLOBS, 'readonly').objectStore(BLOBS).getAllKeys());
	}

	#write(
		db: IDBDatabase,
		record: StoredProject,
		needed: string[],
		missing: Map<string, Blob>
	): Promise<void> {
		let tx: IDBTransaction;
		try {
			tx = db.transaction([PROJECTS, BLOBS], 'readwrite');
		} catch (error) {
			return Promise.reject(error);
		}
		const done = completion(tx);
		let stale = false;
		try {
			const projects = tx.objectStore(PROJECTS);
			const blobStore = tx.objectStore(BLOBS);
			projects.put(record);
			for (const [id, blob] of missing) blobStore.put(blob, id);
			const keysRequest = blobStore.getAllKeys();
			const projectsRequest = projects.getAll();
			projectsRequest.onsuccess = () => {
				const keys = new Set(keysRequest.result.map(String));
				if (needed.some((id) => !keys.has(id))) {
					stale = true;
					tx.abort();
					return;
				}
				deleteUnreferenced(blobStore, keysRequest.result, projectsRequest.result as StoredProject[]);
			};
		} catch (error) {
			// A put can throw at once (e.g. DataCloneError, quota in some browsers): undo the whole save.
			tx.abort();
			return done.then(
				() => Promise.reject(error),
				() => Promise.reject(error)
			);
		}
		return done.catch((error: unknown) => {
			throw stale ? new StaleReadError() : error;
		});
	}

	/** The most recently saved project with its images, or null when nothing is saved. */
	async loadLatestProject(): Promise<{ project: Project; blobs: Map<string, Blob> } | null> {
		const db = await this.#open();
		const tx = db.transaction([PROJECTS, BLOBS], 'readonly');
		const records = await requestResult(tx.objectStore(PROJECTS).getAll() as IDBRequest<StoredProject[]>);
		if (records.length === 0) return null;
		const latest = records.reduce((a, b) => (b.updatedAt > a.updatedAt ? b : a));
		let project: Project;
		try {
			project = parseProject(JSON.parse(latest.json));
		} catch (error) {
			if (error instanceof ProjectFileError || error instanceof SyntaxError) {
				throw new AutosaveError(AUTOSAVE_ERRORS.damaged, { cause: error });
			}
			throw error;
		}
		const store = tx.objectStore(BLOBS);
		const blobs = new Map<string, Blob>();
		const ids = [...referencedImages(project).keys()];
		const found = await Promise.all(
			ids.map((id) => requestResult(store.get(id) as IDBRequest<Blob | undefined>))
		);
		ids.forEach((id, i) => {
			const blob = found[i];
			if (!(blob instanceof Blob))
				throw new AutosaveError(AUTOSAVE_ERRORS.damaged, { cause: new MissingBlobError(id) });
			blobs.set(id, blob);
		});
		return { project, blobs };
	}

	/** Forgets one saved project and the images only it used. */
	async deleteProject(id: string): Promise<void> {
		const db = await this.#open();
		const tx = db.transaction([PROJECTS, BLOBS], 'readwrite');
		const done = completion(tx);
		const projects = tx.objectStore(PROJECTS);
		const blobStore = tx.objectStore(BLOBS);
		projects.delete(id);
		const keysRequest = blobStore.getAllKeys();
		const projectsRequest = projects.getAll();
		projectsRequest.onsuccess = () => {
			deleteUnreferenced(blobStore, keysRequest.result, projectsRequest.result as StoredProject[]);
		};
		await done;
	}

	/** Forgets every saved project and image. */
	async clear(): Promise<void> {
		const db = await this.#open();
		const tx = db.transaction([PROJECTS, BLOBS], 'readwrite');
		const done = completion(tx);
		tx.objectStore(PROJECTS).clear();
		tx.objectStore(BLOBS).clear();
		await done;
	}

	close(): void {
		void this.#db?.then((db) => db.close()).catch(() => undefined);
		this.#db = null;
	}
}
