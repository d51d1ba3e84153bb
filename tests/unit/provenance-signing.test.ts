// The signing layer: the local identity's certificates (the C2PA signing-certificate profile), COSE_Sign1
// as C2PA wants it (tag 18, detached payload, raw r||s) and the training-and-mining words.
import { describe, expect, it } from 'vitest';
import { ascii, concat, toHex } from '../../src/lib/provenance/c2pa/bytes';
import { decodeCborMaps, encodeCbor, Tagged } from '../../src/lib/provenance/c2pa/cbor';
import {
	createLocalIdentity,
	derToPem,
	EKU_C2PA_CLAIM_SIGNING,
	EKU_EMAIL_PROTECTION,
	exportPkcs8Pem,
	importPkcs8Key,
	pemToDer
} from '../../src/lib/provenance/c2pa/certificates';
import {
	ecdsaDerToRaw,
	parseCoseSign1,
	signatureSize,
	signClaim,
	verifyClaimSignature
} from '../../src/lib/provenance/c2pa/cose';
import { timeStampTime } from '../../src/lib/provenance/c2pa/der';
import { ProvenanceError, SigningError } from '../../src/lib/provenance/c2pa/errors';
import { plusDataMining, trainingMiningFor } from '../../src/lib/provenance/c2pa/manifest';
import { webCryptoSigner, type Signer } from '../../src/lib/provenance/c2pa/signer';
import * as x509 from '../../src/lib/provenance/c2pa/x509';
import { PLUS_DATA_MINING as DATA_MINING } from '../../src/lib/provenance/xmp/xmp';

