// A local signing identity made with WebCrypto: a small self-signed root CA and an end-entity certificate
// for C2PA claim signing, issued to the user's display name. The signing key can be non-extractable
// (stored as a CryptoKey in the browser); the root's private key is used once and then dropped.
import * as x509 from './x509';
import { fromBase64, toBase64 } from './bytes';
import { SigningError } from './errors';

/** C2PA claim signing EKU (C2PA 2.x). */
export const EKU_C2PA_CLAIM_SIGNING = '1.3.6.1.4.1.62558.2.1';
/** id-kp-emailProtection: accepted by every C2PA validator, including older ones. */
export const EKU_EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';

const EC_KEY: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const EC_SIGN: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

export interface LocalIdentity {
	displayName: string;
	/** DER of the self-signed root: what a verifier passes as its trust anchor. */
	root: Uint8Array;
	/** DER of the end-entity signing certificate. */
	leaf: Uint8Array;
	/** The leaf's private key (ECDSA P-256); extractable only when asked for. */
	privateKey: CryptoKey;
}

export interface IdentityOptions {
	/** Let the signing key be exported (the CLI stores it as PKCS#8); false for browser storage. */
	extractable?: boolean;
	/** Years the signing certificate stays valid (the root gets ten more). Default 5. */
	years?: number;
	now?: Date;
	organization?: string;
}

function randomSerial(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive, no leading zero byte
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * CN and O as UTF8Strings, taken literally: @peculiar/x509 reads quotes and commas in plain string values
 * as distinguished-name syntax, which would turn `Ōtomo, "Kei"` into `Kei`.
 */
function distinguishedName(commonName: string, organization: string): x509.Name {
	return new x509.Name([{ CN: [{ utf8String: commonName }] }, { O: [{ utf8String: organization }] }]);
}

function addYears(date: Date, years: number): Date {
	const out = new Date(date);
	out.setUTCFullYear(out.getUTCFullYear() + years);
	return out;
}

/** Creates a root CA and a signing certificate issued to `displayName`. */
export async function createLocalIdentity(
	displayName: string,
	options: IdentityOptions = {}
): Promise<LocalIdentity> {
	const name = displayName.trim();
	if (!name) throw new SigningError('certificate.name', 'The identity needs a display name');
	const organization = options.organization ?? 'Rakkan local identity';
	const now = options.now ?? new Date();
	// An hour of slack for clocks that run slightly behind.
	const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
	const years = options.years ?? 5;

	const rootKeys = (await crypto.subtle.generateKey(EC_KEY, false, ['sign', 'verify'])) as CryptoKeyPair;
	const root = await x509.X509CertificateGenerator.createSelfSigned({
		serialNumber: randomSerial(),
		name: distinguishedName(`${name} (Rakkan root)`, organization),
		notBefore,
		notAfter: addYears(now, years + 10),
		signingAlgorithm: EC_SIGN,
		keys: rootKeys,
		extensions: [
			new x509.BasicConstraintsExtension(true, 0, true),
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
			await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey)
		]
	});

	const leafKeys = (await crypto.subtle.generateKey(EC_KEY, options.extractable ?? false, [
		'sign',
		'verify'
	])) as CryptoKeyPair;
	const leaf = await x509.X509CertificateGenerator.create({
		serialNumber: randomSerial(),
		subject: distinguishedName(name, organization),
		issuer: root.subjectName,
		notBefore,
		notAfter: addYears(now, years),
		signingAlgorithm: EC_SIGN,
		publicKey: leafKeys.publicKey,
		signingKey: rootKeys.privateKey,
		extensions: [
			new x509.BasicConstraintsExtension(false, undefined, true),
			new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
			new x509.ExtendedKeyUsageExtension([EKU_C2PA_CLAIM_SIGNING, EKU_EMAIL_PROTECTION], false),
			await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
			await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey)
		]
	});
	return {
		displayName: name,
		root: new Uint8Array(root.rawData),
		leaf: new Uint8Array(leaf.rawData),
		privateKey: leafKeys.privateKey
	};
}

// ------------------------------------------------------------------------------------------------------
// PEM

export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
	const body = toBase64(der)
		.replace(/(.{64})/g, '$1\n')
		.trimEnd();
	return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Every PEM block with this label, in order (e.g. a chain file: leaf first). */
export function pemToDer(pem: string, label = 'CERTIFICATE'): Uint8Array[] {
	const pattern = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
	const out: Uint8Array[] = [];
	for (const match of pem.matchAll(pattern)) {
		try {
			out.push(fromBase64(match[1]!));
		} catch {
			throw new SigningError('certificate.pem', `A ${label} block in the PEM text is not valid base64`);
		}
	}
	return out;
}

/** Imports a PKCS#8 P-256 private key (PEM `PRIVATE KEY`) for ES256 signing. */
export async function importPkcs8Key(pem: string, extractable = false): Promise<CryptoKey> {
	const [der] = pemToDer(pem, 'PRIVATE KEY');
	if (!der) {
		const other = /-----BEGIN ([A-Z ]+)-----/.exec(pem)?.[1];
		throw new SigningError(
			'certificate.key',
			other
				? `The key is a "${other}" block; give an unencrypted PKCS#8 "PRIVATE KEY" (openssl pkcs8 -topk8 -nocrypt)`
				: 'No "PRIVATE KEY" block in the key file'
		);
	}
	try {
		return await crypto.subtle.importKey('pkcs8', der as Uint8Array<ArrayBuffer>, EC_KEY, extractable, [
			'sign'
		]);
	} catch {
		throw new SigningError(
			'certificate.key',
			'The private key is not an ECDSA P-256 key (ES256 is what Rakkan signs with)'
		);
	}
}

export async function exportPkcs8Pem(key: CryptoKey): Promise<string> {
	return derToPem(new Uint8Array(await crypto.subtle.exportKey('pkcs8', key)), 'PRIVATE KEY');
}

/** Facts about a certificate a person can read. */
export interface CertificateSummary {
	subject: string;
	issuer: string;
	/** The subject's common name (or organization), for "signed by ...". */
	commonName?: string;
	organization?: string;
	notBefore: Date;
	notAfter: Date;
	serialNumber: string;
}

function firstAttr(name: x509.Name, type: string): string | undefined {
	return name.getField(type)[0];
}

export function summarizeCertificate(der: Uint8Array): CertificateSummary {
	const cert = new x509.X509Certificate(der as Uint8Array<ArrayBuffer>);
	return {
		subject: cert.subject,
		issuer: cert.issuer,
		commonName: firstAttr(cert.subjectName, 'CN'),
		organization: firstAttr(cert.subjectName, 'O'),
		notBefore: cert.notBefore,
		notAfter: cert.notAfter,
		serialNumber: cert.serialNumber
	};
}
