// What the gallery keeps of a verifier result is bounded, whatever the file carried: a 20 MB recipe or an
// ingredient list of 100,000 entries is cut to a size a listing, a page and a database row can afford, and
// the result says which of its fields were cut. Runs in the upload worker, so only the bounded result
// crosses back to the server's event loop.
import type { VerifyResult } from '../../provenance/c2pa/verify';

export interface JsonBounds {
	/** Longest string kept (longer ones are cut to this many characters). */
	maxString: number;
	/** Most items kept of an array, entries of an object. */
	maxItems: number;
	/** Deepest nesting kept (deeper values become null). */
	maxDepth: number;
	/** Characters of all strings together, keys included. */
	maxChars: number;
	/** Values (objects, arrays and scalars) in all. */
	maxNodes: number;
}

/** A copy of `value` within `bounds` (plain JSON data: no functions, dates become strings). */
export function boundJson(value: unknown, bounds: JsonBounds): { value: unknown; cut: boolean } {
	let chars = 0;
	let nodes = 0;
	let cut = false;
	const text = (s: string): string => {
		const room = Math.max(0, Math.min(bounds.maxString, bounds.maxChars - chars));
		if (s.length > room) {
			cut = true;
			s = s.slice(0, room);
		}
		chars += s.length;
		return s;
	};
	const walk = (v: unknown, depth: number): unknown => {
		nodes += 1;
		if (nodes > bounds.maxNodes || depth > bounds.maxDepth) {
			cut = true;
			return null;
		}
		if (v === null || typeof v === 'boolean') return v;
		if (typeof v === 'number') return Number.isFinite(v) ? v : null;
		if (typeof v === 'string') return text(v);
		if (typeof v === 'bigint') return text(v.toString());
		if (v instanceof Date) return text(v.toISOString());
		if (Array.isArray(v)) {
			if (v.length > bounds.maxItems) cut = true;
			const out: unknown[] = [];
			for (const item of v.slice(0, bounds.maxItems)) {
				if (nodes >= bounds.maxNodes) {
					cut = true;
					break;
				}
				out.push(walk(item, depth + 1));
			}
			return out;
		}
		if (v instanceof Uint8Array) {
			// Binary data is not shown; its size is.
			return `(${v.length} bytes)`;
		}
		if (typeof v === 'object') {
			const entries = Object.entries(v as Record<string, unknown>);
			if (entries.length > bounds.maxItems) cut = true;
			const out: Record<string, unknown> = {};
			for (const [key, item] of entries.slice(0, bounds.maxItems)) {
				if (item === undefined) continue;
				if (nodes >= bounds.maxNodes || chars + key.length > bounds.maxChars) {
					cut = true;
					break;
				}
				chars += key.length;
				out[key] = walk(item, depth + 1);
			}
			return out;
		}
		cut = true;
		return null;
	};
	const bounded = walk(value, 0);
	return { value: bounded, cut };
}

/** The recipe may be long (per-region settings), but never more than this. */
export const RECIPE_BOUNDS: JsonBounds = {
	maxString: 4000,
	maxItems: 256,
	maxDepth: 12,
	maxChars: 64 * 1024,
	maxNodes: 4000
};

/** Ingredients: the gallery records at most 64, each with short texts. */
export const INGREDIENT_BOUNDS: JsonBounds = {
	maxString: 1000,
	maxItems: 64,
	maxDepth: 10,
	maxChars: 64 * 1024,
	maxNodes: 4000
};

/** Every other field of the result (actions, failures, signer, metadata...). */
export const FIELD_BOUNDS: JsonBounds = {
	maxString: 1000,
	maxItems: 64,
	maxDepth: 8,
	maxChars: 16 * 1024,
	maxNodes: 1000
};

const FIELD_BOUNDS_BY_NAME: Partial<Record<keyof VerifyResult, JsonBounds>> = {
	recipe: RECIPE_BOUNDS,
	ingredients: INGREDIENT_BOUNDS
};

/** A verifier result within the gallery's bounds, and the names of the fields that were cut. */
export interface BoundedVerifyResult {
	result: VerifyResult;
	truncated: string[];
}

export function boundVerifyResult(result: VerifyResult): BoundedVerifyResult {
	const out: Record<string, unknown> = {};
	const truncated: string[] = [];
	for (const [key, value] of Object.entries(result)) {
		if (value === undefined) continue;
		const bounds = FIELD_BOUNDS_BY_NAME[key as keyof VerifyResult] ?? FIELD_BOUNDS;
		const bounded = boundJson(value, bounds);
		if (bounded.cut) truncated.push(key);
		out[key] = bounded.value;
	}
	// A cut list must still be a list (and a cut object an object) for the code that reads the result.
	for (const key of ['ingredients', 'actions', 'failures'] as const) {
		if (!Array.isArray(out[key])) out[key] = [];
	}
	return { result: out as unknown as VerifyResult, truncated };
}
