// The gallery pages' pure glue: filters in the address, the remix file's name, safe return paths.
import { describe, expect, it } from 'vitest';
import { safeNext } from '../../src/lib/gallery/api';
import { filterQuery, readFilters } from '../../src/lib/gallery/filters';
import { remixFileName } from '../../src/lib/gallery/remix';

describe('gallery filters', () => {
	it('keeps the set filters, trimmed, and drops blank ones and unknown keys', () => {
		const params = new URLSearchParams(
			'style=rembrandt-night-watch&model=&rights=%20non-commercial-only%20&x=1'
		);
		expect(readFilters(params)).toEqual({ style: 'rembrandt-night-watch', rights: 'non-commercial-only' });
	});

	it('writes the filters and the cursor for the next page, escaped', () => {
		const query = filterQuery({ creator: 'a&b', model: 'manga-ink' }, { cursor: 'c/1=', limit: '5' });
		expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
			creator: 'a&b',
			model: 'manga-ink',
			limit: '5',
			cursor: 'c/1='
		});
		expect(filterQuery({})).toBe('');
	});
});

describe('remix file name', () => {
	it('is the title without path or control characters, with the type’s extension', () => {
		expect(remixFileName({ id: 'x', title: '../a/b:c\u0000 d', mimeType: 'image/jpeg' })).toBe(
			'.. a b c d.jpg'
		);
		expect(remixFileName({ id: 'img1', title: ' / ', mimeType: 'image/png' })).toBe('gallery-img1.png');
	});
});

describe('return path after signing in', () => {
	it('accepts paths on this site only', () => {
		expect(safeNext('/studio?remix=1')).toBe('/studio?remix=1');
		expect(safeNext('//evil.example/')).toBe('/gallery');
		expect(safeNext('/\\evil.example')).toBe('/gallery');
		expect(safeNext('https://evil.example/')).toBe('/gallery');
		expect(safeNext(null)).toBe('/gallery');
	});
});
