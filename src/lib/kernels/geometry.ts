/** Pure size and view-transform arithmetic (no DOM, no Konva). */

export interface Size {
	width: number;
	height: number;
}

export interface Point {
	x: number;
	y: number;
}

/** A stage transform: screen = content * scale + (x, y). */
export interface ViewTransform {
	scale: number;
	x: number;
	y: number;
}

export interface ZoomLimits {
	min: number;
	max: number;
}

export const DEFAULT_ZOOM_LIMITS: ZoomLimits = { min: 0.02, max: 32 };

function assertPositive(name: string, value: number): void {
	if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive finite number`);
}

/**
 * Scales (width, height) down, never up, so that the long side is at most `maxSide`, keeping the aspect ratio.
 * Sides are rounded to whole pixels and are at least 1 px.
 */
export function fitWithin(width: number, height: number, maxSide: number): Size {
	assertPositive('width', width);
	assertPositive('height', height);
	assertPositive('maxSide', maxSide);
	const limit = Math.max(1, Math.floor(maxSide));
	const scale = Math.min(1, limit / Math.max(width, height));
	return {
		width: Math.min(limit, Math.max(1, Math.round(width * scale))),
		height: Math.min(limit, Math.max(1, Math.round(height * scale)))
	};
}

/** Displayed size for an EXIF orientation: width and height swap for orientations 5..8. */
export function orientedSize(width: number, height: number, orientation: number): Size {
	return orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
}

/**
 * Scale and offset that fit `content` inside `view` minus `padding` on every side, centred.
 * The scale may exceed 1 (small content is enlarged to fill the view); the padded area is at least 1 px.
 */
export function fitToView(content: Size, view: Size, padding = 0): ViewTransform {
	assertPositive('content.width', content.width);
	assertPositive('content.height', content.height);
	const pad = Number.isFinite(padding) ? Math.max(0, padding) : 0;
	const availWidth = Math.max(1, view.width - 2 * pad);
	const availHeight = Math.max(1, view.height - 2 * pad);
	const scale = Math.min(availWidth / content.width, availHeight / content.height);
	return {
		scale,
		x: (view.width - content.width * scale) / 2,
		y: (view.height - content.height * scale) / 2
	};
}

/** Space the stage leaves around a document it fits to the view, in screen pixels. */
export const STAGE_FIT_PADDING = 16;

/** The smallest long side of a display picture (smaller pictures gain nothing and blur when zoomed a little). */
export const MIN_DISPLAY_SIDE = 256;

/**
 * The long side of the picture to draw a document `longSide` pixels long with, when the screen shows
 * `devicePixelsPerPixel` device pixels per document pixel: the next power of two at or above what the
 * screen shows (so small zoom changes keep the picture), at most `maxSide` and never above the document's
 * own side (then the display picture is the document's pixels).
 */
export function displaySide(longSide: number, devicePixelsPerPixel: number, maxSide: number): number {
	assertPositive('longSide', longSide);
	assertPositive('maxSide', maxSide);
	const shown =
		Number.isFinite(devicePixelsPerPixel) && devicePixelsPerPixel > 0
			? longSide * devicePixelsPerPixel
			: longSide;
	// The epsilon keeps an exact power of two (1024 shown) from rounding up to the next level.
	const level = 2 ** Math.ceil(Math.log2(Math.max(MIN_DISPLAY_SIDE, shown)) - 1e-9);
	return Math.max(1, Math.floor(Math.min(level, maxSide, longSide)));
}

/** An axis-aligned rectangle. */
export interface Box {
	x: number;
	y: number;
	width: number;
	height: number;
}

/** A layer's placement: document = translate(x, y) . rotate(rotation degrees) . scale(scaleX, scaleY) . layer. */
export interface Placement {
	x: number;
	y: number;
	scaleX: number;
	scaleY: number;
	rotation: number;
}

/**
 * The part of a layer (`size`, placed by `placement`) that covers `area` of the document: the layer-pixel
 * box around the area's corners taken back through the placement, rounded out to whole pixels and clipped
 * to the layer; null when the layer does not reach the area.
 */
export function layerAreaOf(area: Box, placement: Placement, size: Size): Box | null {
	const angle = (-placement.rotation * Math.PI) / 180;
	const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
	const corners = [
		[area.x, area.y],
		[area.x + area.width, area.y],
		[area.x, area.y + area.height],
		[area.x + area.width, area.y + area.height]
	].map(([x, y]) => {
		const [dx, dy] = [x! - placement.x, y! - placement.y];
		// Snapped to a millionth, so a quarter turn's rounding error does not widen the box by a pixel.
		const snap = (value: number) => Math.round(value * 1e6) / 1e6;
		return [
			snap((dx * cos - dy * sin) / placement.scaleX),
			snap((dx * sin + dy * cos) / placement.scaleY)
		] as const;
	});
	const xs = corners.map(([x]) => x);
	const ys = corners.map(([, y]) => y);
	const left = Math.max(0, Math.floor(Math.min(...xs)));
	const top = Math.max(0, Math.floor(Math.min(...ys)));
	const right = Math.min(size.width, Math.ceil(Math.max(...xs)));
	const bottom = Math.min(size.height, Math.ceil(Math.max(...ys)));
	if (!(right > left && bottom > top)) return null;
	return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * Multiplies the view scale by `factor` (clamped to `limits`) while keeping the content point under `pointer`
 * fixed on screen. A non-finite or non-positive factor leaves the view unchanged.
 */
export function zoomAboutPoint(
	view: ViewTransform,
	pointer: Point,
	factor: number,
	limits: ZoomLimits = DEFAULT_ZOOM_LIMITS
): ViewTransform {
	if (!Number.isFinite(factor) || factor <= 0) return { ...view };
	const scale = Math.min(limits.max, Math.max(limits.min, view.scale * factor));
	// Content coordinates of the point currently under the pointer.
	const contentX = (pointer.x - view.x) / view.scale;
	const contentY = (pointer.y - view.y) / view.scale;
	return { scale, x: pointer.x - contentX * scale, y: pointer.y - contentY * scale };
}

/**
 * Like {@link fitWithin}, but both sides are multiples of 4 (at least 4) and at most `maxWorkingSide`
 * rounded down to a multiple of 4.
 *
 * Why 4: the style network downsamples twice by stride 2 and upsamples twice by 2. Sides that are not
 * divisible by 4 come back a few pixels off, which breaks the shape match of the output (and the
 * residual/instance-norm layers in between) with the input.
 */
export function workingSize(width: number, height: number, maxWorkingSide: number): Size {
	assertPositive('maxWorkingSide', maxWorkingSide);
	const limit = Math.floor(maxWorkingSide / 4) * 4;
	if (limit < 4) throw new RangeError('maxWorkingSide must be at least 4');
	const fitted = fitWithin(width, height, limit);
	// Rounding to the nearest multiple of 4 cannot exceed `limit`, which is itself a multiple of 4.
	const to4 = (v: number): number => Math.max(4, Math.round(v / 4) * 4);
	return { width: to4(fitted.width), height: to4(fitted.height) };
}
