// The ISCC image code of an encoded export, computed from its decoded pixels in a worker.

/**
 * The code of the pixels a viewer of `bytes` will see. `bytes` is handed to the worker and comes back
 * with the code (read the returned bytes, not the argument); the worker is gone when this settles.
 */
export function fingerprintEncoded(bytes: Uint8Array): Promise<{ code: string; bytes: Uint8Array }> {
	const worker = new Worker(new URL('./fingerprint-worker.ts', import.meta.url), { type: 'module' });
	return new Promise<{ code: string; bytes: Uint8Array }>((resolve, reject) => {
		worker.onmessage = (event: MessageEvent<FingerprintReply>) => {
			const reply = event.data;
			if ('code' in reply) resolve(reply);
			else reject(new Error(`The export's fingerprint could not be computed: ${reply.error}`));
		};
		worker.onerror = (event) => reject(new Error(`The fingerprint worker failed: ${event.message}`));
		// Handed over, not copied: copying and cloning tens of megabytes held the page for a long task.
		worker.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
	}).finally(() => worker.terminate());
}

/** The worker's answer: the code, or why not; with the bytes it was handed, handed back. */
export type FingerprintReply = { code: string; bytes: Uint8Array } | { error: string; bytes: Uint8Array };
