// The TF Lite operators rebuilt with tfjs ops, on real values: each builder reads an operator's options
// and constants once and returns a step that does the tensor work. int8.ts has the integer variants.
import type * as tf from '@tensorflow/tfjs';
import type { Table } from './flatbuffer';
import { type OperatorInfo, type TensorInfo, type TensorType, TfliteFormatError } from './schema';
import type { ConstValue } from './tensors';

export type TF = typeof import('@tensorflow/tfjs');

/** One operator, ready to run: reads tensors by index and returns its outputs. */
export type Step = (get: (index: number) => tf.Tensor) => tf.Tensor[];

export interface OpContext {
	tf: TF;
	op: OperatorInfo;
	name: string;
	where: string;
	tensors: readonly TensorInfo[];
	options: Table | null;
	/** The constant value of an input, or null when it is computed at run time. */
	constOf(input: number): ConstValue | null;
	/** A constant tfjs tensor made at build time and freed with the graph. */
	keep<T extends tf.Tensor>(tensor: T): T;
}

export type OpBuilder = (ctx: OpContext) => Step;

/** BuiltinOptions union members, for checking an operator carries the options its code needs. */
export const OPTIONS_TYPE: Record<string, number> = {
	CONV_2D: 1,
	DEPTHWISE_CONV_2D: 2,
	CONCATENATION: 10,
	ADD: 11,
	RESIZE_BILINEAR: 15,
	RESHAPE: 17,
	MUL: 21,
	PAD: 22,
	MEAN: 27,
	SUB: 28,
	DIV: 29,
	DEQUANTIZE: 38,
	RESIZE_NEAREST_NEIGHBOR: 74,
	LEAKY_RELU: 75,
	SQUARED_DIFFERENCE: 76,
	MIRROR_PAD: 77,
	QUANTIZE: 89
};

export const ACTIVATIONS = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** The largest stride, dilation or padding a sane model uses; beyond it a file is damaged. */
export const MAX_WINDOW = 4096;

/** The most elements an operator may produce (1 GiB of float32); a damaged size must not exhaust memory. */
export const MAX_ELEMENTS = 2 ** 28;

/** Refuses an output (of a resize or pad) that would be absurdly large. */
export function checkSize(ctx: Pick<OpContext, 'where'>, size: readonly number[], channels: number): void {
	if (size.reduce((a, b) => a * b, channels) > MAX_ELEMENTS)
		fail(ctx, `an output of ${size.join('x')}x${channels}`);
}

export function fail(ctx: Pick<OpContext, 'where'>, message: string): never {
	throw new TfliteFormatError(`${ctx.where}: ${message}`);
}

export function activationOf(ctx: OpContext, field: number): Activation {
	const code = ctx.options?.int8(field) ?? 0;
	const activation = ACTIVATIONS[code];
	if (!activation || activation === 'SIGN_BIT')
		fail(ctx, `fused activation ${activation ?? code} is not supported`);
	return activation;
}

export function applyActivation(tf: TF, x: tf.Tensor, activation: Activation): tf.Tensor {
	switch (activation) {
		case 'RELU':
			return tf.relu(x);
		case 'RELU6':
			return tf.relu6(x);
		case 'RELU_N1_TO_1':
			return tf.clipByValue(x, -1, 1);
		case 'TANH':
			return tf.tanh(x);
		default:
			return x;
	}
}

export function positive(ctx: OpContext, value: number, what: string): number {
	if (!Number.isInteger(value) || value < 1 || value > MAX_WINDOW) fail(ctx, `${what} is ${value}`);
	return value;
}

export function inputAt(ctx: OpContext, position: number, required = true): number {
	const index = ctx.op.inputs[position];
	if (index === undefined || index < 0) {
		if (required) fail(ctx, `input ${position} is missing`);
		return -1;
	}
	return index;
}

export function requireConst(ctx: OpContext, position: number, what: string): ConstValue {
	const value = ctx.constOf(inputAt(ctx, position));
	if (!value) fail(ctx, `${what} must be a constant in the file (computed ${what} is not supported)`);
	return value;
}

