// CRC-32 as PNG (and zlib) define it: the one checksum of the PNG chunk reader and the mask PNG writer.

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/** CRC-32 over the parts in order (a PNG chunk's CRC covers its type and data). */
export function crc32(...parts: Uint8Array[]): number {
	let c = 0xffffffff;
	for (const part of parts) {
		for (let i = 0; i < part.length; i++) c = CRC_TABLE[(c ^ part[i]!) & 0xff]! ^ (c >>> 8);
	}
	return (c ^ 0xffffffff) >>> 0;
}
