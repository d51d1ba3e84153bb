// Feed-forward style transfer, one network per painting (Johnson et al. 2016; Engstrom's checkpoints as
// converted by R. Nakano and shipped by ml5.js): 48 raw float32 variables named by a manifest.json.
//
// Besides the StyleModel interface this model offers its instance-norm statistics for seam-free tiling:
//
//     const stats = model.normStats(wholeImageSmall); // once, on the whole picture at a modest size
//     for (const tile of tiles) paint(model.stylizeWithStats(tile, stats)); // every tile normalized alike
//     tf.dispose(stats);
//
// stylizeWithStats(x, normStats(x)) paints exactly what stylize(x) paints. The same statistics also come
// as plain arrays through the StyleModel interface: imageStats(preview) and stylize(tile, params, stats).
import type * as tf from '@tensorflow/tfjs';
import type { AssetFile, ModelCard } from '../../assets/catalog';
import type { StyleModel, StatTensors, StyleParams, TileStats } from '../model';
import { warmUpWith } from '../readback';
import { cropTo, padToMultiple } from '../padding';
import { type AssetReader, EngineError } from '../types';
import {
	expectedShapes,
	LAYERS,
	type LayerWeights,
	NORM_LAYERS,
	type NormStats,
	SIDE_MULTIPLE,
	transform
} from './network';

export type { LayerStats, NormStats } from './network';

type Manifest = Record<string, { filename?: unknown; shape?: unknown }>;

export class FastStyleModel implements StyleModel {
	readonly appliesStrength = false;
	private weights: LayerWeights[] | null = null;

	constructor(
		readonly card: ModelCard,
		private readonly tf: typeof import('@tensorflow/tfjs')
	) {}

	async load(read: AssetReader): Promise<void> {
		const id = this.card.id;
		const notACheckpoint = (detail: string) =>
			new EngineError(`${id}: these weights are not a fast style-transfer checkpoint (${detail})`);
		const manifestBytes = await read(this.file('manifest.json'));
		let manifest: Manifest;
		try {
			const parsed: unknown = JSON.parse(new TextDecoder().decode(manifestBytes));
			if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
				throw new Error('not an object');
			manifest = parsed as Manifest;
		} catch (cause) {
			throw notACheckpoint(`manifest.json is not a JSON object: ${(cause as Error).message}`);
		}
		// Check the whole manifest before reading any weights, and every file before making any tensor, so
		// a wrong card fails cleanly with nothing to free.
		const specs = expectedShapes().map(({ name, shape }) => {
			const entry = manifest[name];
			if (!entry) throw notACheckpoint(`manifest.json has no ${name}`);
			const stated = entry.shape;
			if (!Array.isArray(stated) || stated.join() !== shape.join()) {
				throw notACheckpoint(
					`manifest.json gives ${name} the shape ${JSON.stringify(stated)}, the network needs [${shape.join(',')}]`
				);
			}
			if (typeof entry.filename !== 'string') throw notACheckpoint(`manifest.json names no file for ${name}`);
			return { name, shape, file: this.file(entry.filename) };
		});
		const files = await Promise.all(specs.map(({ file }) => read(file)));
		const values = specs.map(({ name, shape, file }, i) => {
			const bytes = files[i]!;
			const count = shape.reduce((a, b) => a * b, 1);
			if (bytes.byteLength !== count * 4) {
				throw notACheckpoint(
					`${name} (file "${file.role}") holds ${bytes.byteLength} bytes; a [${shape.join(',')}] float32 tensor needs ${count * 4}`
				);
			}
			const floats = littleEndianFloats(bytes);
			if (!floats.every(Number.isFinite)) throw notACheckpoint(`${name} holds values that are not finite`);
			return floats;
		});
		this.dispose();
		const tfjs = this.tf;
		this.weights = LAYERS.map((_, i) => {
			const at = (k: number) => ({ data: values[3 * i + k]!, shape: specs[3 * i + k]!.shape });
			const kernel = at(0);
			return {
				kernel: tfjs.tensor4d(kernel.data, kernel.shape as [number, number, number, number]),
				shift: tfjs.tensor1d(at(1).data),
				scale: tfjs.tensor1d(at(2).data)
			};
		});
	}

	warmUp(): Promise<void> {
		return warmUpWith(() => this.tf.tidy(() => this.stylize(this.tf.zeros([64, 64, 3]) as tf.Tensor3D)));
	}

