// Shapes shared by the engine, the worker channel, the studio and the CLI.
import type { AssetFile } from '../assets/catalog';

/** RGBA pixels, row-major, 4 bytes a pixel: what ImageData holds, in the browser and in Node. */
export interface Pixels {
	width: number;
	height: number;
	data: Uint8ClampedArray;
}

/** Reads one verified catalog file; the browser fetches it from the studio, Node from the cache. */
export type AssetReader = (file: AssetFile) => Promise<Uint8Array>;

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface StylizeSettings {
	modelId: string;
	/** Keep the photo's colours and take only the painting's light and texture. */
	preserveColors: boolean;
	/** 0 keeps the photo's own style, 1 takes the reference's fully. */
	strength: number;
	/** Long side the network paints at; the result is resized to the output size. */
	workingSide: number;
	/** Long side the style reference is analysed at. */
	styleSide: number;
	/** Model-specific controls by name (see each model family); absent ones take the model's defaults. */
	options?: Readonly<Record<string, number>>;
	/** Tile side in working pixels: 'auto' picks one for the device, 0 paints in a single pass. */
	tile?: number | 'auto';
	output: { width: number; height: number };
}

export const STAGES = ['loading-model', 'analysing-style', 'painting', 'finishing'] as const;
export type Stage = (typeof STAGES)[number];

export interface Progress {
	stage: Stage;
	/** 0..1 over the whole job. */
	fraction: number;
	/** While painting: tiles finished and in all. */
	tiles?: { done: number; total: number };
	/** While tiles read their statistics together (all running at once): the norms all have passed,
	 * and in all; the tiles end soon after the last. */
	layers?: { done: number; total: number };
}

export const DEFAULT_SETTINGS = {
	strength: 1,
	preserveColors: false,
	tile: 'auto',
	workingSide: 768,
	styleSide: 256
} as const;

export class EngineError extends Error {
	override name = 'EngineError';
}

/** Thrown when a job is superseded or cancelled: an outcome, not a failure. */
export class CanceledError extends Error {
	override name = 'CanceledError';
	constructor() {
		super('canceled');
	}
}

/** A style reference and its share of the blend. */
export interface WeightedStyle {
	pixels: Pixels;
	weight: number;
}

export const MAX_BLENDED_STYLES = 4;

/** Checks 1..4 positive weights and scales them to sum to 1. */
export function normalizeStyleWeights(weights: number[]): number[] {
	if (weights.length < 1 || weights.length > MAX_BLENDED_STYLES) {
		throw new EngineError(`blend 1 to ${MAX_BLENDED_STYLES} styles, got ${weights.length}`);
	}
	if (weights.some((w) => !Number.isFinite(w) || w <= 0)) {
		throw new EngineError(`style weights must be positive numbers, got ${weights.join(', ')}`);
	}
	const total = weights.reduce((sum, w) => sum + w, 0);
	return weights.map((w) => w / total);
}

export function validateStrength(strength: number): number {
	if (!Number.isFinite(strength) || strength < 0 || strength > 1) {
		throw new EngineError(`strength must be a number from 0 to 1, got ${String(strength)}`);
	}
	return strength;
}
