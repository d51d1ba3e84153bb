// The page's glue to the canvas worker, driven by a hand-operated fake Worker.
import { describe, expect, it } from 'vitest';
import { CanvasWorkerClient } from '../../src/lib/canvas/canvas-client';
import type { CanvasRequest, CanvasResponse } from '../../src/lib/canvas/canvas-protocol';
import { CanceledError } from '../../src/lib/engine/types';

class FakeWorker {
	onmessage: ((event: MessageEvent<CanvasResponse>) => void) | null = null;
	onerror: ((event: ErrorEvent) => void) | null = null;
	readonly posted: { message: CanvasRequest; transfer: Transferable[] }[] = [];
	terminated = false;

	postMessage(message: CanvasRequest, transfer: Transferable[] = []): void {
		this.posted.push({ message, transfer });
	}

	terminate(): void {
		this.terminated = true;
	}

	reply(message: CanvasResponse): void {
		this.onmessage?.({ data: message } as MessageEvent<CanvasResponse>);
	}
}

function clientWithWorkers() {
	const workers: FakeWorker[] = [];
	const client = new CanvasWorkerClient(() => {
		const worker = new FakeWorker();
		workers.push(worker);
		return worker as unknown as Worker;
	});
	return { client, workers };
}

const blob = new Blob([new Uint8Array([1, 2, 3])]);

describe('CanvasWorkerClient', () => {
	it('starts one worker when first needed, hands over transfers, and answers each job by its id', async () => {
		const { client, workers } = clientWithWorkers();
		expect(workers).toHaveLength(0);
		const pixels = { width: 1, height: 1, data: new Uint8ClampedArray(4) };
		const encoded = client.run('encode-png', { pixels }, { transfer: [pixels.data.buffer] });
		const box = client.run('shown-box', { blob, channel: 3 });
		expect(workers).toHaveLength(1);
		const [first, second] = workers[0]!.posted;
		expect(first!.transfer).toEqual([pixels.data.buffer]);
		const ref = { id: 'a'.repeat(64), width: 1, height: 1, mime: 'image/png' as const };
		workers[0]!.reply({ id: second!.message.id, output: { x: 0, y: 0, width: 1, height: 1 } });
		workers[0]!.reply({ id: first!.message.id, output: { bytes: new Uint8Array([9]), ref } });
		await expect(box).resolves.toEqual({ x: 0, y: 0, width: 1, height: 1 });
		await expect(encoded).resolves.toEqual({ bytes: new Uint8Array([9]), ref });
	});

	it("passes on the worker's error message", async () => {
		const { client, workers } = clientWithWorkers();
		const job = client.run('ref', { blob });
		workers[0]!.reply({ id: workers[0]!.posted[0]!.message.id, error: 'The image is truncated.' });
		await expect(job).rejects.toThrow('The image is truncated.');
	});

	it('a canceled job ends the worker, fails what was in flight as canceled, and the next job starts afresh', async () => {
		const { client, workers } = clientWithWorkers();
		const abort = new AbortController();
		const decode = client.run('pixels', { blob }, { signal: abort.signal });
		const other = client.run('ref', { blob });
		abort.abort();
		await expect(decode).rejects.toBeInstanceOf(CanceledError);
		await expect(other).rejects.toBeInstanceOf(CanceledError);
		expect(workers[0]!.terminated).toBe(true);
		// A late answer from the ended worker changes nothing; a new job gets a new worker.
		workers[0]!.reply({ id: workers[0]!.posted[0]!.message.id, output: null });
		const next = client.run('ref', { blob });
		expect(workers).toHaveLength(2);
		await expect(client.run('pixels', { blob }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
			CanceledError
		);
		client.dispose();
		expect(workers[1]!.terminated).toBe(true);
		await expect(next).rejects.toBeInstanceOf(CanceledError);
	});

	it('a crashed worker fails every job in flight with its message', async () => {
		const { client, workers } = clientWithWorkers();
		const job = client.run('ref', { blob });
		workers[0]!.onerror?.({ message: 'out of memory' } as ErrorEvent);
		await expect(job).rejects.toThrow('out of memory');
		expect(workers[0]!.terminated).toBe(true);
	});
});
