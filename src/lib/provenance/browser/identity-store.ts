// The studio's signing identity, kept in this browser: a local root and signing certificate with a
// non-extractable private key, stored in IndexedDB (CryptoKeys survive structured cloning there, and
// the key can never be read out). Made on first export; a new display name makes a new identity.
import { createLocalIdentity, derToPem, type LocalIdentity } from '../c2pa/certificates';

const DB_NAME = 'rakkan-identity';
const STORE = 'identity';
const KEY = 'local';

function request<T>(req: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
	});
}

async function open(): Promise<IDBDatabase> {
	const req = indexedDB.open(DB_NAME, 1);
	req.onupgradeneeded = () => req.result.createObjectStore(STORE);
	return request(req);
}

export async function loadIdentity(): Promise<LocalIdentity | null> {
	const db = await open();
	try {
		return (
			((await request(db.transaction(STORE).objectStore(STORE).get(KEY))) as LocalIdentity | undefined) ??
			null
		);
	} finally {
		db.close();
	}
}

async function save(identity: LocalIdentity): Promise<void> {
	const db = await open();
	try {
		const tx = db.transaction(STORE, 'readwrite');
		tx.objectStore(STORE).put(identity, KEY);
		await new Promise<void>((resolve, reject) => {
			tx.oncomplete = () => resolve();
			tx.onerror = () => reject(tx.error ?? new Error('could not save the signing identity'));
			tx.onabort = () => reject(tx.error ?? new Error('could not save the signing identity'));
		});
	} finally {
		db.close();
	}
}

/** The identity for `displayName`: the stored one, or a new one (saved) when there is none or the name changed. */
export async function identityFor(displayName: string): Promise<LocalIdentity> {
	const stored = await loadIdentity();
	if (stored && stored.displayName === displayName.trim()) return stored;
	const identity = await createLocalIdentity(displayName, { extractable: false });
	await save(identity);
	return identity;
}

export function rootPem(identity: LocalIdentity): string {
	return derToPem(identity.root);
}
