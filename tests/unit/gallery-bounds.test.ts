// What the gallery keeps of a verifier result is bounded, and says what it cut.
import { describe, expect, it } from 'vitest';
import { boundJson, boundVerifyResult, RECIPE_BOUNDS } from '../../src/lib/server/gallery/bounds';
import type { VerifyResult } from '../../src/lib/provenance/c2pa/verify';

const small = { maxString: 5, maxItems: 3, maxDepth: 2, maxChars: 12, maxNodes: 20 };

describe('boundJson', () => {
	it('keeps what fits untouched', () => {
		const value = { a: [1, true, null], b: 'abc' };
		expect(boundJson(value, small)).toEqual({ value, cut: false });
	});

	it('cuts long strings, long lists, deep nesting and the total, and says so', () => {
		expect(boundJson('abcdefgh', small)).toEqual({ value: 'abcde', cut: true });
		expect(boundJson([1, 2, 3, 4, 5], small)).toEqual({ value: [1, 2, 3], cut: true });
		expect(boundJson({ a: { b: { c: 1 } } }, small)).toEqual({ value: { a: { b: { c: null } } }, cut: true });
		expect(boundJson(['abcd', 'abcd', 'abcd', 'abcd'], { ...small, maxItems: 10 })).toEqual({
			value: ['abcd', 'abcd', 'abcd', ''],
			cut: true
		});
		expect(boundJson([Number.NaN, new Uint8Array(9)], small).value).toEqual([null, '(9 bytes)']);
	});

	it('takes the same time for a list repeated a million times as for its first entries', () => {
		const shared = { title: 'x'.repeat(100) };
		const huge = Array.from({ length: 1_000_000 }, () => shared);
		const { value, cut } = boundJson(huge, RECIPE_BOUNDS);
		expect(cut).toBe(true);
		expect((value as unknown[]).length).toBe(RECIPE_BOUNDS.maxItems);
	});
});

describe('boundVerifyResult', () => {
	it('names each field it cut and keeps lists as lists', () => {
		const result = {
			state: 'untrusted',
			summary: 'Signed.',
			actions: [],
			failures: [],
			results: { success: [], informational: [], failure: [] },
			ingredients: Array.from({ length: 100 }, (_, i) => ({ label: `c2pa.ingredient.v3__${i}` })),
			recipe: { version: 1, notes: 'x'.repeat(100_000) }
		} as unknown as VerifyResult;
		const bounded = boundVerifyResult(result);
		expect(bounded.truncated.sort()).toEqual(['ingredients', 'recipe']);
		expect(bounded.result.ingredients).toHaveLength(64);
		expect(bounded.result.recipe).toEqual({ version: 1, notes: 'x'.repeat(RECIPE_BOUNDS.maxString) });
		expect(bounded.result.summary).toBe('Signed.');
	});
});
