// Paints tiles on several threads (Web Workers in the studio, worker threads in the CLI), each with
// its own tfjs engine: the CPU path's parallelism, since threaded wasm gains nothing here. The pool
// only queues and routes: tiles one per thread; a statistics pass's bands on as many threads at once,
// their moments reduced here; tiles that follow a pass, several per thread, each layer's statistics
// sent to them as soon as the pass has them; and a picture's tiles that read the statistics together,
// all at once, spread over the threads, their moments reduced here like bands'. Each thread kind
// supplies a TilePort. Whoever creates a pool disposes it.
import type {
	BandCoordinator,
	StatsPass,
	StatsRequest,
	TilePainter,
	TileRequest,
	TogetherPass
} from './engine';
import type { BandPass, StatsFeed, TileStats } from './model';
import type { StatsBand } from '../kernels/tiling';
import { BandReducer, FeedBuffer } from './stats-bands';
import { EngineError } from './types';

/** One item a statistics pass has published (see FEED_SHARED, meanItem and varianceItem). */
export type FeedItem = [item: number, values: Float32Array];

/** What the pool sends a thread: a tile (with what the pass it follows has published so far), the
 * bands of a statistics pass, a layer's moments for a band, or what a followed pass published since. */
export type PainterMessage =
	| { id: number; request: TileRequest; published?: FeedItem[] }
	| { id: number; together: { request: TileRequest; band: StatsBand; shared: Float32Array } }
	| { id: number; statistics: { request: StatsRequest; band: StatsBand } }
	| { id: number; reduced: { band: number; moments: Float32Array } | { band: number; error: string } }
	| { feed: number; published: FeedItem[] }
	| { feed: number; error: string };

/** What a thread answers: a tile's pixels or a pass's statistics (or the error that ended them), a
 * band's moments of a layer and what it publishes for following tiles, or word that its band failed
 * (before its final answer, so none waits). */
export type TileReply =
	| { id: number; rgb: Float32Array; stats?: TileStats }
	| { id: number; stats: TileStats }
	| { id: number; error: string }
	| { id: number; partial: { band: number; layer: number; moments: Float32Array; count: number } }
	| { id: number; published: FeedItem }
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

/** A statistics pass: its bands' reducer, what it published, the tiles following it, and its result. */
interface Pass {
	id: number;
	reducer: BandReducer;
	/** Bands still running. */
	parts: number;
	stats?: TileStats;
	error?: Error;
	waiting: Waiting<TileStats>;
	settled: boolean;
	published: FeedItem[];
	/** The most tiles following it one thread holds. */
	depth: number;
	/** Tiles following it, queued or in flight. */
	followers: number;
}

type Queued =
	| { request: TileRequest; waiting: Waiting<Float32Array>; follows?: Pass }
	| { statistics: StatsRequest; bands: StatsBand[]; pass: Pass };

/** A tile in flight (following a pass, or a band of one its tiles read together), or a pass's band. */
type InFlight =
	| { port: TilePort; tile: Waiting<Float32Array>; follows?: Pass; band?: Pass }
	| { port: TilePort; pass: Pass };

export class TilePool implements TilePainter {
	/** Threads still running: one that failed gets no more work, and passes are planned without it. */
	private readonly live: Set<TilePort>;
	private readonly queue: Queued[] = [];
	private readonly inFlight = new Map<number, InFlight>();
	/** Passes running, or over with tiles still following them. */
	private readonly passes = new Map<number, Pass>();
	private nextId = 1;
	private nextPass = 1;

	constructor(private readonly ports: TilePort[]) {
		if (ports.length === 0) throw new EngineError('a tile pool needs at least one thread');
		this.live = new Set(ports);
		for (const port of ports) {
			port.listen(
				(reply) => this.settle(port, reply),
				(message) => this.fail(port, new EngineError(`a painter thread failed: ${message}`))
			);
		}
	}

	get concurrency(): number {
		return Math.max(1, this.live.size);
	}

	paint(request: TileRequest): Promise<Float32Array> {
		return new Promise((resolve, reject) => {
			let follows: Pass | undefined;
			if (request.follow !== undefined) {
				follows = this.passes.get(request.follow);
				if (!follows) return reject(new EngineError('the statistics pass this tile follows is over'));
				follows.followers++;
			}
			this.queue.push({ request, waiting: { resolve, reject }, follows });
			this.dispatch();
		});
	}

