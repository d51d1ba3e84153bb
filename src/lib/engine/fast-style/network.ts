// The Johnson et al. (2016) image transformation network as Logan Engstrom trained it (fast-style-transfer)
// and ml5.js ships it: three convolutions down, five residual blocks, two transposed convolutions up and
// a final convolution, each followed by instance normalization. Zero "same" padding, as in the original
// TensorFlow code and ml5's StyleTransfer. Pure tfjs, no I/O.
import type * as tf from '@tensorflow/tfjs';

/** Instance normalization's epsilon in the trained graph. */
export const NORM_EPSILON = 1e-3;

type LayerKind = 'conv' | 'transposed';

interface LayerSpec {
	kind: LayerKind;
	size: number;
	inChannels: number;
	outChannels: number;
	stride: 1 | 2;
	relu: boolean;
}

const conv = (
	size: number,
	inChannels: number,
	outChannels: number,
	stride: 1 | 2,
	relu = true
): LayerSpec => ({
	kind: 'conv',
	size,
	inChannels,
	outChannels,
	stride,
	relu
});

/** The 16 layers in checkpoint order; residual blocks are the pairs 3-4, 5-6, ..., 11-12. */
export const LAYERS: readonly LayerSpec[] = [
	conv(9, 3, 32, 1),
	conv(3, 32, 64, 2),
	conv(3, 64, 128, 2),
	...Array.from({ length: 5 }, () => [conv(3, 128, 128, 1), conv(3, 128, 128, 1, false)]).flat(),
	{ kind: 'transposed', size: 3, inChannels: 128, outChannels: 64, stride: 2, relu: true },
	{ kind: 'transposed', size: 3, inChannels: 64, outChannels: 32, stride: 2, relu: true },
	conv(9, 32, 3, 1, false)
];
const FIRST_RESIDUAL = 3;
const RESIDUAL_BLOCKS = 5;

/** The network halves the image twice, so it needs sides that are multiples of this. */
export const SIDE_MULTIPLE = 4;

/** Checkpoint variable names: `Variable`, `Variable_1`, ..., `Variable_47` (three per layer). */
export function variableName(index: number): string {
	return index === 0 ? 'Variable' : `Variable_${index}`;
}

/** The shape each checkpoint variable must have: per layer the kernel, the norm's shift, its scale. */
export function expectedShapes(): { name: string; shape: number[] }[] {
	return LAYERS.flatMap((layer, i) => {
		const kernel =
			layer.kind === 'conv'
				? [layer.size, layer.size, layer.inChannels, layer.outChannels]
				: // Transposed-convolution kernels are stored [k, k, out, in], which is what tf.conv2dTranspose takes.
					[layer.size, layer.size, layer.outChannels, layer.inChannels];
		return [
			{ name: variableName(3 * i), shape: kernel },
			{ name: variableName(3 * i + 1), shape: [layer.outChannels] },
			{ name: variableName(3 * i + 2), shape: [layer.outChannels] }
		];
	});
}

export interface LayerWeights {
	kernel: tf.Tensor4D;
	shift: tf.Tensor1D;
	scale: tf.Tensor1D;
}

/** One instance-norm layer's per-channel statistics of its input: what normalization subtracts and divides by. */
export type LayerStats = { mean: tf.Tensor1D; variance: tf.Tensor1D };

/**
 * Statistics for all 16 instance-norm layers, in network order. Computed from one image (normStats), they
 * can be reused for another image of the same scene, e.g. each tile of a large picture, so that every tile
 * is normalized alike and no seams show where tiles meet.
 */
export type NormStats = LayerStats[];

export const NORM_LAYERS = LAYERS.length;

/**
 * Runs the network on an HxWx3 0..255 image whose sides are multiples of SIDE_MULTIPLE and returns the
 * painting, HxWx3 roughly 0..255 (not clipped). With `stats`, every instance norm uses the given mean and
 * variance instead of its input's; with `record`, the statistics each layer used are appended to it.
 * Call inside tf.tidy.
 */
export function transform(
	tfjs: typeof import('@tensorflow/tfjs'),
	weights: readonly LayerWeights[],
	image: tf.Tensor3D,
	stats?: NormStats,
	record?: NormStats
): tf.Tensor3D {
	let layerIndex = 0;
	const apply = (input: tf.Tensor3D): tf.Tensor3D => {
		const spec = LAYERS[layerIndex]!;
		const w = weights[layerIndex]!;
		let y: tf.Tensor3D;
		if (spec.kind === 'conv') {
			y = tfjs.conv2d(input, w.kernel, spec.stride, 'same');
		} else {
			const [height = 1, width = 1] = input.shape;
			y = tfjs.conv2dTranspose(
				input,
				w.kernel,
				[height * spec.stride, width * spec.stride, spec.outChannels],
				spec.stride,
				'same'
			);
		}
		const { mean, variance } = stats?.[layerIndex] ?? tfjs.moments(y, [0, 1]);
		record?.push({ mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D });
		const normalized = y.sub(mean).mul(tfjs.rsqrt(variance.add(NORM_EPSILON)));
		const out: tf.Tensor3D = normalized.mul(w.scale).add(w.shift);
		layerIndex++;
		return spec.relu ? tfjs.relu(out) : out;
	};
	let x = apply(image);
	x = apply(x);
	x = apply(x);
	for (let block = 0; block < RESIDUAL_BLOCKS; block++) {
		if (layerIndex !== FIRST_RESIDUAL + 2 * block) throw new Error('fast-style: layer order broken');
		x = x.add(apply(apply(x)));
	}
	x = apply(x);
	x = apply(x);
	x = apply(x);
	return x.tanh().mul(150).add(127.5);
}
