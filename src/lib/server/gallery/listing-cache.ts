// Public listing pages, kept as the JSON they are sent as, until the next write to images. Every write
// clears it (see GalleryRepository.writeImages), in this process before the writer hears back, and in other
// processes when the database's notice arrives; a page loaded while a write was under way is not kept, so
// a page from before the write cannot come back after it. The time limit is a backstop for a notice lost
// with a dropped connection.
export class ListingCache {
	private readonly pages = new Map<string, { json: string; at: number }>();
	/** Loads under way, by key: requests for the same page wait for the one load. */
	private readonly loading = new Map<string, Promise<string>>();
	private generation = 0;

	constructor(
		readonly ttlMs = 10_000,
		readonly maxPages = 256
	) {}

	invalidate(): void {
		this.generation += 1;
		this.pages.clear();
		this.loading.clear();
	}

	/** The page kept under `key` if it is still fresh; nothing is loaded. */
	peek(key: string): string | undefined {
		const hit = this.pages.get(key);
		return hit && performance.now() - hit.at < this.ttlMs ? hit.json : undefined;
	}

	/**
	 * The page under `key`, loaded once however many requests ask for it meanwhile (so an expired page
	 * under load costs one query, not one per waiting request). A request that comes after a write never
	 * joins a load that started before it.
	 */
	get(key: string, load: () => Promise<string>): Promise<string> {
		const hit = this.peek(key);
		if (hit !== undefined) return Promise.resolve(hit);
		const pending = this.loading.get(key);
		if (pending) return pending;
		const generation = this.generation;
		const loaded = load().then((json) => {
			if (generation === this.generation) {
				if (this.pages.size >= this.maxPages) this.pages.delete(this.pages.keys().next().value!);
				this.pages.set(key, { json, at: performance.now() });
			}
			return json;
		});
		const settled = () => {
			if (this.loading.get(key) === loaded) this.loading.delete(key);
		};
		loaded.then(settled, settled);
		this.loading.set(key, loaded);
		return loaded;
	}
}
