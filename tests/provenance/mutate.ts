// Seeded mutations of files and byte strings for the fuzz tests.
import { readManifestStore } from '../../src/lib/provenance/c2pa/container';

export type Random = () => number;

function int(random: Random, max: number): number {
	return Math.floor(random() * max);
}

/** Where to aim: anywhere, or mostly inside [focusStart, focusEnd). */
function position(random: Random, length: number, focus?: [number, number]): number {
	if (focus && random() < 0.7) return focus[0] + int(random, Math.max(1, focus[1] - focus[0]));
	return int(random, Math.max(1, length));
}

const SPECIAL = [
	[0xff, 0xff, 0xff, 0xff],
	[0, 0, 0, 0],
	[0, 0, 0, 1],
	[0x7f, 0xff, 0xff, 0xff],
	[0, 0, 0, 8]
];

/** One seeded mutation: bit flips, overwritten lengths, truncation, insertion, deletion, duplication. */
export function mutate(source: Uint8Array, random: Random, focus?: [number, number]): Uint8Array {
	const kind = int(random, 7);
	const at = Math.min(position(random, source.length, focus), Math.max(0, source.length - 1));
	switch (kind) {
		case 0: {
			const out = source.slice();
			for (let n = 1 + int(random, 4); n > 0; n--) {
				const i = Math.min(position(random, out.length, focus), out.length - 1);
				out[i]! ^= 1 << int(random, 8);
			}
			return out;
		}
		case 1: {
			const out = source.slice();
			const value =
				random() < 0.6
					? SPECIAL[int(random, SPECIAL.length)]!
					: [int(random, 256), int(random, 256), int(random, 256), int(random, 256)];
			for (let k = 0; k < 4 && at + k < out.length; k++) out[at + k] = value[k]!;
			return out;
		}
		case 2:
			return source.slice(0, at);
		case 3: {
			const extra = Uint8Array.from({ length: 1 + int(random, 16) }, () => int(random, 256));
			const out = new Uint8Array(source.length + extra.length);
			out.set(source.subarray(0, at));
			out.set(extra, at);
			out.set(source.subarray(at), at + extra.length);
			return out;
		}
		case 4: {
			const end = Math.min(source.length, at + 1 + int(random, 64));
			const out = new Uint8Array(source.length - (end - at));
			out.set(source.subarray(0, at));
			out.set(source.subarray(end), at);
			return out;
		}
		case 5: {
			const end = Math.min(source.length, at + 1 + int(random, 256));
			const piece = source.subarray(at, end);
			const out = new Uint8Array(source.length + piece.length);
			out.set(source.subarray(0, end));
			out.set(piece, end);
			out.set(source.subarray(end), end + piece.length);
			return out;
		}
		default: {
			const out = source.slice();
			for (let i = at; i < Math.min(out.length, at + 1 + int(random, 32)); i++) out[i] = int(random, 256);
			return out;
		}
	}
}

/** Where the manifest store (its first 64000 bytes) sits in a file, to aim mutations at it. */
export function manifestFocus(bytes: Uint8Array): [number, number] {
	const store = readManifestStore(bytes)?.store;
	if (!store) return [0, bytes.length];
	const head = store.subarray(0, 32);
	for (let i = 0; i <= bytes.length - head.length; i++) {
		if (head.every((b, k) => bytes[i + k] === b)) return [i, i + Math.min(store.length, 64000)];
	}
	return [0, bytes.length];
}
