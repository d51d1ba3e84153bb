// Paints tiles on several threads (Web Workers in the studio, worker threads in the CLI), each with
// its own tfjs engine: the CPU path's parallelism, since threaded wasm gains nothing here. The pool
// only queues and routes: tiles one per thread, and a statistics pass's bands on all its threads at
// once, their moments reduced here. Each thread kind supplies a TilePort. Whoever creates a pool disposes it.
import type { BandCoordinator, StatsRequest, TilePainter, TileRequest } from './engine';
import type { TileStats } from './model';
import type { StatsBand } from '../kernels/tiling';
import { BandReducer } from './stats-bands';
import { EngineError } from './types';

/** What the pool sends a thread: a tile, the bands of a statistics pass, or a layer's moments for a band. */
export type PainterMessage =
	| { id: number; request: TileRequest }
	| { id: number; statistics: { request: StatsRequest; band: StatsBand } }
	| { id: number; reduced: { band: number; moments: Float32Array } | { band: number; error: string } };

/** What a thread answers: a tile's pixels or a pass's statistics (or the error that ended them), a
 * band's moments of a layer, or word that its bands failed (before its final answer, so none waits). */
export type TileReply =
	| { id: number; rgb: Float32Array }
	| { id: number; stats: TileStats }
	| { id: number; error: string }
	| { id: number; partial: { band: number; moments: Float32Array; count: number } }
	| { id: number; failure: string };

/** One painter thread, as the pool sees it. */
export interface TilePort {
	post(message: PainterMessage): void;
	/** Registers the handlers for the thread's replies and for its failure. */
	listen(onReply: (reply: TileReply) => void, onFailure: (message: string) => void): void;
	terminate(): Promise<unknown> | void;
}

interface Waiting<T> {
	resolve(value: T): void;
	reject(error: Error): void;
}

/** A statistics pass in flight: its threads' parts, the reducer of their moments, and the first result. */
interface Pass {
	reducer: BandReducer;
	parts: number;
	stats?: TileStats;
	error?: Error;
	waiting: Waiting<TileStats>;
}

type Queued =
	| { request: TileRequest; waiting: Waiting<Float32Array> }
	| { statistics: StatsRequest; bands: StatsBand[]; waiting: Waiting<TileStats> };

export class TilePool implements TilePainter {
	/** Threads still running: one that failed gets no more work, and passes are planned without it. */
	private readonly live: Set<TilePort>;
	private readonly idle: TilePort[];
	private readonly queue: Queued[] = [];
	private readonly inFlight = new Map<
		number,
		{ port: TilePort; tile: Waiting<Float32Array> } | { port: TilePort; pass: Pass }
	>();
	private nextId = 1;

	constructor(private readonly ports: TilePort[]) {
		if (ports.length === 0) throw new EngineError('a tile pool needs at least one thread');
		this.live = new Set(ports);
		for (const port of ports) {
			port.listen(
				(reply) => this.settle(port, reply),
				(message) => this.fail(port, new EngineError(`a painter thread failed: ${message}`))
			);
		}
		this.idle = [...ports];
	}

	get concurrency(): number {
		return Math.max(1, this.live.size);
	}

	paint(request: TileRequest): Promise<Float32Array> {
		return new Promise((resolve, reject) => {
			this.queue.push({ request, waiting: { resolve, reject } });
			this.dispatch();
		});
	}

	/** Runs a statistics pass's bands (no more than threads), one per thread and all at once: a band
	 * waits for the others at every layer, so they cannot queue behind each other. */
	statistics(request: StatsRequest, bands: StatsBand[]): Promise<TileStats> {
		if (bands.length > this.live.size) {
			return Promise.reject(
				new EngineError(
					`${bands.length} statistics bands need as many threads; ${this.live.size} are running`
				)
			);
		}
		return new Promise((resolve, reject) => {
			this.queue.push({ statistics: request, bands, waiting: { resolve, reject } });
			this.dispatch();
		});
	}

	async dispose(): Promise<void> {
		const error = new EngineError('the painter threads were stopped');
		for (const entry of this.inFlight.values()) {
			if ('tile' in entry) entry.tile.reject(error);
			else {
				// A pass has several threads in flight; settling it again changes nothing.
				entry.pass.reducer.fail(error);
				entry.pass.waiting.reject(error);
			}
		}
		for (const { waiting } of this.queue) waiting.reject(error);
		this.inFlight.clear();
		this.queue.length = 0;
		await Promise.all(this.ports.map((port) => port.terminate()));
	}