	/**
	 * Runs a statistics pass's bands (no more than threads), one per thread and all at once: a band
	 * waits for the others at every layer, so they cannot queue behind each other. Tiles that follow the
	 * pass (by its id) go to the other threads, up to `depth` on each.
	 */
	statistics(request: StatsRequest, bands: StatsBand[], depth = 0): StatsPass {
		const { pass, stats } = this.startPass(bands.length, depth);
		if (bands.length === 0 || bands.length > this.live.size) {
			this.refusePass(
				pass,
				new EngineError(
					`${bands.length} statistics bands need as many threads; ${this.live.size} are running`
				)
			);
		} else {
			this.queue.push({ statistics: request, bands, pass });
			this.dispatch();
		}
		return { id: pass.id, stats };
	}

	/**
	 * Paints a picture's tiles that read the whole image's statistics together (see tileBands): all at
	 * once, each thread taking an even share of their pixels, each tile a band of the pass. `cancel`
	 * ends their waits; they then fail.
	 */
	together(
		requests: TileRequest[],
		bands: StatsBand[],
		shared: Float32Array,
		onLayer?: (layer: number) => void
	): TogetherPass {
		const { pass, stats } = this.startPass(requests.length, 0, onLayer);
		const load = new Map([...this.live].map((port) => [port, 0]));
		const tiles = requests.map(
			(request, i) =>
				new Promise<Float32Array>((resolve, reject) => {
					// The tiles wait for each other at every norm, so none may queue behind another.
					const [port] = [...load].sort((a, b) => a[1] - b[1])[0] ?? [];
					if (!port) return reject(new EngineError('the painter threads failed (none left)'));
					load.set(port, load.get(port)! + request.work.width * request.work.height);
					const id = this.nextId++;
					this.inFlight.set(id, { port, tile: { resolve, reject }, band: pass });
					port.post({ id, together: { request, band: bands[i]!, shared } });
				})
		);
		if (load.size === 0) this.refusePass(pass, new EngineError('the painter threads failed (none left)'));
		return {
			tiles,
			stats,
			cancel: (error) => {
				if (!pass.settled) this.abort(pass, error);
			}
		};
	}

	async dispose(): Promise<void> {
		const error = new EngineError('the painter threads were stopped');
		for (const entry of this.inFlight.values()) {
			if ('tile' in entry) entry.tile.reject(error);
		}
		for (const head of this.queue) {
			if ('request' in head) head.waiting.reject(error);
		}
		this.inFlight.clear();
		this.queue.length = 0;
		for (const pass of this.passes.values()) this.refusePass(pass, error);
		await Promise.all(this.ports.map((port) => port.terminate()));
	}

	/** A pass of `parts` bands, known by its id from now on; what its bands publish goes to its followers. */
	private startPass(
		parts: number,
		depth: number,
		onLayer?: (layer: number) => void
	): { pass: Pass; stats: Promise<TileStats> } {
		let waiting!: Waiting<TileStats>;
		const stats = new Promise<TileStats>((resolve, reject) => (waiting = { resolve, reject }));
		const pass: Pass = {
			id: this.nextPass++,
			reducer: new BandReducer(parts, (item, values) => this.publish(pass, item, values), onLayer),
			parts,
			waiting,
			settled: false,
			published: [],
			depth,
			followers: 0
		};
		this.passes.set(pass.id, pass);
		return { pass, stats };
	}

	/** Sends queued work to threads in order; a pass waits at the head until it has its threads. */
	private dispatch(): void {
		while (this.queue.length) {
			const head = this.queue[0]!;
			// Work that no thread left can do is refused rather than left waiting for ever.
			const threads = 'request' in head ? 1 : head.bands.length;
			if (threads > this.live.size) {
				this.queue.shift();
				const error = new EngineError(`the painter threads failed (${this.live.size} left)`);
				if ('request' in head) this.refuse(head, error);
				else this.refusePass(head.pass, error);
				continue;
			}
			if ('request' in head) {
				const { follows } = head;
				if (follows?.error) {
					this.queue.shift();
					this.refuse(head, follows.error);
					continue;
				}
				const following = follows && !follows.settled ? follows : undefined;
				const port = this.portFor(following);
				if (!port) return;
				this.queue.shift();
				const id = this.nextId++;
				this.inFlight.set(id, { port, tile: head.waiting, follows });
				// A tile queued while its pass ran and sent after it ended takes the pass's statistics.
				if (following) port.post({ id, request: head.request, published: following.published });
				else if (follows)
					port.post({ id, request: { ...head.request, follow: undefined, stats: follows.stats } });
				else port.post({ id, request: head.request });
				continue;
			}
			const idle = this.idlePorts();
			if (idle.length < threads) return;
			this.queue.shift();
			head.bands.forEach((band, i) => {
				const id = this.nextId++;
				this.inFlight.set(id, { port: idle[i]!, pass: head.pass });
				idle[i]!.post({ id, statistics: { request: head.statistics, band } });
			});
		}
	}

