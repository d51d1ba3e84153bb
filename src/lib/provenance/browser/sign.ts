// Signing an export in a worker (sign-worker.ts), so the page's main thread stays free; the worker is gone
// when the promise settles.
import type { ProvenanceInput } from '../c2pa/manifest';

export interface SignRequest {
	bytes: Uint8Array;
	input: ProvenanceInput;
	privateKey: CryptoKey;
	certChain: Uint8Array[];
}

export type SignResponse = { signed: Uint8Array } | { error: string };

/** The image with its XMP and signed C2PA manifest; `bytes` is handed to the worker (not read after). */
export function signInWorker(request: SignRequest): Promise<Uint8Array> {
	const worker = new Worker(new URL('./sign-worker.ts', import.meta.url), { type: 'module' });
	return new Promise<Uint8Array>((resolve, reject) => {
		worker.onmessage = (event: MessageEvent<SignResponse>) => {
			if ('signed' in event.data) resolve(event.data.signed);
			else reject(new Error(event.data.error));
		};
		worker.onerror = (event) => reject(new Error(`The signing worker failed: ${event.message}`));
		worker.postMessage(request, [request.bytes.buffer as ArrayBuffer]);
	}).finally(() => worker.terminate());
}