	/**
	 * Content HxWx3 float 0..255 (any size) in, the painting at the same size out. Takes no parameters.
	 * With `stats` (from imageStats), every instance norm uses those statistics (see stylizeWithStats).
	 */
	stylize(content: tf.Tensor3D, _params?: StyleParams, stats?: TileStats): tf.Tensor3D {
		if (!stats) return this.tf.tidy(() => this.forward(content));
		const tensors = this.tf.tidy(() => fromTileStats(this.tf, this.card.id, stats));
		try {
			return this.stylizeWithStats(content, tensors);
		} finally {
			this.tf.dispose(tensors);
		}
	}

	/** normStats keyed `norm<i>/mean` and `norm<i>/variance` for layer i (0..15). */
	imageStats(preview: tf.Tensor3D, _params?: StyleParams): StatTensors {
		const out: StatTensors = {};
		this.normStats(preview).forEach(({ mean, variance }, i) => {
			out[`norm${i}/mean`] = mean;
			out[`norm${i}/variance`] = variance;
		});
		return out;
	}

	/**
	 * The per-channel mean and variance every instance-norm layer computes for `content` (16 layers, in
	 * network order). The caller owns the returned tensors: free them with tf.dispose(stats).
	 */
	normStats(content: tf.Tensor3D): NormStats {
		const record: NormStats = [];
		return this.tf.tidy(() => {
			this.forward(content, undefined, record);
			return record;
		});
	}

	/**
	 * Paints `content` with every instance-norm layer using the given statistics instead of its own,
	 * e.g. ones normStats computed on the whole picture, when `content` is one tile of it. The stats stay
	 * the caller's.
	 */
	stylizeWithStats(content: tf.Tensor3D, stats: NormStats): tf.Tensor3D {
		if (stats.length !== NORM_LAYERS) {
			throw new EngineError(
				`${this.card.id}: expected statistics for ${NORM_LAYERS} layers, got ${stats.length}`
			);
		}
		stats.forEach(({ mean, variance }, i) => {
			const channels = LAYERS[i]!.outChannels;
			if (mean.shape.join() !== String(channels) || variance.shape.join() !== String(channels)) {
				throw new EngineError(
					`${this.card.id}: layer ${i} statistics must have ${channels} channels, got [${mean.shape.join(',')}] and [${variance.shape.join(',')}]`
				);
			}
		});
		return this.tf.tidy(() => this.forward(content, stats));
	}

	dispose(): void {
		if (this.weights) this.tf.dispose(this.weights.flatMap((w) => [w.kernel, w.shift, w.scale]));
		this.weights = null;
	}

	/** The painting, clipped to 0..255; call inside tf.tidy. */
	private forward(content: tf.Tensor3D, stats?: NormStats, record?: NormStats): tf.Tensor3D {
		const weights = this.weights;
		if (!weights) throw new EngineError(`${this.card.id} is not loaded`);
		const [height = 1, width = 1, channels] = content.shape;
		if (channels !== 3)
			throw new EngineError(`${this.card.id}: expected an RGB image, got ${channels} channels`);
		const padded = padToMultiple(this.tf, content.toFloat(), SIDE_MULTIPLE);
		const painted = transform(this.tf, weights, padded, stats, record);
		return cropTo(painted, height, width).clipByValue(0, 255) as tf.Tensor3D;
	}

	private file(role: string): AssetFile {
		const found = this.card.files.find((f) => f.role === role);
		if (!found) throw new EngineError(`${this.card.id}: the catalog card has no file "${role}"`);
		return found;
	}
}

/** TileStats from imageStats back to tensors (the caller disposes them). */
function fromTileStats(tfjs: typeof import('@tensorflow/tfjs'), id: string, stats: TileStats): NormStats {
	return LAYERS.map((_, i) => {
		const get = (what: 'mean' | 'variance') => {
			const entry = stats[`norm${i}/${what}`];
			if (!entry) throw new EngineError(`${id}: the tile statistics lack norm${i}/${what}`);
			const tensor: tf.Tensor = tfjs.tensor(entry.data, entry.shape);
			return tensor as tf.Tensor1D;
		};
		return { mean: get('mean'), variance: get('variance') };
	});
}

/** Raw little-endian float32 bytes as numbers, whatever the platform's byte order and the view's alignment. */
function littleEndianFloats(bytes: Uint8Array): Float32Array {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const out = new Float32Array(bytes.byteLength / 4);
	for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
	return out;
}
