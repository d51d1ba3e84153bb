import { describe, expect, it } from 'vitest';
import { type KeyLike, nextBrushSize, ShortcutMap } from '../../src/lib/state/shortcuts';

const press = (key: string, mods: Partial<KeyLike> = {}): KeyLike => ({
	key,
	ctrlKey: false,
	metaKey: false,
	shiftKey: false,
	altKey: false,
	...mods
});

describe('ShortcutMap', () => {
	const map = new ShortcutMap();

	it('maps the painting-tool keys', () => {
		expect(map.match(press('b'))).toBe('tool-brush');
		expect(map.match(press('E', { shiftKey: true }))).toBe(null); // Shift+E is not E
		expect(map.match(press('e'))).toBe('tool-erase');
		expect(map.match(press('v'))).toBe('tool-move');
		expect(map.match(press('h'))).toBe('tool-hand');
		expect(map.match(press('['))).toBe('brush-smaller');
		expect(map.match(press(']'))).toBe('brush-larger');
		expect(map.match(press('f'))).toBe('fit');
		expect(map.match(press('0'))).toBe('actual-size');
		expect(map.match(press('?', { shiftKey: true }))).toBe('help');
	});

	it('tells Ctrl/Cmd combinations from plain keys', () => {
		expect(map.match(press('z', { ctrlKey: true }))).toBe('undo');
		expect(map.match(press('z', { metaKey: true }))).toBe('undo');
		expect(map.match(press('Z', { ctrlKey: true, shiftKey: true }))).toBe('redo');
		expect(map.match(press('y', { ctrlKey: true }))).toBe('redo');
		expect(map.match(press('Enter', { metaKey: true }))).toBe('stylize');
		expect(map.match(press('e', { ctrlKey: true }))).toBe('export');
		expect(map.match(press('z'))).toBe(null);
		expect(map.match(press('b', { ctrlKey: true }))).toBe(null);
		expect(map.match(press('b', { altKey: true }))).toBe(null);
	});

	it('lists every shortcut once in the help groups', () => {
		const listed = map.groups().flatMap((g) => g.shortcuts);
		expect(listed).toHaveLength(map.shortcuts.length);
		expect(map.labelOf('stylize')).toBe('Ctrl/Cmd+Enter');
	});
});

describe('nextBrushSize', () => {
	it('steps in proportion to the size and stays within its range', () => {
		expect(nextBrushSize(40, 1)).toBe(46);
		expect(nextBrushSize(40, -1)).toBe(34);
		expect(nextBrushSize(2, -1)).toBe(1);
		expect(nextBrushSize(1, -1)).toBe(1);
		expect(nextBrushSize(990, 1)).toBe(1000);
	});
});