export function intsOf(ctx: OpContext, value: ConstValue, what: string): number[] {
	if (!(value.data instanceof Int32Array)) fail(ctx, `${what} must be integers`);
	return Array.from(value.data);
}

export function staticRank(ctx: OpContext, position: number): number {
	return ctx.tensors[inputAt(ctx, position)]?.shape.length ?? 0;
}

export function normaliseAxis(ctx: OpContext, axis: number, rank: number): number {
	const a = axis < 0 ? axis + rank : axis;
	if (!Number.isInteger(a) || a < 0 || a >= Math.max(rank, 1)) fail(ctx, `axis ${axis} for rank ${rank}`);
	return a;
}

export interface ConvSpec {
	depthwise: boolean;
	pad: 'same' | 'valid';
	strides: [number, number];
	dilations: [number, number];
	activation: Activation;
	kernel: [number, number];
	inputChannels: number;
	outputChannels: number;
}

/** CONV_2D / DEPTHWISE_CONV_2D options and filter shape, checked. */
export function convSpec(ctx: OpContext, depthwise: boolean): ConvSpec {
	const o = ctx.options;
	// Conv2DOptions: padding, stride_w, stride_h, activation, dilation_w, dilation_h; the depthwise
	// options have depth_multiplier before the activation.
	const padding = o?.int8(0) ?? 0;
	if (padding !== 0 && padding !== 1) fail(ctx, `padding ${padding}`);
	const strides: [number, number] = [
		positive(ctx, o?.int32(2) ?? 0, 'stride h'),
		positive(ctx, o?.int32(1) ?? 0, 'stride w')
	];
	const at = depthwise ? 4 : 3;
	const activation = activationOf(ctx, at);
	const dilations: [number, number] = [
		positive(ctx, o?.int32(at + 2, 1) ?? 1, 'dilation h'),
		positive(ctx, o?.int32(at + 1, 1) ?? 1, 'dilation w')
	];
	if (strides.some((s) => s > 1) && dilations.some((d) => d > 1)) {
		fail(ctx, 'strides and dilations both above 1 are not supported');
	}
	const filter = requireConst(ctx, 1, 'the filter');
	const [outC = 0, kh = 0, kw = 0, inC = 0] = filter.shape;
	if (filter.shape.length !== 4 || outC < 1 || kh < 1 || kw < 1 || inC < 1 || (depthwise && outC !== 1)) {
		fail(ctx, `filter shape [${filter.shape.join(',')}]`);
	}
	let inputChannels = inC;
	if (depthwise) {
		const staticIn = ctx.tensors[inputAt(ctx, 0)]?.shape[3] ?? 0;
		inputChannels = staticIn > 0 ? staticIn : inC;
		if (inC % inputChannels !== 0) fail(ctx, `${inC} filter channels for ${inputChannels} input channels`);
	}
	return {
		depthwise,
		pad: padding === 0 ? 'same' : 'valid',
		strides,
		dilations,
		activation,
		kernel: [kh, kw],
		inputChannels,
		outputChannels: depthwise ? inC : outC
	};
}

/** A TF Lite filter (values in file order) in tfjs layout: conv [out,kh,kw,in] to [kh,kw,in,out]; depthwise
 * [1,kh,kw,in*multiplier] is already [kh,kw,in,multiplier] in memory. */
export function tfjsFilter(tf: TF, spec: ConvSpec, values: ArrayLike<number>): tf.Tensor4D {
	const [kh, kw] = spec.kernel;
	if (spec.depthwise) {
		const multiplier = spec.outputChannels / spec.inputChannels;
		return tf.tensor4d(Float32Array.from(values), [kh, kw, spec.inputChannels, multiplier]);
	}
	const outC = spec.outputChannels;
	const inner = kh * kw * spec.inputChannels;
	const hwio = new Float32Array(outC * inner);
	for (let o = 0; o < outC; o++) {
		for (let k = 0; k < inner; k++) hwio[k * outC + o] = values[o * inner + k]!;
	}
	return tf.tensor4d(hwio, [kh, kw, spec.inputChannels, outC]);
}

