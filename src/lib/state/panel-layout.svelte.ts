// Which studio panels are open, remembered in localStorage so the workspace comes back as it was left.
import { createContext } from 'svelte';
import { readStorage, writeStorage } from './theme.svelte';

const STORAGE_KEY = 'rakkan.panels';

export const PANELS = [
	{ id: 'styles', title: 'Style references' },
	{ id: 'layers', title: 'Layers' },
	{ id: 'brush', title: 'Tools and brush' },
	{ id: 'history', title: 'History' },
	{ id: 'rights', title: 'Rights' },
	{ id: 'paint', title: 'Painting settings' },
	{ id: 'export', title: 'Export' },
	{ id: 'share', title: 'Share' },
	{ id: 'project', title: 'Project' }
] as const;

export type PanelId = (typeof PANELS)[number]['id'];

export class PanelLayout {
	/** Open panels: every panel starts open, so nothing is hidden from a first visit. */
	open = $state<Record<PanelId, boolean>>(
		Object.fromEntries(PANELS.map((p) => [p.id, true])) as Record<PanelId, boolean>
	);

	/** Takes the remembered layout (unknown or malformed entries are ignored). */
	restore(): void {
		const stored = readStorage(STORAGE_KEY);
		if (!stored) return;
		try {
			const parsed: unknown = JSON.parse(stored);
			if (typeof parsed !== 'object' || parsed === null) return;
			for (const { id } of PANELS) {
				const value = (parsed as Record<string, unknown>)[id];
				if (typeof value === 'boolean') this.open[id] = value;
			}
		} catch {
			// A corrupt entry: the default layout.
		}
	}

	toggle(id: PanelId): void {
		this.set(id, !this.open[id]);
	}

	set(id: PanelId, open: boolean): void {
		this.open[id] = open;
		writeStorage(STORAGE_KEY, JSON.stringify(this.open));
	}

	/** Opens the panel and brings it into view with focus on its header (the rights badge does this). */
	reveal(id: PanelId): void {
		this.set(id, true);
		requestAnimationFrame(() => {
			const header = document.getElementById(`panel-${id}-toggle`);
			header?.scrollIntoView({ block: 'start', behavior: 'smooth' });
			header?.focus({ preventScroll: true });
		});
	}
}

export const [getPanels, setPanels] = createContext<PanelLayout>();