	/** Live threads with nothing in flight. */
	private idlePorts(): TilePort[] {
		const busy = new Set([...this.inFlight.values()].map((entry) => entry.port));
		return [...this.live].filter((port) => !busy.has(port));
	}

	/** A thread for a tile: an idle one, or for a tile following a running pass one that holds only
	 * tiles following it, fewer than its depth. */
	private portFor(following: Pass | undefined): TilePort | undefined {
		const idle = this.idlePorts();
		if (idle.length || !following) return idle[0];
		const held = new Map<TilePort, number>();
		for (const entry of this.inFlight.values()) {
			const count = 'tile' in entry && entry.follows === following ? 1 : Infinity;
			held.set(entry.port, (held.get(entry.port) ?? 0) + count);
		}
		return [...held].find(([port, count]) => this.live.has(port) && count < following.depth)?.[0];
	}

	/** Sends an item a pass published to every thread holding tiles that follow it. */
	private publish(pass: Pass, item: number, values: Float32Array): void {
		pass.published.push([item, values]);
		for (const port of this.followingPorts(pass)) port.post({ feed: pass.id, published: [[item, values]] });
	}

	private followingPorts(pass: Pass): Set<TilePort> {
		const ports = new Set<TilePort>();
		for (const entry of this.inFlight.values()) {
			if ('tile' in entry && entry.follows === pass) ports.add(entry.port);
		}
		return ports;
	}

	/** A pass failed: its bands stop waiting, the tiles following it fail, and it ends once its bands have. */
	private abort(pass: Pass, error: Error): void {
		if (!pass.error) {
			pass.error = error;
			pass.reducer.fail(error);
			for (const port of this.followingPorts(pass)) port.post({ feed: pass.id, error: error.message });
		}
		this.end(pass);
	}

	/** Ends a pass none of whose bands runs (never started, or the pool stopped) with `error`. */
	private refusePass(pass: Pass, error: Error): void {
		pass.parts = 0;
		this.abort(pass, error);
	}

	/** Settles a pass once its bands have all answered, and forgets it once no tile follows it. */
	private end(pass: Pass): void {
		if (pass.parts === 0 && !pass.settled) {
			pass.settled = true;
			if (pass.stats && !pass.error) pass.waiting.resolve(pass.stats);
			else pass.waiting.reject(pass.error ?? new EngineError('a statistics pass ended without statistics'));
		}
		if (pass.settled && pass.followers === 0) this.passes.delete(pass.id);
	}

	private refuse(head: Extract<Queued, { request: TileRequest }>, error: Error): void {
		head.waiting.reject(error);
		if (head.follows) {
			head.follows.followers--;
			this.end(head.follows);
		}
	}

	private settle(port: TilePort, reply: TileReply): void {
		const entry = this.inFlight.get(reply.id);
		if (!entry) return;
		if ('pass' in entry) {
			const { pass } = entry;
			if ('partial' in reply) return this.reduceFor(port, reply.id, pass, reply.partial);
			if ('published' in reply) return pass.reducer.publish(...reply.published);
			if ('failure' in reply) return this.abort(pass, new EngineError(reply.failure));
			this.inFlight.delete(reply.id);
			pass.parts--;
			if ('stats' in reply) {
				pass.stats ??= reply.stats;
				this.end(pass);
			} else {
				this.abort(
					pass,
					new EngineError('error' in reply ? reply.error : 'a painter thread answered out of turn')
				);
			}
		} else if (entry.band) {
			const pass = entry.band;
			if ('partial' in reply) return this.reduceFor(port, reply.id, pass, reply.partial);
			if ('failure' in reply) return this.abort(pass, new EngineError(reply.failure));
			this.inFlight.delete(reply.id);
			pass.parts--;
			if ('rgb' in reply) {
				pass.stats ??= reply.stats;
				entry.tile.resolve(reply.rgb);
				this.end(pass);
			} else {
				const error = new EngineError(
					'error' in reply ? reply.error : 'a painter thread answered out of turn'
				);
				entry.tile.reject(error);
				this.abort(pass, error);
			}
		} else {
			this.inFlight.delete(reply.id);
			if ('rgb' in reply) entry.tile.resolve(reply.rgb);
			else
				entry.tile.reject(
					new EngineError('error' in reply ? reply.error : 'a painter thread answered out of turn')
				);
			if (entry.follows) {
				entry.follows.followers--;
				this.end(entry.follows);
			}
		}
		this.dispatch();
	}

