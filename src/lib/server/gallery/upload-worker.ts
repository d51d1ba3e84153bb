// One upload worker thread: verifies an upload's Content Credentials, renders its thumbnail and fingerprints
// its pixels (or, for a soft-binding lookup, only fingerprints an image), one job at a time, so that whatever a hostile file makes the verifier or the decoder do happens off the
// server's event loop, within the budget the pool enforces.
import { parentPort } from 'node:worker_threads';
import type { UploadJob, UploadJobResult } from './upload-pool';
import { fingerprintImage, processUpload, UploadError } from './uploads';
import type { WorkerReply } from './worker-pool';

const port = parentPort!;

async function handle({ task, bytes, limits }: UploadJob): Promise<void> {
	let reply: WorkerReply<UploadJobResult>;
	try {
		if (task === 'fingerprint') {
			const value: UploadJobResult = { fingerprint: await fingerprintImage(bytes, limits) };
			port.postMessage({ ok: true, value } satisfies WorkerReply<UploadJobResult>);
			return;
		}
		const value = await processUpload(bytes, limits);
		port.postMessage({ ok: true, value } satisfies WorkerReply<UploadJobResult>, [
			value.thumbnail.buffer as ArrayBuffer
		]);
		return;
	} catch (error) {
		reply =
			error instanceof UploadError
				? { ok: false, message: error.message, status: error.status }
				: { ok: false, message: error instanceof Error ? error.message : String(error) };
	}
	port.postMessage(reply);
}

port.on('message', (job: UploadJob) => void handle(job));

port.postMessage({ ready: true } satisfies WorkerReply<UploadJobResult>);
