// Signing an export in a worker (sign-worker.ts), so the page's main thread stays free; the worker is gone
// when the promise settles.
import type { ProvenanceInput } from '../c2pa/manifest';

export interface SignRequest {
	bytes: Uint8Array;
	/** The signed file's MIME type. */
	type: string;
	input: ProvenanceInput;
	privateKey: CryptoKey;
	certChain: Uint8Array[];
}

export type SignResponse = { signed: Blob } | { error: string };

/**
 * The image with its XMP and signed C2PA manifest, as a file of `type`; `bytes` is handed to the worker
 * (not read after). The file is made there too: a Blob of tens of megabytes is a copy the page need not make.
 */
export function signInWorker(request: SignRequest): Promise<Blob> {
	const worker = new Worker(new URL('./sign-worker.ts', import.meta.url), { type: 'module' });
	return new Promise<Blob>((resolve, reject) => {
		worker.onmessage = (event: MessageEvent<SignResponse>) => {
			if ('signed' in event.data) resolve(event.data.signed);
			else reject(new Error(event.data.error));
		};
		worker.onerror = (event) => reject(new Error(`The signing worker failed: ${event.message}`));
		worker.postMessage(request, [request.bytes.buffer as ArrayBuffer]);
	}).finally(() => worker.terminate());
}
