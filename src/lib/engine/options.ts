// The model-specific controls each family offers, so the studio and the CLI can show and check them
// without knowing the family. Pure data.
import type { ModelFamily } from '../assets/catalog';
import { MANGA_OPTIONS, type MangaOptionRange } from '../kernels/manga';

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
