// Reading results off the device, always asynchronously: a synchronous read (dataSync) on the WebGPU
// backend broke the device for every later upload in Chromium 156 (tfjs 4.22: "createBuffer failed ...
// too large for the implementation"), and on any GPU it blocks the thread until the queue drains.
import type * as tf from '@tensorflow/tfjs';
import type { StatTensors, TileStats } from './model';

/** Reads statistics off the device as plain arrays and frees the tensors. */
export async function readTileStats(tensors: StatTensors): Promise<TileStats> {
	try {
		const entries = await Promise.all(
			Object.entries(tensors).map(async ([name, tensor]) => {
				const data = Float32Array.from(await tensor.data());
				return [name, { shape: tensor.shape, data }] as const;
			})
		);
		return Object.fromEntries(entries);
	} finally {
		for (const tensor of Object.values(tensors)) tensor.dispose();
	}
}

/** Runs `run` (a warm-up pass) and waits until its result is read back, so every kernel has compiled. */
export async function warmUpWith(run: () => tf.Tensor): Promise<void> {
	const out = run();
	try {
		await out.data();
	} finally {
		out.dispose();
	}
}