/** The bias constant, checked against the output channels; null when the operator has none. */
export function biasOf(ctx: OpContext, spec: ConvSpec): ConstValue | null {
	const index = inputAt(ctx, 2, false);
	if (index < 0) return null;
	const bias = ctx.constOf(index);
	if (!bias) fail(ctx, 'a computed bias is not supported');
	if (bias.data.length !== spec.outputChannels) {
		fail(ctx, `${bias.data.length} biases for ${spec.outputChannels} outputs`);
	}
	return bias;
}

/** The convolution itself, with the bias and (where tfjs fuses it) the activation. */
export function convolve(
	tf: TF,
	ctx: OpContext,
	spec: ConvSpec,
	input: tf.Tensor,
	filter: tf.Tensor4D,
	bias: tf.Tensor1D | undefined,
	activation: 'linear' | 'relu' | 'relu6'
): tf.Tensor4D {
	if (input.rank !== 4 || input.shape[3] !== spec.inputChannels) {
		fail(ctx, `input shape [${input.shape.join(',')}] for ${spec.inputChannels} channels`);
	}
	const args = {
		x: input as tf.Tensor4D,
		filter,
		strides: spec.strides,
		pad: spec.pad,
		dilations: spec.dilations,
		bias,
		activation
	};
	return spec.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
}

const FUSABLE: Partial<Record<Activation, 'linear' | 'relu' | 'relu6'>> = {
	NONE: 'linear',
	RELU: 'relu',
	RELU6: 'relu6'
};

function convolution(depthwise: boolean): OpBuilder {
	return (ctx) => {
		const { tf } = ctx;
		const spec = convSpec(ctx, depthwise);
		const filter = ctx.keep(tfjsFilter(tf, spec, requireConst(ctx, 1, 'the filter').data));
		const biasValue = biasOf(ctx, spec);
		const bias = biasValue ? ctx.keep(tf.tensor1d(Float32Array.from(biasValue.data))) : undefined;
		const fused = FUSABLE[spec.activation];
		const x = inputAt(ctx, 0);
		return (get) => {
			const out = convolve(tf, ctx, spec, get(x), filter, bias, fused ?? 'linear');
			return [fused ? out : applyActivation(tf, out, spec.activation)];
		};
	};
}

