import { describe, expect, it } from 'vitest';
import { defaultOptions, optionsOf, parseOptions } from '../../src/lib/engine/options';
import { EngineError } from '../../src/lib/engine/types';

describe('model options', () => {
	it('lists manga-ink controls with defaults, and none for other families', () => {
		expect(Object.keys(optionsOf('manga-ink')).sort()).toEqual(['levels', 'lineWeight', 'toneDensity']);
		expect(defaultOptions('manga-ink')).toEqual({ lineWeight: 1, toneDensity: 0.6, levels: 4 });
		expect(optionsOf('arbitrary-wyf')).toEqual({});
	});

	it('parses NAME=VALUE words within their ranges', () => {
		expect(parseOptions('manga-ink', ['lineWeight=1.5', 'levels=3'])).toEqual({ lineWeight: 1.5, levels: 3 });
		expect(parseOptions('manga-ink', [])).toEqual({});
	});

	it('names the option and its range when a word is wrong', () => {
		expect(() => parseOptions('manga-ink', ['ink=2'])).toThrow(
			/unknown option "ink" \(the options are lineWeight/
		);
		expect(() => parseOptions('manga-ink', ['levels=9'])).toThrow(
			/levels must be a whole number from 2 to 6/
		);
		expect(() => parseOptions('manga-ink', ['levels=2.5'])).toThrow(/whole number/);
		expect(() => parseOptions('manga-ink', ['lineWeight'])).toThrow(/needs a number, as in lineWeight=1/);
		expect(() => parseOptions('manga-ink', ['lineWeight=x'])).toThrow(EngineError);
		expect(() => parseOptions('arbitrary-wyf', ['lineWeight=1'])).toThrow(/this model has no options/);
	});
});
