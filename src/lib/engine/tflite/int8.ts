// Integer-faithful variants of the operators fully quantized (int8) models use, for `emulateQuantization`.
// Activations still travel as real values on their grid (scale * (q - zero point)); inside, these steps
// do the arithmetic TF Lite's wasm runtime does (its XNNPACK kernels, or its reference kernels where
// XNNPACK does not take the op): integer accumulation, float32 requantization, and each kernel's own
// rounding. Integer sums stay below 2^24, so float32 tensors hold them exactly; the 32-bit fixed-point
// ADD/SUB uses int32 tensors. A builder returns null when the operator is not of the int8 kind it handles;
// the graph then uses the float op and rounds its output to the grid.
import type * as tf from '@tensorflow/tfjs';
import {
	type Activation,
	activationOf,
	biasOf,
	checkSize,
	convolve,
	convSpec,
	inputAt,
	meanSpec,
	intsOf,
	type OpContext,
	QUANTIZED_RANGE,
	requireConst,
	resizeTarget,
	type Step,
	tfjsFilter,
	type TF
} from './ops';

type Int8Builder = (ctx: OpContext) => Step | null;

/** Per-tensor quantization of an activation: real = scale * (q - zero), q in [min, max]. */
export interface Grid {
	scale: number;
	zero: number;
	min: number;
	max: number;
}

export function gridOf(ctx: Pick<OpContext, 'tensors'>, index: number): Grid | null {
	const info = ctx.tensors[index];
	const q = info?.quantization;
	const range = info ? QUANTIZED_RANGE[info.type] : undefined;
	if (!q || !range || q.scale.length !== 1 || !(q.scale[0]! > 0)) return null;
	return { scale: q.scale[0]!, zero: q.zeroPoint[0]!, min: range[0], max: range[1] };
}

const f32 = Math.fround;

/** Round half to even, as lrintf and XNNPACK's magic-bias rounding do. */
export function roundHalfEven(value: number): number {
	const floor = Math.floor(value);
	const rest = value - floor;
	if (rest !== 0.5) return rest < 0.5 ? floor : floor + 1;
	return floor % 2 === 0 ? floor : floor + 1;
}

/** Round half away from zero (TfLiteRound). */
function roundHalfAway(value: number): number {
	return Math.sign(value) * Math.floor(Math.abs(value) + 0.5);
}

/** The output range in levels (q - zero) after a fused activation, as TF Lite computes it. */
function activationLevels(grid: Grid, activation: Activation): [number, number] {
	const level = (real: number) => roundHalfAway(real / grid.scale);
	let lo = grid.min - grid.zero;
	let hi = grid.max - grid.zero;
	if (activation === 'RELU' || activation === 'RELU6') lo = Math.max(lo, 0);
	if (activation === 'RELU6') hi = Math.min(hi, level(6));
	if (activation === 'RELU_N1_TO_1') {
		lo = Math.max(lo, level(-1));
		hi = Math.min(hi, level(1));
	}
	return [lo, hi];
}

/** Real values on a grid to their levels q - zero (exact integers in float32). */
function levels(tf: TF, x: tf.Tensor, grid: Grid): tf.Tensor {
	return tf.round(tf.div(x, grid.scale));
}

/** Levels back to real values: (q - zero) * scale, in float32 like DEQUANTIZE. */
function real(tf: TF, levels: tf.Tensor, grid: Grid): tf.Tensor {
	return tf.mul(levels, grid.scale);
}

/** float32 requantization (XNNPACK "fp32"): round_half_even(acc * multiplier), clamped to the range. */
function requantize(
	tf: TF,
	acc: tf.Tensor,
	multiplier: number | tf.Tensor,
	range: [number, number]
): tf.Tensor {
	return tf.clipByValue(tf.round(tf.mul(acc, multiplier)), range[0], range[1]);
}

