// A TF Lite subgraph rebuilt with tfjs ops: constants become tfjs tensors once (filters in tfjs layout),
// every operator becomes a step, and `run` feeds the steps in the file's order, freeing each
// intermediate tensor after its last reader. Quantized tensors carry real values (scale * (q - zero
// point)). By default int8 models run in float on their dequantized weights; with `emulateQuantization`
// their int8 operators do TF Lite's integer arithmetic (int8.ts) and every other quantized output is
// rounded and clamped to its grid, which makes the rebuild match TF Lite's own wasm runtime bit for bit
// on the models here (tests/e2e/tflite-parity.test.ts).
import type * as tf from '@tensorflow/tfjs';
import { EngineError } from '../types';
import { INT8_OPS } from './int8';
import { fakeQuantize, type OpContext, OPS, OPTIONS_TYPE, QUANTIZED_RANGE, type Step, type TF } from './ops';
import {
	opName,
	type OperatorInfo,
	type SubGraph,
	type TensorInfo,
	type TensorType,
	TfliteFormatError,
	type TfliteModel
} from './schema';
import { type ConstValue, elementCount, readConst } from './tensors';

export interface BuildOptions {
	/** Do TF Lite's int8 arithmetic (exact on the wasm and cpu backends; it uses int32 tensors, which WebGL
	 * holds as floats). Off, int8 models run in float on their dequantized weights. */
	emulateQuantization?: boolean;
	subgraph?: number;
	/** Names the model in error messages. */
	label?: string;
}

export interface GraphTensor {
	name: string;
	shape: number[];
	type: TensorType;
}

export interface TfliteGraph {
	readonly inputs: readonly GraphTensor[];
	readonly outputs: readonly GraphTensor[];
	/** Builtin operator names in order of first use. */
	readonly operators: readonly string[];
	/** Tensors that are statistics of the whole image (MEAN over both spatial axes: instance and layer
	 * normalisation), by index; a tiled run can record them on a preview and impose them on every tile. */
	readonly statistics: readonly number[];
	/** Synchronous tensor work: real-valued float32 inputs (in the subgraph's input order) in, outputs out.
	 * Spatial sizes other than the file's may be given where the ops allow it (resizes scale with them). */
	run(inputs: readonly tf.Tensor[], statistics?: Statistics): tf.Tensor[];
	dispose(): void;
}

export interface Statistics {
	/** Filled with copies of the `statistics` tensors this run computes, kept out of any tidy (the caller
	 * disposes them). */
	record?: Map<number, tf.Tensor>;
	/** Values used instead of computing these `statistics` tensors (for example, a preview's). */
	impose?: ReadonlyMap<number, tf.Tensor>;
}

function graphTensor(info: TensorInfo): GraphTensor {
	return { name: info.name, shape: [...info.shape], type: info.type };
}

