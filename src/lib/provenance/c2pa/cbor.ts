// CBOR over cborg for C2PA: plain objects and Maps both become real CBOR maps (no tag 259), numbers are
// written as float64 when not whole, undefined properties are left out, and decoding never throws
// anything but a MalformedError or, past a limit (depth, items, text length), a LimitError.
import { decode, encode, Tagged, Tokenizer, Type } from 'cborg';
import { guard, malformed } from './errors';
import { LimitError, VERIFY_LIMITS, within } from './limits';

export { Tagged };

/** A decoded CBOR map with string keys (claims, assertions). */
export type CborObject = { [key: string]: unknown };

const ENCODE_OPTIONS = { float64: true, ignoreUndefinedProperties: true } as const;

export function encodeCbor(value: unknown): Uint8Array {
	return encode(value, ENCODE_OPTIONS);
}

/** Tag decoders for every tag number: either kept as {@link Tagged} or replaced by their content. */
function anyTag(keep: boolean): Record<number, (decode: () => unknown) => unknown> {
	return new Proxy({} as Record<number, (decode: () => unknown) => unknown>, {
		get: (_target, key) => {
			if (typeof key !== 'string' || !/^\d+$/.test(key)) return undefined;
			const tag = Number(key);
			return keep ? (inner: () => unknown) => new Tagged(tag, inner()) : (inner: () => unknown) => inner();
		}
	});
}

const SIZE_LIMIT = 256 * 1024 * 1024;

function checkInput(bytes: Uint8Array): void {
	if (bytes.length === 0) throw malformed('cbor', 'empty', 'CBOR: no data to decode');
	if (bytes.length > SIZE_LIMIT) throw malformed('cbor', 'size', 'CBOR: more than 256 MiB of data');
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** CBOR data items a caller may still decode: one budget shared by every decode of one file. */
export interface CborBudget {
	/** Items left. */
	items: number;
	/** Items there were at first. */
	readonly max: number;
}

export function cborBudget(items: number = VERIFY_LIMITS.cborItems): CborBudget {
	return { items, max: items };
}

/** Takes one item from the budget; throws a LimitError when there is none left. */
export function spendItem(budget: CborBudget): void {
	if (--budget.items < 0) throw new LimitError('cborItems', `more than ${budget.max}`, budget.max);
}

/**
 * cborg's tokenizer with the checks cborg leaves out, made on the token stream before anything is built:
 * text strings must be valid UTF-8 (as every C2PA reader in Rust insists) and not too long, nesting stays
 * within {@link VERIFY_LIMITS.cborDepth}, and the items come out of the caller's budget.
 */
function strictTokenizer(bytes: Uint8Array, options: Record<string, unknown>, budget: CborBudget) {
	const inner = new Tokenizer(bytes, { ...options, retainStringBytes: true });
	// Items still expected by each open array, map or tag (Infinity until a break for indefinite ones).
	const open: number[] = [];
	const itemDone = (): void => {
		while (open.length > 0) {
			const left = open[open.length - 1]! - 1;
			if (left > 0) {
				open[open.length - 1] = left;
				return;
			}
			open.pop();
		}
	};
	return {
		next() {
			const token = inner.next();
			if (token.type === Type.break) {
				if (open[open.length - 1] === Infinity) open.pop();
				itemDone();
				return token;
			}
			spendItem(budget);
			if (token.type === Type.string && token.byteValue) {
				within('stringBytes', token.byteValue.length);
				try {
					fatalUtf8.decode(token.byteValue);
				} catch {
					throw malformed('cbor', 'utf8', 'CBOR: a text string is not valid UTF-8');
				}
			}
			const count =
				token.type === Type.array
					? (token.value as number)
					: token.type === Type.map
						? (token.value as number) * 2
						: token.type === Type.tag
							? 1
							: 0;
			if (count > 0) {
				open.push(count);
				within('cborDepth', open.length);
			} else itemDone();
			return token;
		},
		done: () => inner.done(),
		pos: () => inner.pos()
	};
}

/** cborg can hand back its internal BREAK marker as a map value; such data is malformed. */
function checkTree(value: unknown): void {
	if (typeof value === 'symbol') throw malformed('cbor', 'break', 'CBOR: an unexpected break code');
	if (Array.isArray(value)) for (const v of value) checkTree(v);
	else if (value instanceof Map) {
		for (const [k, v] of value) {
			checkTree(k);
			checkTree(v);
		}
	} else if (value instanceof Tagged) checkTree(value.value);
	else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
		for (const v of Object.values(value)) checkTree(v);
	}
}

function strictDecode(bytes: Uint8Array, options: Record<string, unknown>, budget: CborBudget): unknown {
	return guard('cbor', () => {
		const tokenizer = strictTokenizer(bytes, options, budget);
		const value: unknown = decode(bytes, { ...options, tokenizer } as never);
		checkTree(value);
		return value;
	});
}

/**
 * Decodes CBOR whose maps have text keys (claims, assertions) into plain objects. Tags (dates, for
 * example) are replaced by their content. Trailing bytes, non-text keys and bad encodings are errors.
 */
export function decodeCbor(bytes: Uint8Array, budget: CborBudget = cborBudget()): unknown {
	checkInput(bytes);
	return strictDecode(bytes, { tags: anyTag(false), rejectDuplicateMapKeys: true }, budget);
}

/** Decodes CBOR keeping tags (as {@link Tagged}) and any map keys (as Map): for COSE structures. */
export function decodeCborMaps(bytes: Uint8Array, budget: CborBudget = cborBudget()): unknown {
	checkInput(bytes);
	return strictDecode(bytes, { tags: anyTag(true), useMaps: true, rejectDuplicateMapKeys: true }, budget);
}

export function isCborObject(value: unknown): value is CborObject {
	return (
		typeof value === 'object' &&
		value !== null &&
		!Array.isArray(value) &&
		!(value instanceof Uint8Array) &&
		!(value instanceof Map) &&
		!(value instanceof Tagged)
	);
}

/** Decodes bytes that must hold one CBOR map with text keys. */
export function decodeCborObject(bytes: Uint8Array, what: string, budget?: CborBudget): CborObject {
	const value = decodeCbor(bytes, budget);
	if (!isCborObject(value)) throw malformed('cbor', 'type', `${what} is not a CBOR map`);
	return value;
}
