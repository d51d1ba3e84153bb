// The editor's cache of display pictures: one picture per image and variant, made once, and closed when a
// scene no longer uses it (a zoom level no longer shown), while the pictures still shown stay open.
import { describe, expect, it } from 'vitest';
import { PictureCache } from '../../src/lib/canvas/pictures';

/** A stand-in for an ImageBitmap: only close() is called on it. */
function picture(name: string) {
	const stand = {
		name,
		closed: false,
		close() {
			stand.closed = true;
		}
	};
	return stand as unknown as ImageBitmap & typeof stand;
}

describe('PictureCache', () => {
	it('makes a picture once per image and variant', async () => {
		const cache = new PictureCache();
		let made = 0;
		const make = async () => picture(`made ${++made}`);
		const used: string[] = [];
		const first = await cache.get('a', 'picture 1024', make, used);
		expect(await cache.get('a', 'picture 1024', make, used)).toBe(first);
		expect(await cache.get('a', 'picture 2048', make, used)).not.toBe(first);
		expect(made).toBe(2);
		expect(used).toEqual(['a picture 1024', 'a picture 1024', 'a picture 2048']);
	});

	it('closes the pictures a scene no longer uses and keeps the ones it shows', async () => {
		const cache = new PictureCache();
		const small = picture('small');
		const large = picture('large');
		await cache.get('a', 'picture 1024', async () => small, []);
		const used: string[] = [];
		await cache.get('a', 'picture 2048', async () => large, used);
		cache.keepOnly(used);
		await Promise.resolve();
		expect(small.closed).toBe(true);
		expect(large.closed).toBe(false);
		// A closed picture is made again when it is needed again.
		const again = picture('small again');
		expect(await cache.get('a', 'picture 1024', async () => again, [])).toBe(again);
		cache.dispose();
		await Promise.resolve();
		expect(large.closed).toBe(true);
		expect(again.closed).toBe(true);
	});
});
