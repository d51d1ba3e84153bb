// A fast content fingerprint (two independent 32-bit multiply-xor lanes over 32-bit words) for cache
// keys of pixels the engine already holds: not cryptographic, only to tell pictures apart.

/** A 16-hex-digit fingerprint of the bytes. */
export function fingerprint(bytes: Uint8Array | Uint8ClampedArray): string {
	const words = Math.floor(bytes.byteLength / 4);
	const whole =
		bytes.byteOffset % 4 === 0
			? new Uint32Array(bytes.buffer, bytes.byteOffset, words)
			: alignedCopy(bytes, words);
	let a = 0x811c9dc5 ^ bytes.byteLength;
	let b = 0x9e3779b9 ^ bytes.byteLength;
	for (let i = 0; i < words; i++) {
		const w = whole[i]!;
		a = Math.imul(a ^ w, 0x01000193);
		b = Math.imul((b ^ w) + i, 0x5bd1e995);
		b ^= b >>> 15;
	}
	for (let i = words * 4; i < bytes.byteLength; i++) {
		a = Math.imul(a ^ bytes[i]!, 0x01000193);
		b = Math.imul(b ^ bytes[i]!, 0x5bd1e995);
	}
	return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

function alignedCopy(bytes: Uint8Array | Uint8ClampedArray, words: number): Uint32Array {
	const copy = new Uint8Array(words * 4);
	copy.set(bytes.subarray(0, words * 4));
	return new Uint32Array(copy.buffer);
}
