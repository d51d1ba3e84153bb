import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUTOSAVE_ERRORS, Autosave, AutosaveError, StorageFullError } from '../../src/lib/document/autosave';
import { BLOB_ERRORS, MemoryBlobStore } from '../../src/lib/document/blob-store';
import { createDocument, editMask, setOpacity } from '../../src/lib/document/document';
import { applyChange, createProject, referencedImages } from '../../src/lib/document/history';
import type { PictureStatements, Project } from '../../src/lib/document/types';
import { photoProject, storedPng } from '../helpers/editor';

let autosave: Autosave;
let dbCount = 0;

/** A fresh database per test, so tests do not see each other's saves. */
function freshAutosave(): Autosave {
	autosave = new Autosave(indexedDB, `rakkan-editor-test-${++dbCount}`);
	return autosave;
}

afterEach(() => {
	vi.restoreAllMocks();
	autosave.close();
});

async function bytesOf(blob: Blob): Promise<Uint8Array> {
	return new Uint8Array(await blob.arrayBuffer());
}

async function storedBlobCount(name: string): Promise<number> {
	const db = await new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(name);
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
	const count = await new Promise<number>((resolve, reject) => {
		const request = db.transaction('blobs').objectStore('blobs').count();
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
	db.close();
	return count;
}

/** A saved photo project, and the same project with a filled region (not saved yet). */
async function savedAndMasked() {
	const store = freshAutosave();
	const { project, store: blobs, photo } = await photoProject();
	await store.saveProject(project, blobs);
	const region = await storedPng(blobs, 40, 30, 255);
	const masked = applyChange(
		project,
		editMask(project.document, { kind: 'region' }, { kind: 'fill' }, region)
	);
	return { store, project, blobs, photo, masked };
}

/** Makes `put` into the named object store do `instead`; puts into the other store go through. */
function replacePut(
	storeName: string,
	instead: (store: IDBObjectStore, value: unknown, key?: IDBValidKey) => IDBRequest<IDBValidKey>
): void {
	const put = IDBObjectStore.prototype.put;
	vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value, key) {
		return this.name === storeName ? instead(this, value, key) : put.call(this, value, key);
	});
}

