// One upload worker thread: verifies an upload's Content Credentials and renders its thumbnail, one job
// at a time, so that whatever a hostile file makes the verifier or the decoder do happens off the
// server's event loop, within the budget the pool enforces.
import { parentPort } from 'node:worker_threads';
import { processUpload, UploadError, type ProcessedUpload, type UploadLimits } from './uploads';
import type { WorkerReply } from './worker-pool';

const port = parentPort!;

async function handle({ bytes, limits }: { bytes: Uint8Array; limits: UploadLimits }): Promise<void> {
	let reply: WorkerReply<ProcessedUpload>;
	try {
		const value = await processUpload(bytes, limits);
		port.postMessage({ ok: true, value } satisfies WorkerReply<ProcessedUpload>, [
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

port.on('message', (job: { bytes: Uint8Array; limits: UploadLimits }) => void handle(job));

port.postMessage({ ready: true } satisfies WorkerReply<ProcessedUpload>);