function binary(
	fn: (tf: TF, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
	activationField: number | null
): OpBuilder {
	return (ctx) => {
		const activation = activationField === null ? 'NONE' : activationOf(ctx, activationField);
		const a = inputAt(ctx, 0);
		const b = inputAt(ctx, 1);
		return (get) => [applyActivation(ctx.tf, fn(ctx.tf, get(a), get(b)), activation)];
	};
}

function unary(fn: (tf: TF, x: tf.Tensor) => tf.Tensor): OpBuilder {
	return (ctx) => {
		const x = inputAt(ctx, 0);
		return (get) => [fn(ctx.tf, get(x))];
	};
}

/** MEAN's reduced axes (constant input 1, deduplicated, made non-negative) and its keep_dims option. */
export function meanSpec(ctx: OpContext): { rank: number; axes: number[]; keepDims: boolean } {
	const rank = staticRank(ctx, 0);
	const axes = [
		...new Set(
			intsOf(ctx, requireConst(ctx, 1, 'the axes'), 'the axes').map((a) => normaliseAxis(ctx, a, rank))
		)
	];
	return { rank, axes, keepDims: ctx.options?.bool(0) ?? false };
}

const mean: OpBuilder = (ctx) => {
	const { axes, keepDims } = meanSpec(ctx);
	const x = inputAt(ctx, 0);
	return (get) => [ctx.tf.mean(get(x), axes, keepDims)];
};

function paddingsOf(ctx: OpContext): [number, number][] {
	const value = requireConst(ctx, 1, 'the paddings');
	const flat = intsOf(ctx, value, 'the paddings');
	const rank = staticRank(ctx, 0);
	if (value.shape.length !== 2 || value.shape[1] !== 2 || value.shape[0] !== rank) {
		fail(ctx, `paddings of shape [${value.shape.join(',')}] for rank ${rank}`);
	}
	const pairs: [number, number][] = [];
	for (let d = 0; d < rank; d++) {
		const before = flat[2 * d]!;
		const after = flat[2 * d + 1]!;
		if (before < 0 || after < 0 || before > MAX_WINDOW || after > MAX_WINDOW)
			fail(ctx, `padding ${before},${after}`);
		pairs.push([before, after]);
	}
	return pairs;
}

const mirrorPad: OpBuilder = (ctx) => {
	const paddings = paddingsOf(ctx);
	const modeCode = ctx.options?.int8(0) ?? 0;
	if (modeCode !== 0 && modeCode !== 1) fail(ctx, `mirror pad mode ${modeCode}`);
	const mode = modeCode === 0 ? 'reflect' : 'symmetric';
	const x = inputAt(ctx, 0);
	return (get) => {
		const input = get(x);
		input.shape.forEach((size, d) => {
			const [before, after] = paddings[d]!;
			const limit = mode === 'reflect' ? size - 1 : size;
			if (before > limit || after > limit)
				fail(ctx, `a ${mode} padding of ${before},${after} on a side of ${size}`);
		});
		return [ctx.tf.mirrorPad(input, paddings, mode)];
	};
};

const pad: OpBuilder = (ctx) => {
	const paddings = paddingsOf(ctx);
	const x = inputAt(ctx, 0);
	// Quantized tensors pad with their zero point, which is the real value 0.
	return (get) => {
		const input = get(x);
		const padded = input.shape.map((size, d) => size + paddings[d]![0] + paddings[d]![1]);
		checkSize(ctx, padded, 1);
		return [ctx.tf.pad(input, paddings)];
	};
};

/**
 * The output size of a RESIZE op whose size is a constant of the file: given another input size than the
 * file's (a tile, a working side), keep the file's scale factor.
 */
export function resizeTarget(
	size: readonly number[],
	staticShape: readonly number[],
	inputShape: readonly number[]
): [number, number] {
	return size.map((s, i) => {
		const fixed = staticShape[i + 1] ?? 0;
		const actual = inputShape[i + 1]!;
		return fixed > 0 && actual !== fixed ? Math.max(1, Math.round((s * actual) / fixed)) : s;
	}) as [number, number];
}

function resize(kind: 'bilinear' | 'nearest'): OpBuilder {
	return (ctx) => {
		const size = intsOf(ctx, requireConst(ctx, 1, 'the size'), 'the size');
		if (size.length !== 2 || size.some((s) => s < 1 || s > 1 << 16)) fail(ctx, `size [${size.join(',')}]`);
		const o = ctx.options;
		const [alignCorners, halfPixelCenters] =
			kind === 'bilinear'
				? [o?.bool(2) ?? false, o?.bool(3) ?? false]
				: [o?.bool(0) ?? false, o?.bool(1) ?? false];
		const staticShape = ctx.tensors[inputAt(ctx, 0)]?.shape ?? [];
		const x = inputAt(ctx, 0);
		return (get) => {
			const input = get(x) as tf.Tensor4D;
			if (input.rank !== 4) fail(ctx, `input of rank ${input.rank}`);
			const target = resizeTarget(size, staticShape, input.shape);
			checkSize(ctx, target, input.shape[3] ?? 1);
			return [
				kind === 'bilinear'
					? ctx.tf.image.resizeBilinear(input, target, alignCorners, halfPixelCenters)
					: ctx.tf.image.resizeNearestNeighbor(input, target, alignCorners, halfPixelCenters)
			];
		};
	};
}

const concatenation: OpBuilder = (ctx) => {
	const rank = staticRank(ctx, 0);
	const axis = normaliseAxis(ctx, ctx.options?.int32(0) ?? 0, rank);
	const activation = activationOf(ctx, 1);
	const inputs = ctx.op.inputs.map((_, i) => inputAt(ctx, i));
	return (get) => [applyActivation(ctx.tf, ctx.tf.concat(inputs.map(get), axis), activation)];
};

const reshape: OpBuilder = (ctx) => {
	const fromInput = inputAt(ctx, 1, false) >= 0 ? ctx.constOf(inputAt(ctx, 1)) : null;
	const shape = fromInput ? intsOf(ctx, fromInput, 'the shape') : (ctx.options?.int32s(0) ?? []);
	if (shape.length === 0 && !fromInput) {
		const out = ctx.tensors[ctx.op.outputs[0]!];
		shape.push(...(out?.shape ?? []));
	}
	if (shape.filter((s) => s === -1).length > 1 || shape.some((s) => s < -1))
		fail(ctx, `shape [${shape.join(',')}]`);
	const x = inputAt(ctx, 0);
	return (get) => [ctx.tf.reshape(get(x), shape)];
};

const leakyRelu: OpBuilder = (ctx) => {
	const alpha = ctx.options?.float32(0) ?? 0;
	if (!Number.isFinite(alpha)) fail(ctx, `alpha ${alpha}`);
	const x = inputAt(ctx, 0);
	return (get) => [ctx.tf.leakyRelu(get(x), alpha)];
};

/** QUANTIZE and DEQUANTIZE carry real values through; the output's grid (if any) is applied after. */
const identity: OpBuilder = (ctx) => {
	const x = inputAt(ctx, 0);
	return (get) => [ctx.tf.clone(get(x))];
};

export const OPS: Readonly<Record<string, OpBuilder>> = {
	ADD: binary((tf, a, b) => tf.add(a, b), 0),
	SUB: binary((tf, a, b) => tf.sub(a, b), 0),
	MUL: binary((tf, a, b) => tf.mul(a, b), 0),
	DIV: binary((tf, a, b) => tf.div(a, b), 0),
	SQUARED_DIFFERENCE: binary((tf, a, b) => tf.squaredDifference(a, b), null),
	MAXIMUM: binary((tf, a, b) => tf.maximum(a, b), null),
	MINIMUM: binary((tf, a, b) => tf.minimum(a, b), null),
	RSQRT: unary((tf, x) => tf.rsqrt(x)),
	SQRT: unary((tf, x) => tf.sqrt(x)),
	LOGISTIC: unary((tf, x) => tf.sigmoid(x)),
	TANH: unary((tf, x) => tf.tanh(x)),
	RELU: unary((tf, x) => tf.relu(x)),
	RELU6: unary((tf, x) => tf.relu6(x)),
	LEAKY_RELU: leakyRelu,
	CONV_2D: convolution(false),
	DEPTHWISE_CONV_2D: convolution(true),
	MEAN: mean,
	MIRROR_PAD: mirrorPad,
	PAD: pad,
	RESIZE_BILINEAR: resize('bilinear'),
	RESIZE_NEAREST_NEIGHBOR: resize('nearest'),
	CONCATENATION: concatenation,
	RESHAPE: reshape,
	QUANTIZE: identity,
	DEQUANTIZE: identity
};

export const QUANTIZED_RANGE: Partial<Record<TensorType, [number, number]>> = {
	int8: [-128, 127],
	uint8: [0, 255],
	int16: [-32768, 32767]
};

/** Rounds and clamps real values to a tensor's quantization grid (ties rounded up, like TF Lite). */
export function fakeQuantize(tf: TF, x: tf.Tensor, info: TensorInfo): tf.Tensor {
	const q = info.quantization;
	const range = QUANTIZED_RANGE[info.type];
	if (!q || !range) return x;
	if (q.scale.length === 1) {
		const scale = q.scale[0]!;
		const zero = q.zeroPoint[0]!;
		if (scale <= 0) return x;
		// floor(clip(v + 0.5)) with the upper clip at max + 0.5 rounds and clamps in one pass.
		const steps = tf.floor(tf.clipByValue(tf.add(tf.div(x, scale), zero + 0.5), range[0], range[1] + 0.5));
		return tf.mul(tf.sub(steps, zero), scale);
	}
	// Per-axis activations are rare; broadcast the scales along their axis.
	const shape = x.shape.map((_, d) => (d === q.axis ? q.scale.length : 1));
	const scale = tf.tensor(q.scale, shape);
	const zero = tf.tensor(q.zeroPoint, shape);
	const steps = tf.floor(
		tf.clipByValue(tf.add(tf.div(x, scale), tf.add(zero, 0.5)), range[0], range[1] + 0.5)
	);
	return tf.mul(tf.sub(steps, zero), scale);
}