	/** Sends queued work to idle threads in order; a pass waits at the head until it has its threads. */
	private dispatch(): void {
		while (this.queue.length) {
			const head = this.queue[0]!;
			// Work that no thread left can do is refused rather than left waiting for ever.
			const threads = 'request' in head ? 1 : head.bands.length;
			if (threads > this.live.size) {
				this.queue.shift();
				head.waiting.reject(new EngineError(`the painter threads failed (${this.live.size} left)`));
				continue;
			}
			if (this.idle.length < threads) return;
			this.queue.shift();
			if ('request' in head) {
				const port = this.idle.pop()!;
				const id = this.nextId++;
				this.inFlight.set(id, { port, tile: head.waiting });
				port.post({ id, request: head.request });
				continue;
			}
			const { bands } = head;
			const pass: Pass = {
				reducer: new BandReducer(bands.length),
				parts: bands.length,
				waiting: head.waiting
			};
			for (const band of bands) {
				const port = this.idle.pop()!;
				const id = this.nextId++;
				this.inFlight.set(id, { port, pass });
				port.post({ id, statistics: { request: head.statistics, band } });
			}
		}
	}

	private settle(port: TilePort, reply: TileReply): void {
		const entry = this.inFlight.get(reply.id);
		if (!entry) return;
		if ('pass' in entry) {
			const { pass } = entry;
			if ('partial' in reply) {
				const { band, moments, count } = reply.partial;
				pass.reducer.reduce(band, moments, count).then(
					(whole) => port.post({ id: reply.id, reduced: { band, moments: whole } }),
					(error: Error) => port.post({ id: reply.id, reduced: { band, error: error.message } })
				);
				return;
			}
			if ('failure' in reply) {
				pass.reducer.fail(new EngineError(reply.failure));
				return;
			}
			if ('stats' in reply) pass.stats ??= reply.stats;
			else if ('error' in reply) {
				pass.error ??= new EngineError(reply.error);
				pass.reducer.fail(pass.error);
			}
		}
		this.inFlight.delete(reply.id);
		this.idle.push(port);
		if ('tile' in entry) {
			if ('rgb' in reply) entry.tile.resolve(reply.rgb);
			else
				entry.tile.reject(
					new EngineError('error' in reply ? reply.error : 'a painter thread answered out of turn')
				);
		} else if (--entry.pass.parts === 0) {
			const { pass } = entry;
			if (pass.stats && !pass.error) pass.waiting.resolve(pass.stats);
			else pass.waiting.reject(pass.error ?? new EngineError('a statistics pass ended without statistics'));
		}
		this.dispatch();
	}

	private fail(port: TilePort, error: Error): void {
		this.live.delete(port);
		const idle = this.idle.indexOf(port);
		if (idle >= 0) this.idle.splice(idle, 1);
		for (const [id, entry] of this.inFlight) {
			if (entry.port !== port) continue;
			this.inFlight.delete(id);
			if ('tile' in entry) {
				entry.tile.reject(error);
				continue;
			}
			// The pass's other threads are told by the reducer and answer; the pass ends with them.
			entry.pass.error ??= error;
			entry.pass.reducer.fail(error);
			if (--entry.pass.parts === 0) entry.pass.waiting.reject(error);
		}
		this.dispatch();
	}
}

/**
 * A painter thread's side: paints each tile and runs each statistics band with its engine, and replies
 * (transferring the pixels). A band's moments go to the pool and come back reduced.
 */
export function servePainter(
	engine: {
		paintTile(request: TileRequest): Promise<Float32Array>;
		statsBand(request: StatsRequest, band: StatsBand, coordinator: BandCoordinator): Promise<TileStats>;
	},
	reply: (message: TileReply, transfer: ArrayBuffer[]) => void
): (message: PainterMessage) => void {
	const reducing = new Map<number, Waiting<Float32Array>>();
	return (message) => {
		const { id } = message;
		if ('request' in message) {
			engine.paintTile(message.request).then(
				(rgb) => reply({ id, rgb }, [rgb.buffer as ArrayBuffer]),
				(error: Error) => reply({ id, error: error.message }, [])
			);
		} else if ('statistics' in message) {
			const { request, band } = message.statistics;
			const coordinator = {
				reduce: (index: number, moments: Float32Array, count: number) =>
					new Promise<Float32Array>((resolve, reject) => {
						reducing.set(id, { resolve, reject });
						reply({ id, partial: { band: index, moments, count } }, []);
					}),
				fail: (error: Error) => reply({ id, failure: error.message }, [])
			};
			engine.statsBand(request, band, coordinator).then(
				(stats) => reply({ id, stats }, []),
				(error: Error) => reply({ id, error: error.message }, [])
			);
		} else {
			const waiting = reducing.get(id);
			reducing.delete(id);
			if ('moments' in message.reduced) waiting?.resolve(message.reduced.moments);
			else waiting?.reject(new EngineError(message.reduced.error));
		}
	};
}