describe('autosave to IndexedDB', () => {
	it('has nothing to load at first', async () => {
		expect(await freshAutosave().loadLatestProject()).toBeNull();
	});

	it('brings back the same project, history and image bytes', async () => {
		const store = freshAutosave();
		const { project, store: blobs, photo } = await photoProject();
		const changed = applyChange(project, setOpacity(project.document, photo.id, 0.3));
		await store.saveProject(changed, blobs);
		const loaded = await store.loadLatestProject();
		expect(loaded?.project).toEqual(changed);
		for (const id of referencedImages(changed).keys()) {
			expect(await bytesOf(loaded!.blobs.get(id)!)).toEqual(await bytesOf(await blobs.get(id)));
		}
	});

	it('loads the most recently saved project', async () => {
		const store = freshAutosave();
		const first = await photoProject(new Date('2026-01-01T00:00:00.000Z'));
		const second = await photoProject(new Date('2026-02-01T00:00:00.000Z'));
		await store.saveProject(second.project, second.store);
		await store.saveProject(first.project, first.store);
		expect((await store.loadLatestProject())?.project.id).toBe(second.project.id);
	});

	it('keeps only the images some saved project refers to', async () => {
		const store = freshAutosave();
		const { project, store: blobs } = await photoProject();
		const region = await storedPng(blobs, 40, 30, 255);
		const masked = applyChange(
			project,
			editMask(project.document, { kind: 'region' }, { kind: 'fill' }, region)
		);
		await store.saveProject(masked, blobs);
		expect(await storedBlobCount(`rakkan-editor-test-${dbCount}`)).toBe(2);
		// A project whose history never had the region (a new document under the same id) frees it.
		await store.saveProject({ ...project, updatedAt: new Date().toISOString() }, blobs);
		expect(await storedBlobCount(`rakkan-editor-test-${dbCount}`)).toBe(1);
		await store.deleteProject(project.id);
		expect(await storedBlobCount(`rakkan-editor-test-${dbCount}`)).toBe(0);
		expect(await store.loadLatestProject()).toBeNull();
	});

	it('storage full: a clear StorageFullError, and the previous save intact', async () => {
		const { store, project, blobs, photo, masked } = await savedAndMasked();
		replacePut('blobs', () => {
			throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
		});
		const failure = store.saveProject(masked, blobs);
		await expect(failure).rejects.toBeInstanceOf(StorageFullError);
		await expect(failure).rejects.toThrow(AUTOSAVE_ERRORS.full);
		vi.restoreAllMocks();

		const loaded = await store.loadLatestProject();
		expect(loaded?.project).toEqual(project);
		expect(await bytesOf(loaded!.blobs.get(photo.image.id)!)).toEqual(
			await bytesOf(await blobs.get(photo.image.id))
		);
		// The open document is still whole and saves once there is room.
		await store.saveProject(masked, blobs);
		expect((await store.loadLatestProject())?.project).toEqual(masked);
	});

	it('any other write failure: an AutosaveError, and the previous save intact', async () => {
		const { store, project, blobs, masked } = await savedAndMasked();
		replacePut('projects', () => {
			throw new DOMException('Disk I/O failed.', 'UnknownError');
		});
		const failure = store.saveProject(masked, blobs);
		await expect(failure).rejects.toBeInstanceOf(AutosaveError);
		await expect(failure).rejects.toThrow(AUTOSAVE_ERRORS.failed);
		vi.restoreAllMocks();
		expect((await store.loadLatestProject())?.project).toEqual(project);
	});

	it('a write that fails later in the transaction aborts all of it', async () => {
		const { store, project, blobs, photo, masked } = await savedAndMasked();
		// `add` of a key that exists fails asynchronously, with a ConstraintError on the request.
		replacePut('projects', (objectStore, value, key) => objectStore.add(value, key));
		await expect(store.saveProject(masked, blobs)).rejects.toThrow(AUTOSAVE_ERRORS.failed);
		vi.restoreAllMocks();
		const loaded = await store.loadLatestProject();
		expect(loaded?.project).toEqual(project);
		expect(await storedBlobCount(`rakkan-editor-test-${dbCount}`)).toBe(1);
		expect(loaded?.blobs.has(photo.image.id)).toBe(true);
	});

	it('another tab freeing an image mid-save: the save reads again and keeps it', async () => {
		const name = `rakkan-editor-test-${dbCount + 1}`;
		const store = freshAutosave();
		const otherTab = new Autosave(indexedDB, name);
		const first = await photoProject(new Date('2026-01-01T00:00:00.000Z'));
		await otherTab.saveProject(first.project, first.store);
		// A second project with the same photo and a region not stored yet.
		const second = await photoProject(new Date('2026-03-01T00:00:00.000Z'));
		const region = await storedPng(second.store, 40, 30, 255);
		const masked = applyChange(
			second.project,
			editMask(second.project.document, { kind: 'region' }, { kind: 'fill' }, region)
		);
		let interfered = false;
		const source = {
			get: async (id: string) => {
				if (!interfered) {
					interfered = true;
					// While this save fetches the region, the other tab drops the only project using the photo.
					await otherTab.deleteProject(first.project.id);
				}
				return second.store.get(id);
			}
		};
		await store.saveProject(masked, source);
		otherTab.close();
		const loaded = await store.loadLatestProject();
		expect(loaded?.project).toEqual(masked);
		expect([...loaded!.blobs.keys()].sort()).toEqual([first.photo.image.id, region.id].sort());
	});

	it('an image missing from the open document fails the save without touching the stored one', async () => {
		const store = freshAutosave();
		const { project, store: blobs } = await photoProject();
		await store.saveProject(project, blobs);
		const orphan: Project = createProject(createDocument(10, 10));
		const lost = await storedPng(new MemoryBlobStore(), 10, 10, 1);
		const broken = applyChange(orphan, editMask(orphan.document, { kind: 'region' }, { kind: 'fill' }, lost));
		await expect(store.saveProject(broken, blobs)).rejects.toThrow(BLOB_ERRORS.missing);
		expect((await store.loadLatestProject())?.project).toEqual(project);
	});

	it('without IndexedDB every call says so, and nothing throws at construction', async () => {
		const store = (autosave = new Autosave(null));
		const { project, store: blobs } = await photoProject();
		await expect(store.saveProject(project, blobs)).rejects.toThrow(AUTOSAVE_ERRORS.unavailable);
		await expect(store.loadLatestProject()).rejects.toThrow(AUTOSAVE_ERRORS.unavailable);
	});

	it('brings back what the user stated about each picture; an autosave from before them opens undeclared', async () => {
		const store = freshAutosave();
		const { project, store: blobs, photo } = await photoProject();
		const declarations: Record<string, PictureStatements> = {
			[photo.image.id]: {
				origin: 'public-domain',
				license: { name: '', allowsCommercialUse: false, allowsDerivatives: true },
				confirmed: false,
				modelRelease: 'MR-UMR',
				showsRealPerson: true
			}
		};
		await store.saveProject({ ...project, declarations }, blobs);
		expect((await store.loadLatestProject())?.project.declarations).toEqual(declarations);

		// Saved by a Rakkan that kept no statements (project version 1).
		const old = await photoProject(new Date('2026-05-01T00:00:00.000Z'));
		await store.saveProject({ ...old.project, version: 1 }, old.store);
		const loaded = await store.loadLatestProject();
		expect(loaded?.project.id).toBe(old.project.id);
		expect(loaded?.project.declarations).toBeUndefined();
	});

	it('a corrupt statement: the autosave is reported damaged and left untouched', async () => {
		const store = freshAutosave();
		const { project, store: blobs, photo } = await photoProject();
		const corrupt = {
			...project,
			declarations: { [photo.image.id]: { origin: 'mine-now', confirmed: true } }
		} as unknown as Project;
		await store.saveProject(corrupt, blobs);
		await expect(store.loadLatestProject()).rejects.toThrow(AUTOSAVE_ERRORS.damaged);
		await expect(store.loadLatestProject()).rejects.toThrow(AUTOSAVE_ERRORS.damaged);
	});

	it('clear forgets everything', async () => {
		const store = freshAutosave();
		const { project, store: blobs } = await photoProject();
		await store.saveProject(project, blobs);
		await store.clear();
		expect(await store.loadLatestProject()).toBeNull();
	});
});
