// Colour maths shared by the engine (as tensor ops) and tests (per pixel). Pure: no tfjs, no DOM.

/** BT.601 luma weights for R, G, B: the Y of YCbCr. */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

export function luma(r: number, g: number, b: number): number {
	return LUMA_WEIGHTS[0] * r + LUMA_WEIGHTS[1] * g + LUMA_WEIGHTS[2] * b;
}

/**
 * The photo's chroma with the painting's luminance. In YCbCr, R, G and B are each Y plus a term of
 * Cb and Cr alone, so keeping the photo's Cb/Cr and taking the painting's Y shifts every channel of
 * the photo by the same luma difference.
 */
export function preserveColorsPixel(
	content: readonly [number, number, number],
	painted: readonly [number, number, number]
): [number, number, number] {
	const shift = luma(...painted) - luma(...content);
	return [content[0] + shift, content[1] + shift, content[2] + shift].map((v) =>
		Math.min(255, Math.max(0, v))
	) as [number, number, number];
}

/** Cb and Cr (BT.601, centred on 0) of an RGB colour: what "the colours" of a pixel are. */
export function chroma(r: number, g: number, b: number): [number, number] {
	const y = luma(r, g, b);
	return [(b - y) * 0.564, (r - y) * 0.713];
}