describe('the local identity', () => {
	it('issues a C2PA signing certificate to the display name from a small root CA', async () => {
		const identity = await createLocalIdentity('Ōtomo, "Kei" <k@example.org>');
		expect(identity.privateKey.extractable).toBe(false);
		const root = new x509.X509Certificate(identity.root as Uint8Array<ArrayBuffer>);
		const leaf = new x509.X509Certificate(identity.leaf as Uint8Array<ArrayBuffer>);
		expect(leaf.subjectName.getField('CN')).toEqual(['Ōtomo, "Kei" <k@example.org>']);
		expect(leaf.issuer).toBe(root.subject);
		expect(await root.isSelfSigned()).toBe(true);
		expect(await leaf.verify({ publicKey: root.publicKey, signatureOnly: true })).toBe(true);

		const basic = leaf.getExtension(x509.BasicConstraintsExtension)!;
		expect([basic.ca, basic.critical]).toEqual([false, true]);
		const usage = leaf.getExtension(x509.KeyUsagesExtension)!;
		expect([usage.usages, usage.critical]).toEqual([x509.KeyUsageFlags.digitalSignature, true]);
		expect(leaf.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([
			EKU_C2PA_CLAIM_SIGNING,
			EKU_EMAIL_PROTECTION
		]);
		const ski = root.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
		expect(leaf.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).toBe(ski);
		expect(root.getExtension(x509.BasicConstraintsExtension)!.ca).toBe(true);
	});

	it('round-trips through PEM, and a PKCS#8 key when asked to be exportable', async () => {
		const identity = await createLocalIdentity('Jane', { extractable: true });
		const pem = derToPem(identity.root) + derToPem(identity.leaf);
		expect(pemToDer(pem)).toEqual([identity.root, identity.leaf]);
		const key = await importPkcs8Key(await exportPkcs8Pem(identity.privateKey));
		expect(key.extractable).toBe(false);
		await expect(
			importPkcs8Key('-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----')
		).rejects.toThrow(/PKCS#8 "PRIVATE KEY"/);
		await expect(createLocalIdentity('  ')).rejects.toBeInstanceOf(SigningError);
	});
});

describe('COSE_Sign1', () => {
	async function signer(): Promise<Signer> {
		const identity = await createLocalIdentity('Signer');
		return webCryptoSigner(identity.privateKey, [identity.leaf]);
	}

	it('is tagged 18, detached, with {1: -7, 33: x5chain} protected and a pad, and verifies', async () => {
		const s = await signer();
		const claim = ascii('a claim');
		const cose = await signClaim(claim, s);
		expect(cose.length).toBe(signatureSize(s));
		const top = decodeCborMaps(cose) as Tagged;
		expect(top.tag).toBe(18);
		const [protectedBytes, unprotected, payload, signature] = top.value as unknown[];
		expect(payload).toBeNull();
		expect(decodeCborMaps(protectedBytes as Uint8Array)).toEqual(
			new Map<number, unknown>([
				[1, -7],
				[33, s.certChain[0]]
			])
		);
		expect((unprotected as Map<string, unknown>).has('pad')).toBe(true);
		expect((signature as Uint8Array).length).toBe(64);
		const parsed = parseCoseSign1(cose);
		expect(parsed.alg).toBe('ES256');
		expect(await verifyClaimSignature(parsed, claim)).toEqual({ ok: true });
		expect(await verifyClaimSignature(parsed, ascii('another claim'))).toMatchObject({
			ok: false,
			code: 'claimSignature.mismatch'
		});
	});

	it('turns a DER signature from a signer into raw r||s', async () => {
		const s = await signer();
		const der: Signer = {
			...s,
			async sign(bytes) {
				const raw = await s.sign(bytes);
				const int = (v: Uint8Array) =>
					v[0]! & 0x80 ? concat([new Uint8Array([0x02, 33, 0]), v]) : concat([new Uint8Array([0x02, 32]), v]);
				const body = concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
				return concat([new Uint8Array([0x30, body.length]), body]);
			}
		};
		const cose = await signClaim(ascii('x'), der);
		expect(await verifyClaimSignature(parseCoseSign1(cose), ascii('x'))).toEqual({ ok: true });
		expect(ecdsaDerToRaw(new Uint8Array([0x30, 6, 2, 1, 5, 2, 1, 7]), 2)).toEqual(
			new Uint8Array([0, 5, 0, 7])
		);
	});

	it('verifies EdDSA (Ed25519) signatures from other signers', async () => {
		const keys = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
			'sign',
			'verify'
		])) as CryptoKeyPair;
		const cert = await x509.X509CertificateGenerator.createSelfSigned({
			name: 'CN=Ed',
			keys,
			signingAlgorithm: { name: 'Ed25519' }
		});
		const protectedBytes = encodeCbor(
			new Map<number, unknown>([
				[1, -8],
				[33, new Uint8Array(cert.rawData)]
			])
		);
		const claim = ascii('claim');
		const toBeSigned = encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), claim]);
		const signature = new Uint8Array(
			await crypto.subtle.sign({ name: 'Ed25519' }, keys.privateKey, new Uint8Array(toBeSigned))
		);
		const cose = parseCoseSign1(encodeCbor(new Tagged(18, [protectedBytes, new Map(), null, signature])));
		expect(cose.alg).toBe('EdDSA');
		expect(await verifyClaimSignature(cose, claim)).toEqual({ ok: true });
		expect((await verifyClaimSignature(cose, ascii('other'))).ok).toBe(false);
	});

	it('refuses what is not a COSE_Sign1, with a typed error', () => {
		const bad = (bytes: number[]) => {
			try {
				parseCoseSign1(new Uint8Array(bytes));
			} catch (error) {
				expect(error).toBeInstanceOf(ProvenanceError);
				return (error as ProvenanceError).code;
			}
			return 'none';
		};
		expect(bad([0x80])).toBe('cose.structure');
		expect(bad([0xd8, 0x13, 0x80])).toBe('cose.tag');
		expect(bad([0x84, 0x40, 0xa0, 0xf6, 0x40])).toBe('cose.x5chain');
		expect(bad([0x84, 0x01, 0xa0, 0xf6, 0x40])).toBe('cose.protected');
	});

	it('reads no time from a token that is not one', () => {
		expect(timeStampTime(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toBeUndefined();
		expect(timeStampTime(new Uint8Array([0x30, 0x80]))).toBeUndefined();
	});
});

describe('data mining', () => {
	it('maps the CAWG entries to one PLUS data-mining value', () => {
		expect(plusDataMining(trainingMiningFor(false))).toBe(DATA_MINING.prohibitedAiMlTraining);
		expect(plusDataMining(trainingMiningFor(true))).toBe(DATA_MINING.allowed);
		expect(
			plusDataMining({ ...trainingMiningFor(true), 'cawg.ai_generative_training': { use: 'notAllowed' } })
		).toBe(DATA_MINING.prohibitedGenAiMlTraining);
		expect(plusDataMining({ ...trainingMiningFor(true), 'cawg.data_mining': { use: 'notAllowed' } })).toBe(
			DATA_MINING.prohibited
		);
		expect(trainingMiningFor(false)['cawg.ai_inference']).toEqual({ use: 'allowed' });
		expect(toHex(ascii('ok'))).toBe('6f6b');
	});
});
