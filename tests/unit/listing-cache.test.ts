// The gallery's cache of public listing pages: one load per page however many ask, nothing from before
// a write after it.
import { describe, expect, it } from 'vitest';
import { ListingCache } from '../../src/lib/server/gallery/listing-cache';

function deferred() {
	let resolve!: (json: string) => void;
	const promise = new Promise<string>((r) => (resolve = r));
	return { promise, resolve };
}

describe('ListingCache', () => {
	it('loads a page once for every request that asks while it loads, then answers from memory', async () => {
		const cache = new ListingCache();
		const pending = deferred();
		let loads = 0;
		const load = () => {
			loads += 1;
			return pending.promise;
		};
		const answers = Array.from({ length: 50 }, () => cache.get('page', load));
		pending.resolve('[1]');
		expect(await Promise.all(answers)).toEqual(Array(50).fill('[1]'));
		expect(loads).toBe(1);
		expect(cache.peek('page')).toBe('[1]');
	});

	it('never gives a request after a write a page loaded before it', async () => {
		const cache = new ListingCache();
		const before = deferred();
		const first = cache.get('page', () => before.promise);
		cache.invalidate();
		const second = cache.get('page', () => Promise.resolve('[after]'));
		before.resolve('[before]');
		expect(await first).toBe('[before]');
		expect(await second).toBe('[after]');
		expect(cache.peek('page')).toBe('[after]');
	});

	it('does not keep a failed load', async () => {
		const cache = new ListingCache();
		await expect(cache.get('page', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
		expect(await cache.get('page', () => Promise.resolve('[ok]'))).toBe('[ok]');
	});
});
