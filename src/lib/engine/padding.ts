// Networks that halve the image a few times need sides that are multiples of 2^k. These helpers pad an
// image on the bottom and right by repeating its last row and column, and crop the result back.
import type * as tf from '@tensorflow/tfjs';

/** How many rows and columns to add so both sides become multiples of `multiple`. */
export function padAmounts(
	height: number,
	width: number,
	multiple: number
): { bottom: number; right: number } {
	const up = (side: number) => (multiple - (side % multiple)) % multiple;
	return { bottom: up(height), right: up(width) };
}

/**
 * HxWx3 in, H'xW'x3 out with H' and W' the next multiples of `multiple`; the new rows and columns repeat
 * the edge (works for any size, even 1x1, unlike reflection). Call inside tf.tidy.
 */
export function padToMultiple(
	tfjs: typeof import('@tensorflow/tfjs'),
	image: tf.Tensor3D,
	multiple: number
): tf.Tensor3D {
	const [height = 1, width = 1] = image.shape;
	const { bottom, right } = padAmounts(height, width, multiple);
	let out = image;
	if (bottom > 0) {
		const last = out.slice([height - 1, 0, 0], [1, -1, -1]);
		out = tfjs.concat([out, last.tile([bottom, 1, 1])], 0);
	}
	if (right > 0) {
		const last = out.slice([0, width - 1, 0], [-1, 1, -1]);
		out = tfjs.concat([out, last.tile([1, right, 1])], 1);
	}
	return out;
}

/** The top-left HxW of an image that padToMultiple enlarged. Call inside tf.tidy. */
export function cropTo(image: tf.Tensor3D, height: number, width: number): tf.Tensor3D {
	const [h, w] = image.shape;
	return h === height && w === width ? image : image.slice([0, 0, 0], [height, width, -1]);
}