/** Rebuilds subgraph `options.subgraph` (0) of a parsed model; throws EngineError naming the problem. */
export function buildGraph(tf: TF, model: TfliteModel, options: BuildOptions = {}): TfliteGraph {
	const label = options.label ? `${options.label}: ` : '';
	const graphIndex = options.subgraph ?? 0;
	const subgraph: SubGraph | undefined = model.subgraphs[graphIndex];
	if (!subgraph) throw new TfliteFormatError(`${label}the model has no subgraph ${graphIndex}`);
	const emulate = options.emulateQuantization ?? false;
	const { tensors } = subgraph;
	const kept: tf.Tensor[] = [];
	const consts = new Map<number, ConstValue>();
	const constTensors = new Map<number, tf.Tensor>();
	const available = new Set<number>(subgraph.inputs);
	// onGrid: the step already leaves its output on the output's quantization grid.
	const steps: { step: Step; op: OperatorInfo; where: string; onGrid: boolean }[] = [];
	const names: string[] = [];

	const constOf = (index: number): ConstValue | null => {
		if (index < 0) return null;
		if (consts.has(index)) return consts.get(index)!;
		if (available.has(index)) return null;
		const info = tensors[index]!;
		const value = readConst(model, info);
		if (value) consts.set(index, value);
		return value;
	};

	const constTensor = (index: number): tf.Tensor => {
		let tensor = constTensors.get(index);
		if (!tensor) {
			const value = consts.get(index)!;
			// Made while building for the inputs steps read; keep() in case one is first made inside a tidy.
			tensor = tf.keep(
				tf.tensor(value.data, value.shape, value.data instanceof Int32Array ? 'int32' : 'float32')
			);
			constTensors.set(index, tensor);
			kept.push(tensor);
		}
		return tensor;
	};
	try {
		for (const info of tensors) {
			if (info.isVariable)
				throw new TfliteFormatError(`${label}variable tensors are not supported (${info.name})`);
			if (info.sparse) throw new TfliteFormatError(`${label}sparse tensors are not supported (${info.name})`);
		}
		for (const index of subgraph.inputs) {
			const type = tensors[index]!.type;
			if (type !== 'float32' && !(type in QUANTIZED_RANGE)) {
				throw new TfliteFormatError(`${label}input ${tensors[index]!.name} of type ${type} is not supported`);
			}
		}
		for (const op of subgraph.operators) {
			const code = model.operatorCodes[op.opcodeIndex]!;
			const name =
				code.builtinCode === 32 ? `custom operator "${code.customCode ?? ''}"` : opName(code.builtinCode);
			const where = `${label}operator ${op.index} (${name})`;
			const builder = OPS[name];
			if (!builder) throw new TfliteFormatError(`${label}${name} (operator ${op.index}) is not supported`);
			if (!names.includes(name)) names.push(name);
			const expected = OPTIONS_TYPE[name];
			if (op.optionsType !== 0 && expected !== undefined && op.optionsType !== expected) {
				throw new TfliteFormatError(`${where}: options of type ${op.optionsType}, expected ${expected}`);
			}
			if (op.outputs.length !== 1)
				throw new TfliteFormatError(`${where}: ${op.outputs.length} outputs, expected 1`);
			for (const input of op.inputs) {
				if (input >= 0 && !available.has(input) && !constOf(input)) {
					throw new TfliteFormatError(
						`${where} reads tensor ${input} (${tensors[input]!.name}) before anything writes it`
					);
				}
			}
			const output = op.outputs[0]!;
			if (available.has(output) || constOf(output)) {
				throw new TfliteFormatError(`${where} writes tensor ${output}, which already has a value`);
			}
			// Type conversions of constants (float16 or int8 weights to float) are done once, here.
			const source = op.inputs[0] ?? -1;
			const sourceConst = name === 'DEQUANTIZE' && source >= 0 ? constOf(source) : null;
			if (sourceConst && !(sourceConst.data instanceof Int32Array)) {
				consts.set(output, sourceConst);
				continue;
			}
			// Constants a builder reads itself (filters, axes, sizes) need no tfjs tensor of their own.
			const readByBuilder = new Set<number>();
			const ctx: OpContext = {
				tf,
				op,
				name,
				where,
				tensors,
				options: op.options,
				constOf: (index) => {
					readByBuilder.add(index);
					return constOf(index);
				},
				keep: (t) => {
					kept.push(t);
					return t;
				}
			};
			const exact = emulate ? (INT8_OPS[name]?.(ctx) ?? null) : null;
			steps.push({ step: exact ?? builder(ctx), op, where, onGrid: exact !== null });
			for (const input of op.inputs) {
				if (input >= 0 && !available.has(input) && !readByBuilder.has(input) && consts.has(input)) {
					constTensor(input);
				}
			}
			available.add(output);
		}
		for (const index of subgraph.outputs) {
			if (!available.has(index) && !consts.has(index)) {
				throw new TfliteFormatError(`${label}output ${tensors[index]!.name} is never written`);
			}
		}
	} catch (error) {
		tf.dispose(kept);
		throw error;
	}

	// The last step that reads each tensor, so intermediates can be freed early.
	const lastRead = new Map<number, number>();
	steps.forEach(({ op }, s) => {
		for (const input of op.inputs) if (input >= 0) lastRead.set(input, s);
	});
	const outputs = new Set(subgraph.outputs);
	const quantizedOutput = (index: number): boolean => emulate && tensors[index]!.quantization !== null;

	let disposed = false;
	// MEAN over both spatial axes of an image tensor: normalisation statistics of the whole image.
	const statistics = steps
		.filter(({ op }) => {
			const code = model.operatorCodes[op.opcodeIndex]!.builtinCode;
			if (opName(code) !== 'MEAN' || tensors[op.inputs[0]!]?.shape.length !== 4) return false;
			const axes = consts.get(op.inputs[1]!)?.data ?? [];
			const spatial = Array.from(axes, (a) => (a < 0 ? a + 4 : a));
			return spatial.includes(1) && spatial.includes(2) && !spatial.includes(0);
		})
		.map(({ op }) => op.outputs[0]!);
	const statisticSet = new Set(statistics);

	return {
		inputs: subgraph.inputs.map((i) => graphTensor(tensors[i]!)),
		outputs: subgraph.outputs.map((i) => graphTensor(tensors[i]!)),
		operators: names,
		statistics,
		run(inputs, imposed = {}) {
			if (disposed) throw new EngineError(`${label}the model has been disposed`);
			if (inputs.length !== subgraph.inputs.length) {
				throw new EngineError(
					`${label}the model takes ${subgraph.inputs.length} inputs, got ${inputs.length}`
				);
			}
			const values = new Map<number, tf.Tensor>();
			const owned = new Set<tf.Tensor>();
			const get = (index: number): tf.Tensor => values.get(index) ?? constTensor(index);
			try {
				subgraph.inputs.forEach((index, i) => {
					const info = tensors[index]!;
					const given = inputs[i]!;
					const last = info.shape.length - 1;
					if (given.rank !== info.shape.length || (last > 0 && given.shape[last] !== info.shape[last])) {
						throw new EngineError(
							`${label}input ${info.name} must have shape [${info.shape.join(',')}] (or other spatial sizes), got [${given.shape.join(',')}]`
						);
					}
					elementCount(given.shape, info.name);
					let value = given.dtype === 'float32' ? given : tf.cast(given, 'float32');
					if (quantizedOutput(index)) value = fakeQuantize(tf, value, info);
					if (value !== given) owned.add(value);
					values.set(index, value);
				});
				steps.forEach(({ step, op, where, onGrid }, s) => {
					const output = op.outputs[0]!;
					let result: tf.Tensor;
					const given = imposed.impose?.get(output);
					try {
						if (given && !given.shape.every((d, i) => d === tensors[output]!.shape[i])) {
							throw new EngineError(`${where}: imposed statistics of shape [${given.shape.join(',')}]`);
						}
						result = tf.tidy(() => {
							if (given) return tf.clone(given);
							const [out] = step(get);
							return quantizedOutput(output) && !onGrid ? fakeQuantize(tf, out!, tensors[output]!) : out!;
						});
					} catch (error) {
						if (error instanceof EngineError) throw error;
						throw new EngineError(`${where}: ${(error as Error).message}`);
					}
					values.set(output, result);
					owned.add(result);
					if (imposed.record && statisticSet.has(output))
						imposed.record.set(output, tf.keep(tf.clone(result)));
					for (const input of op.inputs) {
						const value = values.get(input);
						if (value && lastRead.get(input) === s && !outputs.has(input) && owned.has(value)) {
							value.dispose();
							values.delete(input);
							owned.delete(value);
						}
					}
				});
				return subgraph.outputs.map((index) => {
					const value = values.get(index);
					if (!value) return tf.clone(constTensor(index));
					owned.delete(value);
					return value;
				});
			} finally {
				for (const value of owned) value.dispose();
			}
		},
		dispose() {
			disposed = true;
			tf.dispose(kept);
			kept.length = 0;
			constTensors.clear();
		}
	};
}
