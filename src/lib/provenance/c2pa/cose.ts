// COSE_Sign1 for C2PA claims: tagged (18), detached payload (the claim), protected header {1: alg,
// 33: x5chain}, unprotected {pad}. Signing takes a Signer (ES256, raw r||s); verifying accepts what
// WebCrypto can check: ES256/384/512, PS256/384/512 and EdDSA (Ed25519).
import * as x509 from './x509';
import { cborBudget, decodeCborMaps, encodeCbor, Tagged, type CborBudget } from './cbor';
import { concat, own } from './bytes';
import { derChildren, readDer, timeStampTime } from './der';
import { malformed, SigningError } from './errors';
import { within } from './limits';
import type { Signer } from './signer';

export const COSE_ALGS = {
	ES256: -7,
	ES384: -35,
	ES512: -36,
	PS256: -37,
	PS384: -38,
	PS512: -39,
	EdDSA: -8
} as const;
export type CoseAlgName = keyof typeof COSE_ALGS;

const HEADER_ALG = 1;
const HEADER_X5CHAIN = 33;

export interface CoseSign1 {
	protectedBytes: Uint8Array;
	alg?: CoseAlgName;
	/** The numeric alg as found, when it is not one of {@link COSE_ALGS}. */
	algId?: unknown;
	/** DER certificates, leaf first. */
	certChain: Uint8Array[];
	signature: Uint8Array;
	/** Time-stamp tokens from `sigTst` / `sigTst2`. */
	timeStamps: Uint8Array[];
}

function algName(id: unknown): CoseAlgName | undefined {
	for (const [name, value] of Object.entries(COSE_ALGS)) if (value === id) return name as CoseAlgName;
	return undefined;
}

function asChain(value: unknown): Uint8Array[] | undefined {
	if (value instanceof Uint8Array) return [value];
	if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Uint8Array)) return value;
	return undefined;
}

function tokens(value: unknown): Uint8Array[] {
	if (!(value instanceof Map)) return [];
	const list = value.get('tstTokens');
	if (!Array.isArray(list)) return [];
	const out: Uint8Array[] = [];
	for (const item of list) {
		const val = item instanceof Map ? item.get('val') : undefined;
		if (val instanceof Uint8Array) out.push(val);
	}
	return out;
}

/** Parses a COSE_Sign1 (tagged or not). Throws a MalformedError when it is not one, a LimitError past a limit. */
export function parseCoseSign1(bytes: Uint8Array, budget: CborBudget = cborBudget()): CoseSign1 {
	let value = decodeCborMaps(bytes, budget);
	if (value instanceof Tagged) {
		if (value.tag !== 18)
			throw malformed('cose', 'tag', `COSE: expected tag 18 (COSE_Sign1), got ${value.tag}`);
		value = value.value;
	}
	if (!Array.isArray(value) || value.length !== 4) {
		throw malformed('cose', 'structure', 'COSE: a COSE_Sign1 is an array of four items');
	}
	const [protectedBytes, unprotected, , signature] = value as unknown[];
	if (!(protectedBytes instanceof Uint8Array))
		throw malformed('cose', 'protected', 'COSE: the protected header is not a byte string');
	if (!(unprotected instanceof Map))
		throw malformed('cose', 'unprotected', 'COSE: the unprotected header is not a map');
	if (!(signature instanceof Uint8Array))
		throw malformed('cose', 'signature', 'COSE: the signature is not a byte string');
	const header = protectedBytes.length ? decodeCborMaps(protectedBytes, budget) : new Map();
	if (!(header instanceof Map))
		throw malformed('cose', 'protected', 'COSE: the protected header is not a map');
	const algId = header.get(HEADER_ALG);
	const certChain = asChain(header.get(HEADER_X5CHAIN)) ?? asChain(unprotected.get(HEADER_X5CHAIN));
	if (!certChain) throw malformed('cose', 'x5chain', 'COSE: no certificate chain (x5chain) in the signature');
	within('certificates', certChain.length);
	for (const cert of certChain) within('certificateBytes', cert.length);
	return {
		protectedBytes,
		alg: algName(algId),
		algId,
		certChain,
		signature,
		timeStamps: [...tokens(unprotected.get('sigTst2')), ...tokens(unprotected.get('sigTst'))]
	};
}

