// The signer a manifest is signed with. Manifest code only sees this interface (as in c2pa-js), so the key
// can stay a non-extractable CryptoKey, live in a worker, or sit behind a remote signing service.
import { SigningError } from './errors';

export interface Signer {
	alg: 'ES256';
	/** DER certificates, leaf first, then intermediates; never the root. */
	certChain: Uint8Array[];
	/** Signs the bytes; for ES256 returns the raw 64-byte r||s (a DER signature is converted). */
	sign(bytes: Uint8Array): Promise<Uint8Array>;
}

/** A signer over a WebCrypto ECDSA P-256 private key. */
export function webCryptoSigner(privateKey: CryptoKey, certChain: Uint8Array[]): Signer {
	if (privateKey.type !== 'private' || privateKey.algorithm.name !== 'ECDSA') {
		throw new SigningError('signing.key', 'The signing key must be an ECDSA P-256 private key');
	}
	if (certChain.length === 0)
		throw new SigningError('signing.chain', 'The signer needs its certificate chain');
	return {
		alg: 'ES256',
		certChain,
		async sign(bytes) {
			const data = new Uint8Array(bytes);
			return new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, data));
		}
	};
}
