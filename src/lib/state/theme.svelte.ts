// The colour theme: the system's (prefers-color-scheme) until the visitor picks light or dark with the
// toggle; the choice is remembered in localStorage and applied as data-theme on <html> (src/app.css).
const STORAGE_KEY = 'rakkan.theme';

export type Theme = 'light' | 'dark';

export class ThemeState {
	/** What the visitor chose, or null to follow the system. */
	chosen = $state<Theme | null>(null);
	private systemDark = $state(false);
	readonly effective = $derived<Theme>(this.chosen ?? (this.systemDark ? 'dark' : 'light'));

	/** Reads the stored choice and follows the system; returns the teardown. */
	start(): () => void {
		const stored = readStorage(STORAGE_KEY);
		this.chosen = stored === 'light' || stored === 'dark' ? stored : null;
		const query = matchMedia('(prefers-color-scheme: dark)');
		this.systemDark = query.matches;
		const onChange = (event: MediaQueryListEvent) => (this.systemDark = event.matches);
		query.addEventListener('change', onChange);
		this.apply();
		return () => query.removeEventListener('change', onChange);
	}

	/** Switches to the other theme and remembers it. */
	toggle(): void {
		this.chosen = this.effective === 'dark' ? 'light' : 'dark';
		writeStorage(STORAGE_KEY, this.chosen);
		this.apply();
	}

	private apply(): void {
		if (this.chosen) document.documentElement.dataset.theme = this.chosen;
		else delete document.documentElement.dataset.theme;
	}
}

/** localStorage, or null where it is refused (private windows, blocked storage). */
export function readStorage(key: string): string | null {
	try {
		return localStorage.getItem(key);
	} catch {
		return null;
	}
}

export function writeStorage(key: string, value: string): void {
	try {
		localStorage.setItem(key, value);
	} catch {
		// Not remembered: the choice still holds for this page.
	}
}
