// Small helpers for the benchmark: a deterministic test image, timing and statistics.
import type { Pixels } from '../src/lib/engine/types';
import { seededRandom } from '../tests/helpers/random';

/** A deterministic photo stand-in: colour gradients, concentric rings and seeded noise, opaque RGBA. */
export function contentImage(width: number, height: number, seed = 1): Pixels {
	const next = seededRandom(seed);
	const data = new Uint8ClampedArray(width * height * 4);
	const cx = width * 0.6;
	const cy = height * 0.4;
	const scale = Math.max(width, height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const u = x / Math.max(1, width - 1);
			const v = y / Math.max(1, height - 1);
			const ring = 0.5 + 0.5 * Math.sin((Math.hypot(x - cx, y - cy) / scale) * 40);
			const noise = (next() - 0.5) * 48;
			const i = (y * width + x) * 4;
			data[i] = 255 * u * 0.8 + 40 * ring + noise;
			data[i + 1] = 255 * v * 0.7 + 60 * ring + noise;
			data[i + 2] = 255 * (1 - u) * 0.6 + 255 * v * 0.3 + noise;
			data[i + 3] = 255;
		}
	}
	return { width, height, data };
}

/** Wall-clock milliseconds of one call, sync or async. */
export async function time(fn: () => unknown): Promise<number> {
	const start = performance.now();
	await fn();
	return performance.now() - start;
}

export function median(values: number[]): number {
	if (values.length === 0) throw new RangeError('median of no values');
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function msPerMegapixel(ms: number, size: { width: number; height: number }): number {
	return ms / ((size.width * size.height) / 1e6);
}

export function round(value: number, digits = 1): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

/** Progress for humans, on stderr (stdout carries only the JSON). */
export function progress(message: string): void {
	console.error(`[bench] ${message}`);
}

export function megapixels(size: { width: number; height: number }): number {
	return (size.width * size.height) / 1e6;
}

/**
 * The process's resident set size, sampled on a timer and whenever `sample()` is called. A timer
 * cannot fire during synchronous tensor work, so callers also sample right after each tile (the wasm
 * heap never shrinks, so its growth during a tile is still resident afterwards).
 */
export interface RssSampler {
	sample(): number;
	/** The largest sample since the start or the last reset. */
	readonly peak: number;
	/** Starts a new peak from the current size. */
	reset(): void;
	stop(): void;
}

export function sampleRss(intervalMs = 20): RssSampler {
	let peak = process.memoryUsage.rss();
	const sample = () => {
		const rss = process.memoryUsage.rss();
		if (rss > peak) peak = rss;
		return rss;
	};
	const timer = setInterval(sample, intervalMs);
	timer.unref();
	return {
		sample,
		get peak() {
			return peak;
		},
		reset: () => {
			peak = process.memoryUsage.rss();
		},
		stop: () => clearInterval(timer)
	};
}

/** The operating system's peak resident set size of this process so far (all threads), in bytes. */
export function processMaxRss(): number {
	return process.resourceUsage().maxRSS * 1024;
}

/** Milliseconds of CPU time (user + system, all threads) in a process.cpuUsage() reading. */
export function cpuMs(usage: NodeJS.CpuUsage): number {
	return (usage.user + usage.system) / 1000;
}