/** The earliest time a time-stamp in the signature vouches for, if any can be read. */
export function signingTime(cose: CoseSign1): Date | undefined {
	for (const token of cose.timeStamps) {
		const time = timeStampTime(token);
		if (time) return time;
	}
	return undefined;
}

function toBeSigned(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
	return encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]);
}

/** A DER ECDSA signature (SEQUENCE of two INTEGERs) as raw r||s of `size`-byte halves. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
	const parts = derChildren(readDer(der).node);
	if (parts.length !== 2) throw malformed('cose', 'signature', 'ECDSA signature: expected two integers');
	const fixed = parts.map((part) => {
		let v = part.value;
		while (v.length > size && v[0] === 0) v = v.subarray(1);
		if (v.length > size) throw malformed('cose', 'signature', 'ECDSA signature: integer too large');
		const out = new Uint8Array(size);
		out.set(v, size - v.length);
		return out;
	});
	return concat(fixed);
}

function protectedHeader(signer: Signer): Uint8Array {
	const chain = signer.certChain;
	return encodeCbor(
		new Map<number, unknown>([
			[HEADER_ALG, COSE_ALGS.ES256],
			[HEADER_X5CHAIN, chain.length === 1 ? chain[0]! : chain]
		])
	);
}

function assemble(protectedBytes: Uint8Array, signature: Uint8Array): Uint8Array {
	const unprotected = new Map<string, unknown>([['pad', new Uint8Array(0)]]);
	return encodeCbor(new Tagged(18, [protectedBytes, unprotected, null, signature]));
}

/** The size {@link signClaim} will produce for this signer: known before the claim is final. */
export function signatureSize(signer: Signer): number {
	return assemble(protectedHeader(signer), new Uint8Array(64)).length;
}

/** Signs a claim: COSE_Sign1_Tagged with a detached payload. */
export async function signClaim(claim: Uint8Array, signer: Signer): Promise<Uint8Array> {
	if (signer.alg !== 'ES256')
		throw new SigningError('signing.alg', `Unsupported signing algorithm ${String(signer.alg)}`);
	if (signer.certChain.length === 0) throw new SigningError('signing.chain', 'The signer has no certificate');
	const protectedBytes = protectedHeader(signer);
	let signature = await signer.sign(toBeSigned(protectedBytes, claim));
	if (signature.length !== 64 && signature[0] === 0x30) signature = ecdsaDerToRaw(signature, 32);
	if (signature.length !== 64) {
		throw new SigningError(
			'signing.signature',
			`An ES256 signature has 64 bytes, the signer returned ${signature.length}`
		);
	}
	return assemble(protectedBytes, signature);
}

interface VerifyParams {
	importParams: RsaHashedImportParams | EcKeyImportParams | Algorithm;
	verifyParams: RsaPssParams | EcdsaParams | Algorithm;
	rawSize?: number;
}

function verifyParams(alg: CoseAlgName): VerifyParams {
	switch (alg) {
		case 'ES256':
			return {
				importParams: { name: 'ECDSA', namedCurve: 'P-256' },
				verifyParams: { name: 'ECDSA', hash: 'SHA-256' },
				rawSize: 32
			};
		case 'ES384':
			return {
				importParams: { name: 'ECDSA', namedCurve: 'P-384' },
				verifyParams: { name: 'ECDSA', hash: 'SHA-384' },
				rawSize: 48
			};
		case 'ES512':
			return {
				importParams: { name: 'ECDSA', namedCurve: 'P-521' },
				verifyParams: { name: 'ECDSA', hash: 'SHA-512' },
				rawSize: 66
			};
		case 'PS256':
			return {
				importParams: { name: 'RSA-PSS', hash: 'SHA-256' },
				verifyParams: { name: 'RSA-PSS', saltLength: 32 } as RsaPssParams
			};
		case 'PS384':
			return {
				importParams: { name: 'RSA-PSS', hash: 'SHA-384' },
				verifyParams: { name: 'RSA-PSS', saltLength: 48 } as RsaPssParams
			};
		case 'PS512':
			return {
				importParams: { name: 'RSA-PSS', hash: 'SHA-512' },
				verifyParams: { name: 'RSA-PSS', saltLength: 64 } as RsaPssParams
			};
		case 'EdDSA':
			return { importParams: { name: 'Ed25519' }, verifyParams: { name: 'Ed25519' } };
	}
}

