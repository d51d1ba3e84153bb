/// <reference lib="webworker" />
// A one-shot worker that signs an export: writing the XMP and the manifest copies and hashes the whole file
// (tens of megabytes for a 24 MP PNG), which would otherwise hold the page's main thread for a long task.
// The signing key travels as a CryptoKey (structured clone keeps it non-extractable).
import { signImage } from '../c2pa/manifest';
import { webCryptoSigner } from '../c2pa/signer';
import type { SignRequest, SignResponse } from './sign';

declare const self: DedicatedWorkerGlobalScope;

self.onmessage = async (event: MessageEvent<SignRequest>) => {
	const { bytes, type, input, privateKey, certChain } = event.data;
	let response: SignResponse;
	try {
		const signed = await signImage(bytes, input, webCryptoSigner(privateKey, certChain));
		response = { signed: new Blob([signed as Uint8Array<ArrayBuffer>], { type }) };
	} catch (error) {
		response = { error: error instanceof Error ? error.message : String(error) };
	}
	self.postMessage(response);
};
