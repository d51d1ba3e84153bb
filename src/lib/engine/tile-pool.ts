// Paints tiles on several threads (Web Workers in the studio, worker threads in the CLI), each with
// its own tfjs engine: the CPU path's parallelism, since threaded wasm gains nothing here. The pool
// only queues and routes; each thread kind supplies a TilePort. Whoever creates a pool disposes it.
import type { TilePainter, TileRequest } from './engine';
import { EngineError } from './types';

export type TileReply = { id: number; rgb: Float32Array } | { id: number; error: string };

/** One painter thread, as the pool sees it. */
export interface TilePort {
	post(message: { id: number; request: TileRequest }): void;
	/** Registers the handlers for the thread's replies and for its failure. */
	listen(onReply: (reply: TileReply) => void, onFailure: (message: string) => void): void;
	terminate(): Promise<unknown> | void;
}

interface Waiting {
	resolve(rgb: Float32Array): void;
	reject(error: Error): void;
}

export class TilePool implements TilePainter {
	readonly concurrency: number;
	private readonly idle: TilePort[];
	private readonly queue: { request: TileRequest; waiting: Waiting }[] = [];
	private readonly inFlight = new Map<number, { port: TilePort; waiting: Waiting }>();
	private nextId = 1;

	constructor(private readonly ports: TilePort[]) {
		if (ports.length === 0) throw new EngineError('a tile pool needs at least one thread');
		this.concurrency = ports.length;
		for (const port of ports) {
			port.listen(
				(reply) => this.settle(port, reply),
				(message) => this.fail(port, new EngineError(`a painter thread failed: ${message}`))
			);
		}
		this.idle = [...ports];
	}

	paint(request: TileRequest): Promise<Float32Array> {
		return new Promise((resolve, reject) => {
			this.queue.push({ request, waiting: { resolve, reject } });
			this.dispatch();
		});
	}

	async dispose(): Promise<void> {
		for (const { waiting } of [...this.inFlight.values(), ...this.queue]) {
			waiting.reject(new EngineError('the painter threads were stopped'));
		}
		this.inFlight.clear();
		this.queue.length = 0;
		await Promise.all(this.ports.map((port) => port.terminate()));
	}

	private dispatch(): void {
		while (this.idle.length && this.queue.length) {
			const port = this.idle.pop()!;
			const { request, waiting } = this.queue.shift()!;
			const id = this.nextId++;
			this.inFlight.set(id, { port, waiting });
			port.post({ id, request });
		}
	}

	private settle(port: TilePort, reply: TileReply): void {
		const entry = this.inFlight.get(reply.id);
		if (!entry) return;
		this.inFlight.delete(reply.id);
		this.idle.push(port);
		if ('rgb' in reply) entry.waiting.resolve(reply.rgb);
		else entry.waiting.reject(new EngineError(reply.error));
		this.dispatch();
	}

	private fail(port: TilePort, error: Error): void {
		for (const [id, entry] of this.inFlight) {
			if (entry.port !== port) continue;
			this.inFlight.delete(id);
			entry.waiting.reject(error);
		}
	}
}

/** A painter thread's side: paints each request with its engine and replies (transferring the pixels). */
export function serveTiles(
	paint: (request: TileRequest) => Promise<Float32Array>,
	reply: (message: TileReply, transfer: ArrayBuffer[]) => void
): (message: { id: number; request: TileRequest }) => void {
	return (message) => {
		paint(message.request).then(
			(rgb) => reply({ id: message.id, rgb }, [rgb.buffer as ArrayBuffer]),
			(error: Error) => reply({ id: message.id, error: error.message }, [])
		);
	};
}