/** CONV_2D / DEPTHWISE_CONV_2D with int8 input, per-channel int8 weights and int32 bias. */
function convolution(depthwise: boolean): Int8Builder {
	return (ctx) => {
		const { tf } = ctx;
		const inGrid = gridOf(ctx, inputAt(ctx, 0));
		const outGrid = gridOf(ctx, ctx.op.outputs[0]!);
		const filter = requireConst(ctx, 1, 'the filter').quantized;
		if (!inGrid || !outGrid || !filter || inGrid.min !== -128 || outGrid.min !== -128) return null;
		const spec = convSpec(ctx, depthwise);
		const axis = depthwise ? 3 : 0;
		const scales = filter.quantization.scale;
		if (scales.length !== 1 && (filter.quantization.axis !== axis || scales.length !== spec.outputChannels)) {
			return null;
		}
		const channels = spec.outputChannels;
		const channelOf = (i: number) =>
			scales.length === 1 ? 0 : depthwise ? i % channels : Math.floor(i / (filter.values.length / channels));
		const weights = Int32Array.from(
			filter.values,
			(q, i) => q - filter.quantization.zeroPoint[channelOf(i)]!
		);
		const biasConst = biasOf(ctx, spec);
		// A float bias (hybrid models) or a fused tanh: not an integer kernel.
		if ((biasConst && !biasConst.quantized) || spec.activation === 'TANH') return null;
		const biasValues = biasConst?.quantized?.values ?? new Int32Array(channels);
		// Sums below 2^24 are exact in float32; a larger (saturated) bias is added in int32 instead, and the
		// sum converted to float32 as XNNPACK does.
		const bigBias = biasValues.some((b) => Math.abs(b) >= 2 ** 24);
		// XNNPACK: requantization scale = input_scale * kernel_scale[c] / output_scale, in float32.
		const multipliers = Float32Array.from({ length: channels }, (_, c) =>
			f32(f32(inGrid.scale * scales[scales.length === 1 ? 0 : c]!) / outGrid.scale)
		);
		const filterTensor = ctx.keep(tfjsFilter(tf, spec, weights));
		const biasTensor = ctx.keep(
			bigBias ? tf.tensor1d(biasValues, 'int32') : tf.tensor1d(Float32Array.from(biasValues))
		);
		const multiplierTensor = ctx.keep(tf.tensor1d(multipliers));
		const range = activationLevels(outGrid, spec.activation);
		const x = inputAt(ctx, 0);
		return (get) => {
			const input = levels(tf, get(x), inGrid);
			const acc = bigBias
				? tf.cast(
						tf.add(
							tf.cast(convolve(tf, ctx, spec, input, filterTensor, undefined, 'linear'), 'int32'),
							biasTensor
						),
						'float32'
					)
				: convolve(tf, ctx, spec, input, filterTensor, biasTensor as tf.Tensor1D, 'linear');
			return [real(tf, requantize(tf, acc, multiplierTensor, range), outGrid)];
		};
	};
}

/** MEAN of int8 (TF Lite's reference kernel): exact integer sum, then
 * round(sum / n * (s_in / s_out) - zero_in * (s_in / s_out)) + zero_out in float32. */
const mean: Int8Builder = (ctx) => {
	const { tf } = ctx;
	const inGrid = gridOf(ctx, inputAt(ctx, 0));
	const outGrid = gridOf(ctx, ctx.op.outputs[0]!);
	if (!inGrid || !outGrid) return null;
	const { rank, axes, keepDims } = meanSpec(ctx);
	const x = inputAt(ctx, 0);
	const range: [number, number] = [outGrid.min - outGrid.zero, outGrid.max - outGrid.zero];
	if (rank === 4 && axes.length === 2 && axes.includes(1) && axes.includes(2)) {
		// The XNNPACK delegate takes this one as global average pooling: (sum of q - n * zero_in) times
		// s_in / (s_out * n) in float32, rounded half to even.
		return (get) => {
			const input = get(x);
			const count = (input.shape[1] ?? 1) * (input.shape[2] ?? 1);
			const sum = tf.cast(tf.sum(tf.cast(levels(tf, input, inGrid), 'int32'), axes, keepDims), 'float32');
			return [real(tf, requantize(tf, sum, f32(inGrid.scale / f32(outGrid.scale * count)), range), outGrid)];
		};
	}
	const scale = f32(inGrid.scale / outGrid.scale);
	const bias = f32(-inGrid.zero * scale);
	return (get) => {
		const input = get(x);
		const count = axes.reduce((n, a) => n * (input.shape[a] ?? 1), 1);
		const q = tf.cast(tf.add(levels(tf, input, inGrid), inGrid.zero), 'int32');
		const sum = tf.cast(tf.sum(q, axes, keepDims), 'float32');
		const value = tf.add(tf.mul(tf.div(sum, count), scale), bias);
		// Round half away from zero, then the output zero point and range.
		const rounded = tf.mul(tf.sign(value), tf.floor(tf.add(tf.abs(value), 0.5)));
		return [real(tf, tf.clipByValue(rounded, range[0], range[1]), outGrid)];
	};
};

