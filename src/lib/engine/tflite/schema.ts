// The TF Lite model format (tensorflow/lite/schema/schema.fbs) read into plain objects: operator codes,
// subgraphs with their tensors and operators, and buffers. Only what a rebuild with tfjs ops needs is
// kept; options are read per operator from the union table the file stores.
import { EngineError } from '../types';
import { FlatbufferError, FlatReader, type Table } from './flatbuffer';

/** A file that is not a readable TF Lite model; an EngineError, so callers report it like any other. */
export class TfliteFormatError extends EngineError {
	override name = 'TfliteFormatError';
}

/** TensorType in schema.fbs. */
export const TENSOR_TYPES = [
	'float32',
	'float16',
	'int32',
	'uint8',
	'int64',
	'string',
	'bool',
	'int16',
	'complex64',
	'int8',
	'float64',
	'complex128',
	'uint64',
	'resource',
	'variant',
	'uint32',
	'uint16',
	'int4'
] as const;
export type TensorType = (typeof TENSOR_TYPES)[number];

/** BuiltinOperator in schema.fbs, by code. */
export const BUILTIN_OPS = [
	'ADD',
	'AVERAGE_POOL_2D',
	'CONCATENATION',
	'CONV_2D',
	'DEPTHWISE_CONV_2D',
	'DEPTH_TO_SPACE',
	'DEQUANTIZE',
	'EMBEDDING_LOOKUP',
	'FLOOR',
	'FULLY_CONNECTED',
	'HASHTABLE_LOOKUP',
	'L2_NORMALIZATION',
	'L2_POOL_2D',
	'LOCAL_RESPONSE_NORMALIZATION',
	'LOGISTIC',
	'LSH_PROJECTION',
	'LSTM',
	'MAX_POOL_2D',
	'MUL',
	'RELU',
	'RELU_N1_TO_1',
	'RELU6',
	'RESHAPE',
	'RESIZE_BILINEAR',
	'RNN',
	'SOFTMAX',
	'SPACE_TO_DEPTH',
	'SVDF',
	'TANH',
	'CONCAT_EMBEDDINGS',
	'SKIP_GRAM',
	'CALL',
	'CUSTOM',
	'EMBEDDING_LOOKUP_SPARSE',
	'PAD',
	'UNIDIRECTIONAL_SEQUENCE_RNN',
	'GATHER',
	'BATCH_TO_SPACE_ND',
	'SPACE_TO_BATCH_ND',
	'TRANSPOSE',
	'MEAN',
	'SUB',
	'DIV',
	'SQUEEZE',
	'UNIDIRECTIONAL_SEQUENCE_LSTM',
	'STRIDED_SLICE',
	'BIDIRECTIONAL_SEQUENCE_RNN',
	'EXP',
	'TOPK_V2',
	'SPLIT',
	'LOG_SOFTMAX',
	'DELEGATE',
	'BIDIRECTIONAL_SEQUENCE_LSTM',
	'CAST',
	'PRELU',
	'MAXIMUM',
	'ARG_MAX',
	'MINIMUM',
	'LESS',
	'NEG',
	'PADV2',
	'GREATER',
	'GREATER_EQUAL',
	'LESS_EQUAL',
	'SELECT',
	'SLICE',
	'SIN',
	'TRANSPOSE_CONV',
	'SPARSE_TO_DENSE',
	'TILE',
	'EXPAND_DIMS',
	'EQUAL',
	'NOT_EQUAL',
	'LOG',
	'SUM',
	'SQRT',
	'RSQRT',
	'SHAPE',
	'POW',
	'ARG_MIN',
	'FAKE_QUANT',
	'REDUCE_PROD',
	'REDUCE_MAX',
	'PACK',
	'LOGICAL_OR',
	'ONE_HOT',
	'LOGICAL_AND',
	'LOGICAL_NOT',
	'UNPACK',
	'REDUCE_MIN',
	'FLOOR_DIV',
	'REDUCE_ANY',
	'SQUARE',
	'ZEROS_LIKE',
	'FILL',
	'FLOOR_MOD',
	'RANGE',
	'RESIZE_NEAREST_NEIGHBOR',
	'LEAKY_RELU',
	'SQUARED_DIFFERENCE',
	'MIRROR_PAD',
	'ABS',
	'SPLIT_V',
	'UNIQUE',
	'CEIL',
	'REVERSE_V2',
	'ADD_N',
	'GATHER_ND',
	'COS',
	'WHERE',
	'RANK',
	'ELU',
	'REVERSE_SEQUENCE',
	'MATRIX_DIAG',
	'QUANTIZE',
	'MATRIX_SET_DIAG',
	'ROUND',
	'HARD_SWISH',
	'IF',
	'WHILE',
	'NON_MAX_SUPPRESSION_V4',
	'NON_MAX_SUPPRESSION_V5',
	'SCATTER_ND',
	'SELECT_V2',
	'DENSIFY',
	'SEGMENT_SUM',
	'BATCH_MATMUL'
] as const;

