// How much work reading a file's Content Credentials may cost, in one place. Every parser under provenance/
// and the verifier stop at these limits with a LimitError (code `rakkan.limit.<name>`), and the verifier
// turns that into the state `unchecked`: credentials are present but could not be fully checked. A limit is
// never a crash, a hang or a "valid". Rakkan's own exports stay far below every one of them.
import { ProvenanceError } from './errors';

export const VERIFY_LIMITS = {
	/** Manifests in one manifest store (each remix adds one). */
	manifests: 64,
	/** Ingredient manifests nested inside each other below the active manifest. */
	nesting: 16,
	/** Ingredient assertions in all the manifests read, together. */
	ingredients: 1024,
	/** Actions in all the manifests read, together. */
	actions: 1024,
	/** Hashed references to assertions in one claim. */
	assertionReferences: 1024,
	/** UTF-8 bytes in one text string of a claim, an assertion or a signature header. */
	stringBytes: 64 * 1024,
	/** Nesting of arrays, maps and tags in CBOR (and of arrays and objects in a JSON assertion). */
	cborDepth: 64,
	/** CBOR data items decoded while checking one file, in all. */
	cborItems: 1_000_000,
	/** Bytes hashed while checking one file: the image once, each assertion and manifest once per algorithm. */
	hashedBytes: 1024 * 1024 * 1024,
	/** Signatures checked while checking one file: claim signatures and each certificate's issuer. */
	signatureChecks: 256,
	/** Certificates in one signature's chain. */
	certificates: 16,
	/** Bytes in one certificate of a signature's chain (real ones have one or two thousand). */
	certificateBytes: 64 * 1024,
	/** Boxes in one manifest store. */
	jumbfBoxes: 100_000,
	/** Nesting of JUMBF superboxes. */
	jumbfDepth: 32,
	/** PNG chunks, JPEG segments or WebP chunks in one file (a 256 MiB PNG in 8 KiB IDATs has 32,000). */
	containerChunks: 200_000
} as const;

export type VerifyLimits = { -readonly [K in keyof typeof VERIFY_LIMITS]: number };
export type LimitName = keyof VerifyLimits;

/** What is counted, for "17 nested manifests, limit 16". */
const UNITS: Record<LimitName, string> = {
	manifests: 'manifests in the store',
	nesting: 'nested manifests',
	ingredients: 'ingredients',
	actions: 'actions',
	assertionReferences: 'assertion references in one claim',
	stringBytes: 'bytes in one text',
	cborDepth: 'levels of nested data',
	cborItems: 'data items',
	hashedBytes: 'bytes to hash',
	signatureChecks: 'signatures to check',
	certificates: 'certificates in one chain',
	certificateBytes: 'bytes in one certificate',
	jumbfBoxes: 'boxes in the manifest store',
	jumbfDepth: 'levels of nested boxes',
	containerChunks: 'chunks or segments in the file'
};

export function limitCode(name: LimitName): string {
	return `rakkan.limit.${name}`;
}

/** "the credentials are too complex to check: 17 nested manifests, limit 16" */
export function limitMessage(name: LimitName, count: number | string, max: number): string {
	return `the credentials are too complex to check: ${count} ${UNITS[name]}, limit ${max}`;
}

/** A limit was reached: the input may be fine, but checking it would cost more than we allow. */
export class LimitError extends ProvenanceError {
	override name = 'LimitError';
	constructor(
		readonly limit: LimitName,
		count: number | string,
		max: number = VERIFY_LIMITS[limit]
	) {
		super(limitCode(limit), limitMessage(limit, count, max));
	}
}

export function isLimitCode(code: string): boolean {
	return code.startsWith('rakkan.limit.');
}

/** Throws a LimitError when `count` is over the limit `max` (default: the limit's own value). */
export function within(limit: LimitName, count: number, max: number = VERIFY_LIMITS[limit]): void {
	if (count > max) throw new LimitError(limit, count, max);
}