/** LEAKY_RELU (XNNPACK qs8): 8-bit multipliers round(256 * s_in / s_out) and round(256 * alpha * s_in / s_out),
 * out = floor(((q - zero_in) * multiplier + 128) / 256) + zero_out. */
const leakyRelu: Int8Builder = (ctx) => {
	const { tf } = ctx;
	const inGrid = gridOf(ctx, inputAt(ctx, 0));
	const outGrid = gridOf(ctx, ctx.op.outputs[0]!);
	if (!inGrid || !outGrid || inGrid.min !== -128 || outGrid.min !== -128) return null;
	const alpha = f32(ctx.options?.float32(0) ?? 0);
	const positiveScale = f32(inGrid.scale / outGrid.scale);
	const negativeScale = f32(positiveScale * alpha);
	// The TF Lite XNNPACK delegate takes the op only within these scales.
	if (positiveScale < 1 / 256 || positiveScale > 128) return null;
	if (negativeScale < -127.99609375 || negativeScale > 128 || Math.abs(negativeScale) < 1 / 256) return null;
	const positive = roundHalfEven(256 * positiveScale);
	const negative = roundHalfEven(256 * negativeScale);
	const x = inputAt(ctx, 0);
	return (get) => {
		const q = levels(tf, get(x), inGrid);
		const multiplier = tf.add(
			tf.mul(tf.cast(tf.greaterEqual(q, 0), 'float32'), positive - negative),
			negative
		);
		const out = tf.floor(tf.div(tf.add(tf.mul(q, multiplier), 128), 256));
		return [real(tf, tf.clipByValue(out, outGrid.min - outGrid.zero, outGrid.max - outGrid.zero), outGrid)];
	};
};

/** RESIZE_BILINEAR on int8 (XNNPACK): interpolate the integers, round half up. Exact when the weights are
 * multiples of 1/2048 (integer scale factors). */
const resizeBilinear: Int8Builder = (ctx) => {
	const { tf } = ctx;
	const inGrid = gridOf(ctx, inputAt(ctx, 0));
	const outGrid = gridOf(ctx, ctx.op.outputs[0]!);
	if (!inGrid || !outGrid || inGrid.scale !== outGrid.scale || inGrid.zero !== outGrid.zero) return null;
	const size = intsOf(ctx, requireConst(ctx, 1, 'the size'), 'the size');
	if (size.length !== 2) return null;
	const alignCorners = ctx.options?.bool(2) ?? false;
	const halfPixelCenters = ctx.options?.bool(3) ?? false;
	const staticShape = ctx.tensors[inputAt(ctx, 0)]?.shape ?? [];
	const x = inputAt(ctx, 0);
	return (get) => {
		const input = get(x) as tf.Tensor4D;
		const target = resizeTarget(size, staticShape, input.shape);
		checkSize(ctx, target, input.shape[3] ?? 1);
		const resized = tf.image.resizeBilinear(
			levels(tf, input, inGrid) as tf.Tensor4D,
			target,
			alignCorners,
			halfPixelCenters
		);
		return [real(tf, tf.floor(tf.add(resized, 0.5)), outGrid)];
	};
};

/** MUL of int8 (XNNPACK fp32): (a - zero_a) * (b - zero_b) * (s_a * s_b / s_out), rounded half to even. */
const mul: Int8Builder = (ctx) => {
	const { tf } = ctx;
	const aGrid = gridOf(ctx, inputAt(ctx, 0));
	const bGrid = gridOf(ctx, inputAt(ctx, 1));
	const outGrid = gridOf(ctx, ctx.op.outputs[0]!);
	if (!aGrid || !bGrid || !outGrid || outGrid.min !== -128) return null;
	const multiplier = f32(f32(aGrid.scale * bGrid.scale) / outGrid.scale);
	const activation = activationOf(ctx, 0);
	if (activation === 'TANH') return null;
	const range = activationLevels(outGrid, activation);
	const a = inputAt(ctx, 0);
	const b = inputAt(ctx, 1);
	return (get) => {
		const product = tf.mul(levels(tf, get(a), aGrid), levels(tf, get(b), bGrid));
		return [real(tf, requantize(tf, product, multiplier, range), outGrid)];
	};
};

