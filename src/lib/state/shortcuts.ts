// The studio's keyboard shortcuts, in one table: the help overlay lists it and the studio page dispatches
// by it. Keys follow Krita, Photoshop and Procreate's desktop habits. Pure (no DOM), unit-tested in Node.

export type ShortcutAction =
	| 'tool-brush'
	| 'tool-erase'
	| 'tool-move'
	| 'tool-hand'
	| 'brush-smaller'
	| 'brush-larger'
	| 'undo'
	| 'redo'
	| 'fit'
	| 'actual-size'
	| 'zoom-in'
	| 'zoom-out'
	| 'stylize'
	| 'export'
	| 'help';

export interface Shortcut {
	action: ShortcutAction;
	/** KeyboardEvent.key values (lower case) that trigger it. */
	keys: readonly string[];
	/** Needs Ctrl (Cmd on a Mac). */
	mod?: boolean;
	/** Needs Shift (letters only: `?` and `]` already say which key was pressed). */
	shift?: boolean;
	/** How the help overlay writes the keys. */
	label: string;
	description: string;
	group: 'Tools' | 'Brush' | 'View' | 'Edit' | 'Studio';
}

/** Just the parts of a KeyboardEvent the map reads. */
export interface KeyLike {
	key: string;
	ctrlKey: boolean;
	metaKey: boolean;
	shiftKey: boolean;
	altKey: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
	{ action: 'tool-brush', keys: ['b'], label: 'B', description: 'Brush (paints the mask)', group: 'Tools' },
	{ action: 'tool-erase', keys: ['e'], label: 'E', description: 'Eraser', group: 'Tools' },
	{ action: 'tool-move', keys: ['v'], label: 'V', description: 'Move the selected layer', group: 'Tools' },
	{ action: 'tool-hand', keys: ['h'], label: 'H', description: 'Pan (hand)', group: 'Tools' },
	{ action: 'brush-smaller', keys: ['['], label: '[', description: 'Smaller brush', group: 'Brush' },
	{ action: 'brush-larger', keys: [']'], label: ']', description: 'Larger brush', group: 'Brush' },
	{ action: 'fit', keys: ['f'], label: 'F', description: 'Fit the picture to the window', group: 'View' },
	{ action: 'actual-size', keys: ['0'], label: '0', description: 'Actual pixels (100%)', group: 'View' },
	{ action: 'zoom-in', keys: ['+', '='], label: '+', description: 'Zoom in', group: 'View' },
	{ action: 'zoom-out', keys: ['-'], label: '−', description: 'Zoom out', group: 'View' },
	{ action: 'undo', keys: ['z'], mod: true, label: 'Ctrl/Cmd+Z', description: 'Undo', group: 'Edit' },
	{
		action: 'redo',
		keys: ['z'],
		mod: true,
		shift: true,
		label: 'Shift+Ctrl/Cmd+Z',
		description: 'Redo',
		group: 'Edit'
	},
	{ action: 'redo', keys: ['y'], mod: true, label: 'Ctrl/Cmd+Y', description: 'Redo', group: 'Edit' },
	{
		action: 'stylize',
		keys: ['enter'],
		mod: true,
		label: 'Ctrl/Cmd+Enter',
		description: 'Stylize',
		group: 'Studio'
	},
	{
		action: 'export',
		keys: ['e'],
		mod: true,
		label: 'Ctrl/Cmd+E',
		description: 'Export with Content Credentials',
		group: 'Studio'
	},
	{ action: 'help', keys: ['?'], label: '?', description: 'Show or hide these shortcuts', group: 'Studio' }
];

/** Holding Space pans with any tool; listed in the help, handled apart (it lasts while the key is down). */
export const HOLD_TO_PAN = { label: 'Space (hold)', description: 'Pan while held, with any tool' };

/** The brush sizes `[` and `]` step through, like Krita's: finer steps for small brushes. */
export function nextBrushSize(size: number, direction: 1 | -1, min = 1, max = 1000): number {
	const step = Math.max(1, Math.round(size * 0.15));
	return Math.min(max, Math.max(min, size + direction * step));
}

export class ShortcutMap {
	constructor(readonly shortcuts: readonly Shortcut[] = SHORTCUTS) {}

	/** The action this key press asks for, or null. */
	match(event: KeyLike): ShortcutAction | null {
		if (event.altKey) return null;
		const mod = event.ctrlKey || event.metaKey;
		const key = event.key.toLowerCase();
		const isLetter = /^[a-z]$/.test(key);
		for (const shortcut of this.shortcuts) {
			if (!shortcut.keys.includes(key) || Boolean(shortcut.mod) !== mod) continue;
			if (isLetter && Boolean(shortcut.shift) !== event.shiftKey) continue;
			return shortcut.action;
		}
		return null;
	}

	/** The shortcuts by group, in the table's order, for the help overlay. */
	groups(): { group: Shortcut['group']; shortcuts: Shortcut[] }[] {
		const groups = new Map<Shortcut['group'], Shortcut[]>();
		for (const shortcut of this.shortcuts) {
			groups.set(shortcut.group, [...(groups.get(shortcut.group) ?? []), shortcut]);
		}
		return [...groups].map(([group, shortcuts]) => ({ group, shortcuts }));
	}

	/** The keys for an action, as the help writes them (for button titles). */
	labelOf(action: ShortcutAction): string | undefined {
		return this.shortcuts.find((s) => s.action === action)?.label;
	}
}