/** A readable name for a builtin operator code. */
export function opName(code: number): string {
	return BUILTIN_OPS[code] ?? `builtin operator #${code}`;
}

export interface Quantization {
	/** One scale per tensor, or one per slice along `axis` (per-axis quantization). */
	scale: number[];
	zeroPoint: number[];
	axis: number;
}

export interface TensorInfo {
	index: number;
	name: string;
	shape: number[];
	type: TensorType;
	/** Index into the model's buffers; 0 (the empty sentinel) for tensors computed at run time. */
	buffer: number;
	quantization: Quantization | null;
	isVariable: boolean;
	sparse: boolean;
}

export interface OperatorCode {
	builtinCode: number;
	customCode: string | null;
	version: number;
}

export interface OperatorInfo {
	index: number;
	opcodeIndex: number;
	/** Tensor indices; -1 marks an absent optional input. */
	inputs: number[];
	outputs: number[];
	/** The BuiltinOptions union type and table, read by the op that knows its layout. */
	optionsType: number;
	options: Table | null;
}

export interface SubGraph {
	name: string;
	tensors: TensorInfo[];
	inputs: number[];
	outputs: number[];
	operators: OperatorInfo[];
}

export interface TfliteModel {
	version: number;
	description: string;
	operatorCodes: OperatorCode[];
	subgraphs: SubGraph[];
	/** Each buffer's bytes (views into the file); empty for the sentinel and for run-time tensors. */
	buffers: Uint8Array[];
}

/** The longest shape TF Lite itself supports is far below this; anything longer is a damaged file. */
const MAX_RANK = 8;

function readQuantization(table: Table | null): Quantization | null {
	if (!table) return null;
	const scale = table.float32s(2);
	const zeroPoint = table.int64s(3);
	if (table.uint8(4) !== 0) throw new TfliteFormatError('custom quantization details are not supported');
	if (scale.length === 0) return null;
	if (zeroPoint.length !== 0 && zeroPoint.length !== scale.length) {
		throw new TfliteFormatError(`${scale.length} quantization scales but ${zeroPoint.length} zero points`);
	}
	if (scale.some((s) => !Number.isFinite(s)))
		throw new TfliteFormatError('a quantization scale is not finite');
	return {
		scale,
		zeroPoint: zeroPoint.length ? zeroPoint : scale.map(() => 0),
		axis: table.int32(6)
	};
}

function readTensor(table: Table, index: number, bufferCount: number): TensorInfo {
	const shape = table.int32s(0);
	if (shape.length > MAX_RANK) throw new TfliteFormatError(`tensor ${index} has rank ${shape.length}`);
	const typeCode = table.int8(1);
	const type = TENSOR_TYPES[typeCode];
	if (!type) throw new TfliteFormatError(`tensor ${index} has unknown type ${typeCode}`);
	const buffer = table.uint32(2);
	if (buffer >= bufferCount) {
		throw new TfliteFormatError(`tensor ${index} names buffer ${buffer} of ${bufferCount}`);
	}
	return {
		index,
		name: table.string(3) ?? `tensor ${index}`,
		shape,
		type,
		buffer,
		quantization: readQuantization(table.table(4, `tensor ${index} quantization`)),
		isVariable: table.bool(5),
		sparse: table.has(6)
	};
}

function checkIndices(indices: number[], count: number, what: string, optional: boolean): void {
	for (const i of indices) {
		if (!Number.isInteger(i) || i >= count || i < (optional ? -1 : 0)) {
			throw new TfliteFormatError(`${what} names tensor ${i}, but the subgraph has ${count}`);
		}
	}
}