/** ADD / SUB of int8 (XNNPACK qs8 vadd): 21-bit fixed-point multipliers for s_a / s_out and ±s_b / s_out,
 * acc = bias + q_a * m_a + q_b * m_b in int32, out = acc >> shift (arithmetic) + zero_out. */
function addOrSub(sign: 1 | -1): Int8Builder {
	return (ctx) => {
		const { tf } = ctx;
		const aGrid = gridOf(ctx, inputAt(ctx, 0));
		const bGrid = gridOf(ctx, inputAt(ctx, 1));
		const outGrid = gridOf(ctx, ctx.op.outputs[0]!);
		if (!aGrid || !bGrid || !outGrid || outGrid.min !== -128) return null;
		const aScale = f32(aGrid.scale / outGrid.scale);
		const bScale = sign * f32(bGrid.scale / outGrid.scale);
		const largest = Math.max(Math.abs(aScale), Math.abs(bScale));
		// Outside these scales the TF Lite XNNPACK delegate leaves the op to TF Lite's own kernel.
		if (Math.abs(aScale) < 2 ** -10 || Math.abs(bScale) < 2 ** -10 || largest >= 2 ** 8) return null;
		const shift = 20 - Math.floor(Math.log2(largest));
		if (shift < 12 || shift > 30) return null;
		const aMultiplier = Math.sign(aScale) * roundHalfEven(Math.abs(aScale) * 2 ** shift);
		const bMultiplier = Math.sign(bScale) * roundHalfEven(Math.abs(bScale) * 2 ** shift);
		const bias = 2 ** (shift - 1) - aMultiplier * aGrid.zero - bMultiplier * bGrid.zero;
		const activation = activationOf(ctx, 0);
		if (activation === 'TANH') return null;
		const [lo, hi] = activationLevels(outGrid, activation);
		const a = inputAt(ctx, 0);
		const b = inputAt(ctx, 1);
		const raw = (value: tf.Tensor, grid: Grid) =>
			tf.cast(tf.add(levels(tf, value, grid), grid.zero), 'int32');
		return (get) => {
			const acc = tf.add(
				tf.add(tf.mul(raw(get(a), aGrid), tf.scalar(aMultiplier, 'int32')), tf.scalar(bias, 'int32')),
				tf.mul(raw(get(b), bGrid), tf.scalar(bMultiplier, 'int32'))
			);
			// An arithmetic shift: drop the low bits exactly in int32, then divide (now exact in float32).
			const low = tf.bitwiseAnd(acc, tf.fill(acc.shape, 2 ** shift - 1, 'int32'));
			const shifted = tf.div(tf.cast(tf.sub(acc, low), 'float32'), 2 ** shift);
			return [real(tf, tf.clipByValue(shifted, lo, hi), outGrid)];
		};
	};
}

/** QUANTIZE float32 -> int8 (XNNPACK convert): round_half_even(x * (1 / scale)) + zero, clamped. */
const quantize: Int8Builder = (ctx) => {
	const { tf } = ctx;
	const input = ctx.tensors[inputAt(ctx, 0)];
	const outGrid = gridOf(ctx, ctx.op.outputs[0]!);
	if (input?.type !== 'float32' || !outGrid || outGrid.min !== -128) return null;
	const inverse = f32(1 / outGrid.scale);
	const x = inputAt(ctx, 0);
	return (get) => [
		real(
			tf,
			requantize(tf, get(x), inverse, [outGrid.min - outGrid.zero, outGrid.max - outGrid.zero]),
			outGrid
		)
	];
};

export const INT8_OPS: Readonly<Record<string, Int8Builder>> = {
	CONV_2D: convolution(false),
	DEPTHWISE_CONV_2D: convolution(true),
	MEAN: mean,
	LEAKY_RELU: leakyRelu,
	RESIZE_BILINEAR: resizeBilinear,
	MUL: mul,
	ADD: addOrSub(1),
	SUB: addOrSub(-1),
	QUANTIZE: quantize
};