	/** Adds a band's moments of a layer to its pass, and sends it the whole image's once all have come. */
	private reduceFor(
		port: TilePort,
		id: number,
		pass: Pass,
		{ band, layer, moments, count }: Extract<TileReply, { partial: unknown }>['partial']
	): void {
		pass.reducer.reduce(band, layer, moments, count).then(
			(whole) => port.post({ id, reduced: { band, moments: whole } }),
			(error: Error) => port.post({ id, reduced: { band, error: error.message } })
		);
	}

	private fail(port: TilePort, error: Error): void {
		this.live.delete(port);
		for (const [id, entry] of this.inFlight) {
			if (entry.port !== port) continue;
			this.inFlight.delete(id);
			if ('tile' in entry) {
				entry.tile.reject(error);
				if (entry.follows) {
					entry.follows.followers--;
					this.end(entry.follows);
				}
				if (entry.band) {
					entry.band.parts--;
					this.abort(entry.band, error);
				}
				continue;
			}
			// The pass's other bands are told by the reducer and answer; the pass ends with them.
			entry.pass.parts--;
			this.abort(entry.pass, error);
		}
		this.dispatch();
	}
}

/**
 * A painter thread's side: paints each tile and runs each statistics band with its engine, and replies
 * (transferring the pixels). A band's moments go to the pool and come back reduced; what a followed
 * pass publishes is kept here while tiles on this thread follow it.
 */
export function servePainter(
	engine: {
		paintTile(request: TileRequest, feed?: StatsFeed): Promise<Float32Array>;
		statsBand(request: StatsRequest, band: StatsBand, coordinator: BandCoordinator): Promise<TileStats>;
		paintBand(
			request: TileRequest,
			shared: Float32Array,
			band: BandPass
		): Promise<{ rgb: Float32Array; stats: TileStats }>;
	},
	reply: (message: TileReply, transfer: ArrayBuffer[]) => void
): (message: PainterMessage) => void {
	const reducing = new Map<number, Waiting<Float32Array>>();
	const feeds = new Map<number, { buffer: FeedBuffer; tiles: number }>();
	// A band's moments of a layer go to the pool, and the whole image's come back for message `id`.
	const reduce = (id: number, band: number, layer: number, moments: Float32Array, count: number) =>
		new Promise<Float32Array>((resolve, reject) => {
			reducing.set(id, { resolve, reject });
			reply({ id, partial: { band, layer, moments, count } }, []);
		});
	return (message) => {
		if ('feed' in message) {
			const buffer = feeds.get(message.feed)?.buffer;
			if ('error' in message) buffer?.fail(new EngineError(message.error));
			else for (const [item, values] of message.published) buffer?.add(item, values);
			return;
		}
		const { id } = message;
		if ('request' in message) {
			const { follow } = message.request;
			const feed =
				follow === undefined ? undefined : (feeds.get(follow) ?? { buffer: new FeedBuffer(), tiles: 0 });
			if (feed) {
				feeds.set(follow!, feed);
				feed.tiles++;
				for (const [item, values] of message.published ?? []) feed.buffer.add(item, values);
			}
			engine
				.paintTile(message.request, feed?.buffer.item)
				.then(
					(rgb) => reply({ id, rgb }, [rgb.buffer as ArrayBuffer]),
					(error: Error) => reply({ id, error: error.message }, [])
				)
				.finally(() => {
					if (feed && --feed.tiles === 0) feeds.delete(follow!);
				});
		} else if ('together' in message) {
			const { request, band, shared } = message.together;
			engine
				.paintBand(request, shared, {
					...band,
					reduce: (layer, moments, count) => reduce(id, band.index, layer, moments, count),
					publish: () => undefined
				})
				.then(
					({ rgb, stats }) => reply({ id, rgb, stats }, [rgb.buffer as ArrayBuffer]),
					(error: Error) => reply({ id, error: error.message }, [])
				);
		} else if ('statistics' in message) {
			const { request, band } = message.statistics;
			const coordinator: BandCoordinator = {
				reduce: (index, layer, moments, count) => reduce(id, index, layer, moments, count),
				publish: (item, values) => reply({ id, published: [item, values] }, []),
				fail: (error) => reply({ id, failure: error.message }, [])
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