/** rsaEncryption; RSA-PSS keys in certificates are read as plain RSA keys for WebCrypto. */
const OID_RSA_PSS = '1.2.840.113549.1.1.10';

export type SignatureCheck = { ok: true } | { ok: false; code: string; explanation: string };

/** Checks the COSE signature over the claim with the leaf certificate's public key. */
export async function verifyClaimSignature(cose: CoseSign1, claim: Uint8Array): Promise<SignatureCheck> {
	if (!cose.alg) {
		return {
			ok: false,
			code: 'algorithm.unsupported',
			explanation: `signature algorithm ${String(cose.algId)} is not supported`
		};
	}
	const params = verifyParams(cose.alg);
	let key: CryptoKey;
	try {
		const cert = new x509.X509Certificate(own(cose.certChain[0]!));
		let spki: Uint8Array = new Uint8Array(cert.publicKey.rawData);
		if (cert.publicKey.algorithm.name === 'RSA-PSS' || spkiAlgOid(spki) === OID_RSA_PSS)
			spki = rsaPssToRsaSpki(spki);
		key = await crypto.subtle.importKey('spki', own(spki), params.importParams, false, ['verify']);
	} catch (error) {
		return {
			ok: false,
			code: 'claimSignature.mismatch',
			explanation: `the signing certificate's key cannot be used for ${cose.alg}: ${(error as Error).message}`
		};
	}
	if (params.rawSize && cose.signature.length !== params.rawSize * 2 && cose.signature[0] === 0x30) {
		// DER is not allowed in COSE; report it rather than silently accepting.
		return {
			ok: false,
			code: 'claimSignature.mismatch',
			explanation: 'the ECDSA signature is DER-encoded; COSE requires raw r||s'
		};
	}
	try {
		const ok = await crypto.subtle.verify(
			params.verifyParams,
			key,
			own(cose.signature),
			own(toBeSigned(cose.protectedBytes, claim))
		);
		return ok
			? { ok: true }
			: {
					ok: false,
					code: 'claimSignature.mismatch',
					explanation: 'the claim signature does not match the claim'
				};
	} catch (error) {
		return {
			ok: false,
			code: 'algorithm.unsupported',
			explanation: `${cose.alg} cannot be verified here: ${(error as Error).message}`
		};
	}
}

function spkiAlgOid(spki: Uint8Array): string | undefined {
	try {
		const algId = derChildren(derChildren(readDer(spki).node)[0]!)[0]!;
		return oidToString(algId.value);
	} catch {
		return undefined;
	}
}

function oidToString(bytes: Uint8Array): string {
	const parts: number[] = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
	let value = 0;
	for (let i = 1; i < bytes.length; i++) {
		value = value * 128 + (bytes[i]! & 0x7f);
		if (!(bytes[i]! & 0x80)) {
			parts.push(value);
			value = 0;
		}
	}
	return parts.join('.');
}

/** Rewrites an id-RSASSA-PSS SubjectPublicKeyInfo as rsaEncryption, which WebCrypto imports for RSA-PSS. */
function rsaPssToRsaSpki(spki: Uint8Array): Uint8Array {
	const children = derChildren(readDer(spki).node);
	const bitString = children[1]!;
	const algorithm = new Uint8Array([
		0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
	]);
	const bit = concat([new Uint8Array([0x03]), derLength(bitString.value.length), bitString.value]);
	const body = concat([algorithm, bit]);
	return concat([new Uint8Array([0x30]), derLength(body.length), body]);
}

function derLength(n: number): Uint8Array {
	if (n < 0x80) return new Uint8Array([n]);
	const bytes: number[] = [];
	for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
	return new Uint8Array([0x80 | bytes.length, ...bytes]);
}
