// The style picker's search and rights filter: which catalog styles are shown.
import type { StyleCard, StyleRightsStatus } from '../assets/catalog';

export class StyleFilter {
	query = $state('');
	/** Only styles with this rights status, or every style (null). */
	rights = $state<StyleRightsStatus | null>(null);

	/** The styles that match: the rights status, and every word of the query in title, artist, date or id. */
	apply(styles: readonly StyleCard[]): StyleCard[] {
		const words = this.query.toLowerCase().split(/\s+/).filter(Boolean);
		return styles.filter((style) => {
			if (this.rights && style.rightsStatus !== this.rights) return false;
			const text = `${style.title} ${style.artist} ${style.date} ${style.id}`.toLowerCase();
			return words.every((word) => text.includes(word));
		});
	}
}

/** The rights statuses present among the styles, with how many have each, in the catalog schema's order. */
export function rightsCounts(
	styles: readonly StyleCard[],
	order: readonly StyleRightsStatus[]
): { status: StyleRightsStatus; count: number }[] {
	return order
		.map((status) => ({ status, count: styles.filter((s) => s.rightsStatus === status).length }))
		.filter(({ count }) => count > 0);
}
