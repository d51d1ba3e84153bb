// A small, defensive flatbuffer reader: just enough of the format to read a TF Lite model. Every offset
// is bounds-checked before it is followed and every vector length is checked against the bytes that are
// left, so a damaged file ends in a FlatbufferError, never a crash, a hang or a huge allocation.

export class FlatbufferError extends Error {
	override name = 'FlatbufferError';
}

/** A table in the buffer: a position plus the vtable that says where each field is. */
export class Table {
	private constructor(
		private readonly reader: FlatReader,
		readonly pos: number,
		private readonly vtable: number,
		private readonly vtableSize: number,
		readonly what: string
	) {}

	static at(reader: FlatReader, pos: number, what: string): Table {
		reader.need(pos, 4, what);
		const vtable = pos - reader.view.getInt32(pos, true);
		reader.need(vtable, 4, `${what} vtable`);
		const vtableSize = reader.view.getUint16(vtable, true);
		const tableSize = reader.view.getUint16(vtable + 2, true);
		if (vtableSize < 4 || vtableSize % 2 !== 0) throw new FlatbufferError(`${what}: bad vtable size`);
		reader.need(vtable, vtableSize, `${what} vtable`);
		reader.need(pos, Math.max(tableSize, 4), what);
		return new Table(reader, pos, vtable, vtableSize, what);
	}

	/** The position of field `index` (its offset from the table start), or 0 when it is absent. */
	private field(index: number): number {
		const entry = 4 + 2 * index;
		if (entry + 2 > this.vtableSize) return 0;
		return this.reader.view.getUint16(this.vtable + entry, true);
	}

	has(index: number): boolean {
		return this.field(index) !== 0;
	}

	private scalarAt(index: number, size: number): number | null {
		const offset = this.field(index);
		if (offset === 0) return null;
		this.reader.need(this.pos + offset, size, `${this.what} field ${index}`);
		return this.pos + offset;
	}

	uint8(index: number, fallback = 0): number {
		const at = this.scalarAt(index, 1);
		return at === null ? fallback : this.reader.view.getUint8(at);
	}

	int8(index: number, fallback = 0): number {
		const at = this.scalarAt(index, 1);
		return at === null ? fallback : this.reader.view.getInt8(at);
	}

	bool(index: number, fallback = false): boolean {
		const at = this.scalarAt(index, 1);
		return at === null ? fallback : this.reader.view.getUint8(at) !== 0;
	}

	int32(index: number, fallback = 0): number {
		const at = this.scalarAt(index, 4);
		return at === null ? fallback : this.reader.view.getInt32(at, true);
	}

	uint32(index: number, fallback = 0): number {
		const at = this.scalarAt(index, 4);
		return at === null ? fallback : this.reader.view.getUint32(at, true);
	}

	float32(index: number, fallback = 0): number {
		const at = this.scalarAt(index, 4);
		return at === null ? fallback : this.reader.view.getFloat32(at, true);
	}

	/** A 64-bit unsigned field as a number; values beyond 2^53 are refused (no file is that large). */
	uint64(index: number, fallback = 0): number {
		const at = this.scalarAt(index, 8);
		if (at === null) return fallback;
		const value = this.reader.view.getBigUint64(at, true);
		if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
			throw new FlatbufferError(`${this.what} field ${index}: value out of range`);
		}
		return Number(value);
	}

	/** Where an offset field points, or null when it is absent. */
	private target(index: number): number | null {
		const at = this.scalarAt(index, 4);
		if (at === null) return null;
		const target = at + this.reader.view.getUint32(at, true);
		this.reader.need(target, 4, `${this.what} field ${index}`);
		return target;
	}

	table(index: number, what: string): Table | null {
		const target = this.target(index);
		return target === null ? null : Table.at(this.reader, target, what);
	}

	string(index: number): string | null {
		const target = this.target(index);
		if (target === null) return null;
		const length = this.reader.view.getUint32(target, true);
		this.reader.need(target + 4, length, `${this.what} field ${index} string`);
		return new TextDecoder('utf-8', { fatal: false }).decode(
			this.reader.bytes.subarray(target + 4, target + 4 + length)
		);
	}

	/** A vector's element count and where its first element is. */
	private vector(index: number, elementSize: number): { start: number; length: number } | null {
		const target = this.target(index);
		if (target === null) return null;
		const length = this.reader.view.getUint32(target, true);
		this.reader.need(target + 4, length * elementSize, `${this.what} field ${index} vector`);
		return { start: target + 4, length };
	}

	tables(index: number, what: string): Table[] {
		const vector = this.vector(index, 4);
		if (!vector) return [];
		const out: Table[] = [];
		for (let i = 0; i < vector.length; i++) {
			const at = vector.start + 4 * i;
			out.push(Table.at(this.reader, at + this.reader.view.getUint32(at, true), `${what}[${i}]`));
		}
		return out;
	}

	int32s(index: number): number[] {
		const vector = this.vector(index, 4);
		if (!vector) return [];
		const out: number[] = new Array<number>(vector.length);
		for (let i = 0; i < vector.length; i++) out[i] = this.reader.view.getInt32(vector.start + 4 * i, true);
		return out;
	}

	float32s(index: number): number[] {
		const vector = this.vector(index, 4);
		if (!vector) return [];
		const out: number[] = new Array<number>(vector.length);
		for (let i = 0; i < vector.length; i++) out[i] = this.reader.view.getFloat32(vector.start + 4 * i, true);
		return out;
	}

	/** A vector of int64 as numbers (quantization zero points are small). */
	int64s(index: number): number[] {
		const vector = this.vector(index, 8);
		if (!vector) return [];
		const out: number[] = new Array<number>(vector.length);
		for (let i = 0; i < vector.length; i++) {
			const value = this.reader.view.getBigInt64(vector.start + 8 * i, true);
			if (value > 2n ** 31n || value < -(2n ** 31n)) {
				throw new FlatbufferError(`${this.what} field ${index}: value out of range`);
			}
			out[i] = Number(value);
		}
		return out;
	}

	/** A byte vector as a view into the file (no copy). */
	bytes(index: number): Uint8Array | null {
		const vector = this.vector(index, 1);
		return vector ? this.reader.bytes.subarray(vector.start, vector.start + vector.length) : null;
	}
}

export class FlatReader {
	readonly view: DataView;

	constructor(readonly bytes: Uint8Array) {
		this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}

	/** Throws unless `size` bytes from `pos` lie inside the buffer. */
	need(pos: number, size: number, what: string): void {
		if (!Number.isSafeInteger(pos) || pos < 0 || size < 0 || pos + size > this.bytes.byteLength) {
			throw new FlatbufferError(`${what} points outside the file (offset ${pos}, ${size} bytes)`);
		}
	}

	root(what: string): Table {
		this.need(0, 8, 'the file header');
		return Table.at(this, this.view.getUint32(0, true), what);
	}

	/** The 4-byte file identifier after the root offset. */
	identifier(): string {
		this.need(4, 4, 'the file identifier');
		return String.fromCharCode(...this.bytes.subarray(4, 8));
	}
}
