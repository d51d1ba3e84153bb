import { describe, expect, it } from 'vitest';
import { BLOB_ERRORS, MemoryBlobStore, sha256Hex } from '../../src/lib/document/blob-store';
import { IMAGE_ERRORS } from '../../src/lib/kernels/image-header';
import { solidPng } from '../helpers/editor';
import sharp from 'sharp';

describe('content-addressed blob store', () => {
	it('names an image by the sha256 of its bytes and reads its type and size from them', async () => {
		const store = new MemoryBlobStore();
		const bytes = await solidPng(7, 5, 40);
		const ref = await store.put(bytes);
		expect(ref).toEqual({ id: await sha256Hex(bytes), width: 7, height: 5, mime: 'image/png' });
		expect(ref.id).toMatch(/^[0-9a-f]{64}$/);
		expect(await store.put(new Blob([bytes as Uint8Array<ArrayBuffer>]))).toEqual(ref);
		expect(store.ids()).toEqual([ref.id]);
		expect(new Uint8Array(await (await store.get(ref.id)).arrayBuffer())).toEqual(bytes);
	});

	it('knows the sha256 of a known input', async () => {
		expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
	});

	it('a JPEG turned by EXIF orientation has the size it is shown at', async () => {
		const jpeg = await sharp({ create: { width: 8, height: 4, channels: 3, background: '#808080' } })
			.jpeg()
			.withMetadata({ orientation: 6 })
			.toBuffer();
		const ref = await new MemoryBlobStore().put(new Uint8Array(jpeg));
		expect(ref).toMatchObject({ width: 4, height: 8, mime: 'image/jpeg' });
	});

	it('refuses what is not an image and says when one is missing', async () => {
		const store = new MemoryBlobStore();
		await expect(store.put(new TextEncoder().encode('hello'))).rejects.toThrow(IMAGE_ERRORS.unsupported);
		await expect(store.get('0'.repeat(64))).rejects.toThrow(BLOB_ERRORS.missing);
		const ref = await store.put(await solidPng(2, 2));
		store.delete(ref.id);
		expect(store.has(ref.id)).toBe(false);
	});
});
