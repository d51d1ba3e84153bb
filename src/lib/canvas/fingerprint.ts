// The ISCC image code of an encoded export, computed from its decoded pixels in a worker.

/** The code of the pixels a viewer of `bytes` will see; the worker is gone when this settles. */
export function fingerprintEncoded(bytes: Uint8Array): Promise<string> {
	const worker = new Worker(new URL('./fingerprint-worker.ts', import.meta.url), { type: 'module' });
	return new Promise<string>((resolve, reject) => {
		worker.onmessage = (event: MessageEvent<{ code?: string; error?: string }>) => {
			if (event.data.code) resolve(event.data.code);
			else reject(new Error(`The export's fingerprint could not be computed: ${event.data.error}`));
		};
		worker.onerror = (event) => reject(new Error(`The fingerprint worker failed: ${event.message}`));
		worker.postMessage(bytes.slice());
	}).finally(() => worker.terminate());
}
