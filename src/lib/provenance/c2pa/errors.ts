// Typed errors for everything under provenance/. Parsers never let a RangeError, a TypeError or a
// stack overflow escape: what reaches a caller is a ProvenanceError with a code and a readable message.

/** Where a problem was found: the container, the box tree, the encoding, the signature or the certificate. */
export type ProvenanceArea =
	'png' | 'jpeg' | 'webp' | 'jumbf' | 'cbor' | 'cose' | 'manifest' | 'certificate' | 'xmp';

export class ProvenanceError extends Error {
	override name = 'ProvenanceError';
	constructor(
		/** A dotted code such as `png.truncated` or `jumbf.length`: stable, for programs and tests. */
		readonly code: string,
		message: string
	) {
		super(message);
	}
}

/** The bytes are not what they claim to be: truncated, out of bounds, inconsistent lengths. */
export class MalformedError extends ProvenanceError {
	override name = 'MalformedError';
}

/** Creating a manifest failed: a bad input, an unusable key or certificate, a signer that broke its contract. */
export class SigningError extends ProvenanceError {
	override name = 'SigningError';
}

export function malformed(area: ProvenanceArea, what: string, message: string): MalformedError {
	return new MalformedError(`${area}.${what}`, message);
}

/**
 * Runs a parser and turns anything that is not already a ProvenanceError (a RangeError from a deep
 * recursion, a TypeError from a library) into a MalformedError of the given area.
 */
export function guard<T>(area: ProvenanceArea, parse: () => T): T {
	try {
		return parse();
	} catch (error) {
		if (error instanceof ProvenanceError) throw error;
		throw malformed(area, 'invalid', `${area.toUpperCase()}: ${describe(error)}`);
	}
}

export function describe(error: unknown): string {
	if (error instanceof RangeError && /call stack/i.test(error.message)) return 'nested too deeply';
	return error instanceof Error ? error.message : String(error);
}
