// What the TF Lite model families share: reading a card's .tflite file into a rebuilt graph, checking a
// graph is the network an adapter expects, and running fully convolutional networks at sizes they accept.
import type * as tf from '@tensorflow/tfjs';
import type { ModelCard } from '../../assets/catalog';
import type { StatTensors, TileStats } from '../model';
import { type AssetReader, EngineError } from '../types';
import type { Statistics, TfliteGraph } from './graph';
import { loadTflite } from './index';

type TF = typeof import('@tensorflow/tfjs');

/** Reads one TF Lite file of a card by role and rebuilds it. */
export async function readTfliteGraph(
	tf: TF,
	card: ModelCard,
	role: string,
	read: AssetReader,
	emulateQuantization: boolean
): Promise<TfliteGraph> {
	const file = card.files.find((f) => f.role === role);
	if (!file) throw new EngineError(`${card.id}: the catalog card has no file "${role}"`);
	// Read outside any conversion: an integrity or I/O error from the reader reaches the caller as it is.
	const bytes = await read(file);
	return loadTflite(tf, bytes, { emulateQuantization, label: `${card.id} ${role}` });
}

/** Whether a graph's inputs and outputs have these shapes (-1 in `expected` matches any size). */
export function hasSignature(
	graph: TfliteGraph,
	inputs: readonly (readonly number[])[],
	outputs: readonly (readonly number[])[]
): boolean {
	const same = (actual: readonly { shape: number[] }[], wanted: readonly (readonly number[])[]) =>
		actual.length === wanted.length &&
		actual.every((t, i) => {
			const w = wanted[i]!;
			return t.shape.length === w.length && t.shape.every((d, k) => w[k] === -1 || w[k] === d);
		});
	return same(graph.inputs, inputs) && same(graph.outputs, outputs);
}

/** A side the fully convolutional networks here accept: a multiple of 4 (two stride-2 stages and back),
 * at least `min` (reflect padding at the smallest scale needs at least 2 pixels there). */
export function networkSide(side: number, min = 16): number {
	return Math.max(min, Math.round(side / 4) * 4);
}

/** Runs `run` on an HxWx3 image resized to sides the network accepts, and resizes the result back. */
export function runAtNetworkSize(
	tf: TF,
	image: tf.Tensor3D,
	run: (input: tf.Tensor4D) => tf.Tensor4D
): tf.Tensor3D {
	return tf.tidy(() => {
		const [height = 1, width = 1] = image.shape;
		const size: [number, number] = [networkSide(height), networkSide(width)];
		const fits = size[0] === height && size[1] === width;
		const input = fits ? image : tf.image.resizeBilinear(image, size, true);
		const out = run(input.expandDims(0) as tf.Tensor4D).squeeze([0]) as tf.Tensor3D;
		return fits ? out : tf.image.resizeBilinear(out, [height, width], true);
	});
}

const STATISTIC = 'tflite:';

/** Runs `paint` with the graph recording its whole-image statistics, and returns them by TileStats name. */
export function recordStatistics(graph: TfliteGraph, paint: (statistics: Statistics) => void): StatTensors {
	const record = new Map<number, tf.Tensor>();
	try {
		paint({ record });
	} catch (error) {
		for (const tensor of record.values()) tensor.dispose();
		throw error;
	}
	return Object.fromEntries([...record].map(([index, tensor]) => [`${STATISTIC}${index}`, tensor]));
}

/** The statistics a tile must use instead of its own (tensors, for use inside a tidy). */
export function imposedStatistics(tf: TF, stats: TileStats | undefined): Statistics {
	if (!stats) return {};
	const impose = new Map<number, tf.Tensor>();
	for (const [name, stat] of Object.entries(stats)) {
		if (name.startsWith(STATISTIC))
			impose.set(Number(name.slice(STATISTIC.length)), tf.tensor(stat.data, stat.shape));
	}
	return { impose };
}
