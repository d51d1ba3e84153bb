// Display pictures for masks: the red overlay the brush paints on screen (its alpha is the mask, so it also
// cuts layer pictures), and a layer's picture cut by its mask. The view only ever sees these downscaled
// pictures; the stored masks are painted at full size by the brush kernel (src/lib/kernels/brush.ts).
import type { MaskPixels, Rect } from '../kernels/brush';
import type { Transform } from '../document/types';
import { NO_CANVAS } from './compose';

function context2d(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
	const context = canvas.getContext('2d');
	if (!context) throw new Error(NO_CANVAS);
	return context;
}

const OVERLAY_RED = [179, 38, 30] as const;

/** Writes the mask inside `rect` into `overlay` as red whose alpha is the mask value. */
export function paintOverlay(overlay: OffscreenCanvas, mask: MaskPixels, rect: Rect): void {
	const { x, y, width, height } = rect;
	if (width <= 0 || height <= 0) return;
	const out = new ImageData(width, height);
	for (let row = 0; row < height; row++) {
		let i = ((y + row) * mask.width + x) * 4;
		let o = row * width * 4;
		for (let col = 0; col < width; col++, i += 4, o += 4) {
			out.data[o] = OVERLAY_RED[0];
			out.data[o + 1] = OVERLAY_RED[1];
			out.data[o + 2] = OVERLAY_RED[2];
			out.data[o + 3] = mask.data[i]!;
		}
	}
	context2d(overlay).putImageData(out, x, y);
}

/** A new red overlay picture of the whole mask. */
export function overlayOf(mask: MaskPixels): OffscreenCanvas {
	const overlay = new OffscreenCanvas(mask.width, mask.height);
	paintOverlay(overlay, mask, { x: 0, y: 0, width: mask.width, height: mask.height });
	return overlay;
}

/**
 * The layer's display picture with its mask applied, in the layer's own coordinates: `picture` shows `area`
 * of the layer (layer pixels); the mask (document coordinates, any size) is drawn through the inverse of
 * the layer's transform, keeping the picture only where the mask is white.
 */
export function maskedPicture(
	picture: ImageBitmap,
	maskOverlay: OffscreenCanvas | ImageBitmap,
	transform: Transform,
	area: Rect,
	documentSize: { width: number; height: number }
): OffscreenCanvas {
	const canvas = new OffscreenCanvas(picture.width, picture.height);
	const context = context2d(canvas);
	context.drawImage(picture, 0, 0);
	context.globalCompositeOperation = 'destination-in';
	// display pixels <- layer pixels <- document pixels (the inverse of translate, rotate, scale).
	context.scale(picture.width / area.width, picture.height / area.height);
	context.translate(-area.x, -area.y);
	context.scale(1 / transform.scaleX, 1 / transform.scaleY);
	context.rotate((-transform.rotation * Math.PI) / 180);
	context.translate(-transform.x, -transform.y);
	context.drawImage(maskOverlay, 0, 0, documentSize.width, documentSize.height);
	return canvas;
}
