// The CLI's signing identity (Node only). Either the user's own key and certificate chain (PEM files),
// or a local identity made on first use and kept outside the repository: ~/.config/rakkan/identity
// ($XDG_CONFIG_HOME or $RAKKAN_IDENTITY_DIR to move it) with the PKCS#8 key at mode 0600.
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
	createLocalIdentity,
	derToPem,
	exportPkcs8Pem,
	importPkcs8Key,
	pemToDer,
	summarizeCertificate
} from '../provenance/c2pa/certificates';
import { SigningError } from '../provenance/c2pa/errors';
import { webCryptoSigner, type Signer } from '../provenance/c2pa/signer';
import { X509Certificate } from '../provenance/c2pa/x509';

export interface CliIdentity {
	signer: Signer;
	/** Who the certificate names. */
	name: string;
	/** Where the root certificate to trust is (local identity only). */
	rootPath?: string;
	/** True when it was created by this call. */
	created: boolean;
}

export function identityDir(): string {
	if (process.env.RAKKAN_IDENTITY_DIR) return path.resolve(process.env.RAKKAN_IDENTITY_DIR);
	const config = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
	return path.join(config, 'rakkan', 'identity');
}

async function readText(file: string, what: string): Promise<string> {
	try {
		return await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new SigningError(
			'certificate.file',
			`${what} ${file} cannot be read (${code === 'ENOENT' ? 'no such file' : code})`
		);
	}
}

/** Checks that the key signs what the leaf certificate's public key verifies. */
async function checkPair(signer: Signer): Promise<void> {
	const probe = new TextEncoder().encode('rakkan key check');
	const signature = await signer.sign(probe);
	const ok = await (async () => {
		try {
			const cert = new X509Certificate(new Uint8Array(signer.certChain[0]!));
			const key = await cert.publicKey.export({ name: 'ECDSA', namedCurve: 'P-256' }, ['verify']);
			const params = { name: 'ECDSA', hash: 'SHA-256' };
			return await crypto.subtle.verify(params, key, new Uint8Array(signature), probe);
		} catch {
			return false;
		}
	})();
	if (!ok) {
		throw new SigningError(
			'certificate.mismatch',
			'The private key does not belong to the first certificate of the chain'
		);
	}
}

/** A signer from a PKCS#8 P-256 key file and a PEM chain file (leaf first; a trailing root is dropped). */
export async function signerFromFiles(keyPath: string, certPath: string): Promise<CliIdentity> {
	const key = await importPkcs8Key(await readText(keyPath, 'The key file'));
	let chain = pemToDer(await readText(certPath, 'The certificate file'));
	if (chain.length === 0) throw new SigningError('certificate.file', `No certificate in ${certPath}`);
	if (chain.length > 1) {
		const last = summarizeCertificate(chain[chain.length - 1]!);
		if (last.subject === last.issuer) chain = chain.slice(0, -1); // the root does not travel in x5chain
	}
	const signer = webCryptoSigner(key, chain);
	await checkPair(signer);
	const leaf = summarizeCertificate(chain[0]!);
	return { signer, name: leaf.commonName ?? leaf.subject, created: false };
}

interface StoredIdentity {
	displayName: string;
	created: string;
}

const FILES = { key: 'signing-key.pem', chain: 'signing-chain.pem', root: 'root.pem', info: 'identity.json' };

async function writePrivate(file: string, text: string): Promise<void> {
	const temp = `${file}.partial-${process.pid}`;
	await writeFile(temp, text, { mode: 0o600 });
	await chmod(temp, 0o600);
	await rename(temp, file);
}

/**
 * Loads the local identity, or creates it (named `displayName`) when there is none or its signing
 * certificate has expired.
 */
export async function loadOrCreateIdentity(displayName: string, dir = identityDir()): Promise<CliIdentity> {
	const paths = Object.fromEntries(
		Object.entries(FILES).map(([k, f]) => [k, path.join(dir, f)])
	) as typeof FILES;
	try {
		const [keyPem, chainPem] = await Promise.all([
			readFile(paths.key, 'utf8'),
			readFile(paths.chain, 'utf8')
		]);
		const chain = pemToDer(chainPem);
		const leaf = summarizeCertificate(chain[0]!);
		if (leaf.notAfter > new Date()) {
			const key = await importPkcs8Key(keyPem);
			return {
				signer: webCryptoSigner(key, chain),
				name: leaf.commonName ?? displayName,
				rootPath: paths.root,
				created: false
			};
		}
	} catch {
		// none yet, unreadable, or expired: make a new one
	}
	const identity = await createLocalIdentity(displayName, { extractable: true });
	try {
		await mkdir(dir, { recursive: true, mode: 0o700 });
		await writePrivate(paths.key, await exportPkcs8Pem(identity.privateKey));
		await writeFile(paths.chain, derToPem(identity.leaf));
		await writeFile(paths.root, derToPem(identity.root));
		const info: StoredIdentity = { displayName: identity.displayName, created: new Date().toISOString() };
		await writeFile(paths.info, `${JSON.stringify(info, null, '\t')}\n`);
	} catch (error) {
		await rm(paths.key, { force: true }).catch(() => undefined);
		const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
		throw new SigningError(
			'certificate.store',
			`The signing identity cannot be stored in ${dir} (${code}); set RAKKAN_IDENTITY_DIR or give --key and --cert`
		);
	}
	const key = await importPkcs8Key(await exportPkcs8Pem(identity.privateKey));
	return {
		signer: webCryptoSigner(key, [identity.leaf]),
		name: identity.displayName,
		rootPath: paths.root,
		created: true
	};
}
