// Constant tensors of a TF Lite model as real numbers: float16 widened, int8/uint8/int16 weights
// dequantized (real = scale * (q - zero_point), per tensor or per axis), integer tensors kept as int32.
import type { Quantization, TensorInfo, TensorType, TfliteModel } from './schema';
import { TfliteFormatError } from './schema';

export interface ConstValue {
	shape: number[];
	/** Real values (float32), or int32 for integer tensors without quantization (shapes, axes, sizes). */
	data: Float32Array | Int32Array;
	/** For quantized integer tensors: the stored integers and their parameters. */
	quantized?: { values: Int32Array; quantization: Quantization };
}

const ELEMENT_BYTES: Partial<Record<TensorType, number>> = {
	float32: 4,
	float16: 2,
	int32: 4,
	uint8: 1,
	int64: 8,
	int16: 2,
	int8: 1,
	bool: 1
};

/** The element count of a shape; throws on negative or absurd sizes. */
export function elementCount(shape: readonly number[], what: string): number {
	let count = 1;
	for (const dim of shape) {
		if (!Number.isInteger(dim) || dim < 0)
			throw new TfliteFormatError(`${what} has shape [${shape.join(',')}]`);
		count *= dim;
		if (count > 2 ** 31) throw new TfliteFormatError(`${what} is too large ([${shape.join(',')}])`);
	}
	return count;
}

function halfToFloat(bits: number): number {
	const sign = bits & 0x8000 ? -1 : 1;
	const exponent = (bits >> 10) & 0x1f;
	const fraction = bits & 0x3ff;
	if (exponent === 0) return sign * fraction * 2 ** -24;
	if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
	return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** For per-axis quantization: which slice along `axis` each flat index belongs to. */
function channelOf(
	shape: readonly number[],
	quantization: Quantization,
	what: string
): (i: number) => number {
	const { scale, axis } = quantization;
	if (scale.length === 1) return () => 0;
	if (axis < 0 || axis >= shape.length || shape[axis] !== scale.length) {
		throw new TfliteFormatError(
			`${what} has ${scale.length} quantization scales along axis ${axis} of shape [${shape.join(',')}]`
		);
	}
	let inner = 1;
	for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
	const channels = scale.length;
	return (i) => Math.floor(i / inner) % channels;
}

/** The value of a constant tensor, or null when it has no data (it is computed at run time). */
export function readConst(model: TfliteModel, tensor: TensorInfo): ConstValue | null {
	const bytes = model.buffers[tensor.buffer];
	if (!bytes || bytes.byteLength === 0) return null;
	const what = `tensor ${tensor.index} (${tensor.name})`;
	const size = ELEMENT_BYTES[tensor.type];
	if (size === undefined) throw new TfliteFormatError(`${what} has unsupported type ${tensor.type}`);
	const count = elementCount(tensor.shape, what);
	if (bytes.byteLength !== count * size) {
		throw new TfliteFormatError(
			`${what}: its buffer holds ${bytes.byteLength} bytes, its shape [${tensor.shape.join(',')}] of ${tensor.type} needs ${count * size}`
		);
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const q = tensor.quantization;
	const shape = [...tensor.shape];
	const raw = (i: number): number => {
		switch (tensor.type) {
			case 'float32':
				return view.getFloat32(4 * i, true);
			case 'float16':
				return halfToFloat(view.getUint16(2 * i, true));
			case 'int32':
				return view.getInt32(4 * i, true);
			case 'int64':
				return Number(view.getBigInt64(8 * i, true));
			case 'int16':
				return view.getInt16(2 * i, true);
			case 'int8':
				return view.getInt8(i);
			default:
				return view.getUint8(i);
		}
	};
	const isFloat = tensor.type === 'float32' || tensor.type === 'float16';
	if (!isFloat && !q) {
		const data = new Int32Array(count);
		for (let i = 0; i < count; i++) {
			const value = raw(i);
			if (value > 2 ** 31 - 1 || value < -(2 ** 31)) throw new TfliteFormatError(`${what} overflows int32`);
			data[i] = value;
		}
		return { shape, data };
	}
	const data = new Float32Array(count);
	if (isFloat || !q) {
		for (let i = 0; i < count; i++) data[i] = raw(i);
		return { shape, data };
	}
	const channel = channelOf(tensor.shape, q, what);
	const values = new Int32Array(count);
	for (let i = 0; i < count; i++) {
		const c = channel(i);
		const value = raw(i);
		if (value > 2 ** 31 - 1 || value < -(2 ** 31)) throw new TfliteFormatError(`${what} overflows int32`);
		values[i] = value;
		data[i] = q.scale[c]! * (value - q.zeroPoint[c]!);
	}
	return { shape, data, quantized: { values, quantization: q } };
}
