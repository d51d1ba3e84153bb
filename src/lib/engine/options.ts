// The model-specific controls each family offers, so the studio and the CLI can show and check them
// without knowing the family. Pure data.
import type { ModelFamily } from '../assets/catalog';
import { MANGA_OPTIONS, type MangaOptionRange } from '../kernels/manga';
import { EngineError } from './types';

export type OptionRange = MangaOptionRange;

const FAMILY_OPTIONS: Partial<Record<ModelFamily, Readonly<Record<string, OptionRange>>>> = {
	'manga-ink': MANGA_OPTIONS
};

export function optionsOf(family: ModelFamily): Readonly<Record<string, OptionRange>> {
	return FAMILY_OPTIONS[family] ?? {};
}

export function defaultOptions(family: ModelFamily): Record<string, number> {
	return Object.fromEntries(Object.entries(optionsOf(family)).map(([name, range]) => [name, range.default]));
}

/**
 * Model options from `name=value` words (the CLI's repeated `--option`), checked against the family's
 * names and ranges; the message names the option and its range.
 */
export function parseOptions(family: ModelFamily, words: readonly string[]): Record<string, number> {
	const known = optionsOf(family);
	const names = Object.keys(known);
	const options: Record<string, number> = {};
	for (const word of words) {
		const [name = '', raw, ...rest] = word.split('=');
		const range = known[name];
		if (!range) {
			throw new EngineError(
				names.length
					? `unknown option "${name}" (the options are ${names.join(', ')})`
					: `this model has no options (got "${word}")`
			);
		}
		const value = Number(raw);
		if (raw === undefined || raw === '' || rest.length || !Number.isFinite(value)) {
			throw new EngineError(`--option ${name} needs a number, as in ${name}=${range.default}`);
		}
		if (value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
			const kind = range.integer ? 'a whole number' : 'a number';
			throw new EngineError(`${name} must be ${kind} from ${range.min} to ${range.max}, got ${raw}`);
		}
		options[name] = value;
	}
	return options;
}