function readSubgraph(table: Table, index: number, bufferCount: number, opcodeCount: number): SubGraph {
	const tensors = table.tables(0, 'tensor').map((t, i) => readTensor(t, i, bufferCount));
	const inputs = table.int32s(1);
	const outputs = table.int32s(2);
	checkIndices(inputs, tensors.length, `subgraph ${index} inputs`, false);
	checkIndices(outputs, tensors.length, `subgraph ${index} outputs`, false);
	const operators = table.tables(3, 'operator').map((op, i): OperatorInfo => {
		const opcodeIndex = op.uint32(0);
		if (opcodeIndex >= opcodeCount) {
			throw new TfliteFormatError(`operator ${i} uses operator code ${opcodeIndex} of ${opcodeCount}`);
		}
		const opInputs = op.int32s(1);
		const opOutputs = op.int32s(2);
		checkIndices(opInputs, tensors.length, `operator ${i} inputs`, true);
		checkIndices(opOutputs, tensors.length, `operator ${i} outputs`, false);
		const optionsType = op.uint8(3);
		return {
			index: i,
			opcodeIndex,
			inputs: opInputs,
			outputs: opOutputs,
			optionsType,
			options: optionsType === 0 ? null : op.table(4, `operator ${i} options`)
		};
	});
	return { name: table.string(4) ?? `subgraph ${index}`, tensors, inputs, outputs, operators };
}

function readBuffer(table: Table, bytes: Uint8Array, index: number): Uint8Array {
	const data = table.bytes(0);
	if (data && data.byteLength > 0) return data;
	// Models over 2 GB keep buffers after the flatbuffer, addressed by offset and size.
	const offset = table.uint64(1);
	const size = table.uint64(2);
	if (offset > 1) {
		if (offset + size > bytes.byteLength) {
			throw new TfliteFormatError(`buffer ${index} lies outside the file`);
		}
		return bytes.subarray(offset, offset + size);
	}
	return new Uint8Array(0);
}

/** Parses a TF Lite flatbuffer; throws TfliteFormatError naming the problem when it is not one. */
export function parseTflite(bytes: Uint8Array): TfliteModel {
	try {
		const reader = new FlatReader(bytes);
		if (bytes.byteLength < 8) throw new TfliteFormatError(`${bytes.byteLength} bytes is too short`);
		const identifier = reader.identifier();
		if (identifier !== 'TFL3') {
			throw new TfliteFormatError('the file identifier is not "TFL3"');
		}
		const model = reader.root('the model');
		const version = model.uint32(0);
		if (version !== 3) throw new TfliteFormatError(`schema version ${version} is not supported (3 is)`);
		const operatorCodes = model.tables(1, 'operator code').map((code): OperatorCode => ({
			// Newer files keep the code in builtin_code; older ones only in the deprecated byte.
			builtinCode: Math.max(code.int8(0), code.int32(3)),
			customCode: code.string(1),
			version: code.int32(2, 1)
		}));
		const buffers = model.tables(4, 'buffer').map((b, i) => readBuffer(b, bytes, i));
		const subgraphs = model
			.tables(2, 'subgraph')
			.map((s, i) => readSubgraph(s, i, buffers.length, operatorCodes.length));
		if (subgraphs.length === 0) throw new TfliteFormatError('the model has no subgraph');
		return { version, description: model.string(3) ?? '', operatorCodes, subgraphs, buffers };
	} catch (error) {
		if (error instanceof FlatbufferError) throw new TfliteFormatError(error.message);
		if (error instanceof TfliteFormatError) throw error;
		if (error instanceof RangeError) throw new TfliteFormatError(error.message);
		throw error;
	}
}

/** The operator names a subgraph uses, in order of first use. */
export function operatorNames(model: TfliteModel, subgraph = 0): string[] {
	const names: string[] = [];
	for (const op of model.subgraphs[subgraph]?.operators ?? []) {
		const code = model.operatorCodes[op.opcodeIndex];
		const name =
			code?.builtinCode === 32 ? `CUSTOM(${code.customCode ?? '?'})` : opName(code?.builtinCode ?? -1);
		if (!names.includes(name)) names.push(name);
	}
	return names;
}
