// The brush and mask maths, pure (no DOM): dabs along a stroke, a dab's falloff for a hardness, painting a
// stroke into a grey mask, fill and invert, crop rectangles, and layer transforms. The stroke on screen and
// the mask that is stored are painted by this same code, so they are the same pixels.
import type { Transform } from '../document/types';

export interface Point {
	x: number;
	y: number;
}

/** A point of a stroke with the pen's pressure there (0..1; absent for a mouse or a pen without it). */
export interface StrokePoint extends Point {
	pressure?: number;
}

/** What pen pressure changes: the dab's size or its opacity (a mouse stroke is painted at full pressure). */
export type PressureMode = 'size' | 'opacity' | 'none';

/** The smallest share of the size or opacity a light touch still paints with. */
export const MIN_PRESSURE = 0.1;

export interface Rect {
	x: number;
	y: number;
	width: number;
	height: number;
}

/**
 * A grey mask as RGBA pixels (r = g = b = the mask value, a = 255), as canvases and PNG encoders take them;
 * the value is read from the red channel.
 */
export interface MaskPixels {
	width: number;
	height: number;
	data: Uint8ClampedArray;
}

export interface BrushSettings {
	tool: 'brush' | 'erase';
	/** Diameter in document pixels. */
	size: number;
	/** 0: soft all the way from the centre; 1: a hard edge. */
	hardness: number;
	/** The most a stroke changes the mask, 0..1 (overlapping dabs of one stroke do not add up past it). */
	opacity: number;
	/** What the points' pressure changes (default: nothing). */
	pressure?: PressureMode;
}

/** Distance between dabs as a fraction of the brush size: close enough that a hard edge looks smooth. */
export const DEFAULT_SPACING = 0.1;

/**
 * Dab centres along a stroke: the first point, then one every `spacing * size` pixels along the path
 * (however far apart the input points are), and the last point.
 */
export function strokeDabs(
	points: readonly StrokePoint[],
	size: number,
	spacing = DEFAULT_SPACING
): StrokePoint[] {
	const first = points[0];
	if (!first) return [];
	const step = Math.max(0.5, size * spacing);
	const dabs: StrokePoint[] = [withPressure(first.x, first.y, first.pressure)];
	// Distance walked since the last dab.
	let carried = 0;
	for (let i = 1; i < points.length; i++) {
		const a = points[i - 1]!;
		const b = points[i]!;
		const length = Math.hypot(b.x - a.x, b.y - a.y);
		if (length === 0) continue;
		let along = step - carried;
		while (along <= length) {
			const t = along / length;
			const pressure =
				a.pressure === undefined || b.pressure === undefined
					? (b.pressure ?? a.pressure)
					: a.pressure + (b.pressure - a.pressure) * t;
			dabs.push(withPressure(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, pressure));
			along += step;
		}
		carried = length - (along - step);
	}
	const last = points[points.length - 1]!;
	const lastDab = dabs[dabs.length - 1]!;
	if (lastDab.x !== last.x || lastDab.y !== last.y) dabs.push(withPressure(last.x, last.y, last.pressure));
	return dabs;
}

function withPressure(x: number, y: number, pressure: number | undefined): StrokePoint {
	return pressure === undefined ? { x, y } : { x, y, pressure };
}

/** A dab's share of the brush size and of its opacity, from the pen's pressure there. */
function dabScale(dab: StrokePoint, mode: PressureMode | undefined): { size: number; opacity: number } {
	if (!mode || mode === 'none' || dab.pressure === undefined) return { size: 1, opacity: 1 };
	const pressure = Math.min(1, Math.max(MIN_PRESSURE, dab.pressure));
	return mode === 'size' ? { size: pressure, opacity: 1 } : { size: 1, opacity: pressure };
}

/**
 * How much a dab of radius `radius` covers a point `distance` from its centre: 1 within `hardness * radius`,
 * 0 from `radius` on, and a smooth (smoothstep) fall in between.
 */
export function dabAlpha(distance: number, radius: number, hardness: number): number {
	if (distance >= radius) return 0;
	const inner = Math.min(1, Math.max(0, hardness)) * radius;
	if (distance <= inner) return 1;
	const t = (distance - inner) / (radius - inner);
	return 1 - t * t * (3 - 2 * t);
}

/** The pixels a stroke of dabs can touch, clamped to the document; null when none. */
export function strokeBounds(
	dabs: readonly Point[],
	size: number,
	width: number,
	height: number
): Rect | null {
	if (dabs.length === 0) return null;
	const radius = size / 2;
	let minX = Infinity;
	let minY = Infinity;
	let maxX = -Infinity;
	let maxY = -Infinity;
	for (const { x, y } of dabs) {
		minX = Math.min(minX, x - radius);
		minY = Math.min(minY, y - radius);
		maxX = Math.max(maxX, x + radius);
		maxY = Math.max(maxY, y + radius);
	}
	const x0 = Math.max(0, Math.floor(minX));
	const y0 = Math.max(0, Math.floor(minY));
	const x1 = Math.min(width, Math.ceil(maxX));
	const y1 = Math.min(height, Math.ceil(maxY));
	if (x1 <= x0 || y1 <= y0) return null;
	return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function setGrey(data: Uint8ClampedArray, pixel: number, value: number): void {
	const i = pixel * 4;
	data[i] = value;
	data[i + 1] = value;
	data[i + 2] = value;
	data[i + 3] = 255;
}

/**
 * Paints a stroke into the mask in place: each pixel moves towards white (brush) or black (erase) by its
 * coverage (the strongest dab over it, measured at the pixel's centre) times the opacity.
 * Returns the rectangle that may have changed, or null.
 */
export function paintStroke(
	mask: MaskPixels,
	dabs: readonly StrokePoint[],
	brush: BrushSettings
): Rect | null {
	const bounds = strokeBounds(dabs, brush.size, mask.width, mask.height);
	if (!bounds) return null;
	const coverage = new Float32Array(bounds.width * bounds.height);
	for (const dab of dabs) {
		const scale = dabScale(dab, brush.pressure);
		const radius = (brush.size * scale.size) / 2;
		const radiusSquared = radius * radius;
		const x0 = Math.max(bounds.x, Math.floor(dab.x - radius));
		const x1 = Math.min(bounds.x + bounds.width, Math.ceil(dab.x + radius));
		const y0 = Math.max(bounds.y, Math.floor(dab.y - radius));
		const y1 = Math.min(bounds.y + bounds.height, Math.ceil(dab.y + radius));
		for (let y = y0; y < y1; y++) {
			const dy = y + 0.5 - dab.y;
			const row = (y - bounds.y) * bounds.width - bounds.x;
			// Only the circle's chord on this row.
			const half = Math.sqrt(Math.max(0, radiusSquared - dy * dy));
			const from = Math.max(x0, Math.floor(dab.x - half));
			const to = Math.min(x1, Math.ceil(dab.x + half));
			for (let x = from; x < to; x++) {
				const dx = x + 0.5 - dab.x;
				const squared = dx * dx + dy * dy;
				// Outside the dab's circle, or already fully covered: nothing to add (and no square root).
				if (squared >= radiusSquared || coverage[row + x] === 1) continue;
				const alpha = dabAlpha(Math.sqrt(squared), radius, brush.hardness) * scale.opacity;
				if (alpha > coverage[row + x]!) coverage[row + x] = alpha;
			}
		}
	}
	const target = brush.tool === 'brush' ? 255 : 0;
	const opacity = Math.min(1, Math.max(0, brush.opacity));
	for (let y = 0; y < bounds.height; y++) {
		for (let x = 0; x < bounds.width; x++) {
			const amount = coverage[y * bounds.width + x]! * opacity;
			if (amount === 0) continue;
			const pixel = (bounds.y + y) * mask.width + bounds.x + x;
			const value = mask.data[pixel * 4]!;
			setGrey(mask.data, pixel, Math.round(value + (target - value) * amount));
		}
	}
	return bounds;
}

/** A mask of one grey value (0: nothing selected or all hidden; 255: everything). */
export function solidMask(width: number, height: number, value: number): MaskPixels {
	const data = new Uint8ClampedArray(width * height * 4);
	for (let pixel = 0; pixel < width * height; pixel++) setGrey(data, pixel, value);
	return { width, height, data };
}

/** White becomes black and black white, in place. */
export function invertMask(mask: MaskPixels): void {
	for (let pixel = 0; pixel < mask.width * mask.height; pixel++) {
		setGrey(mask.data, pixel, 255 - mask.data[pixel * 4]!);
	}
}

/** True when every pixel of the mask is black (a region with nothing selected). */
export function isBlankMask(mask: MaskPixels): boolean {
	for (let i = 0; i < mask.data.length; i += 4) if (mask.data[i] !== 0) return false;
	return true;
}

/** The part of a mask inside `rect` (which must lie within it), as a new mask. */
export function cropMask(mask: MaskPixels, rect: Rect): MaskPixels {
	const data = new Uint8ClampedArray(rect.width * rect.height * 4);
	for (let y = 0; y < rect.height; y++) {
		const start = ((rect.y + y) * mask.width + rect.x) * 4;
		data.set(mask.data.subarray(start, start + rect.width * 4), y * rect.width * 4);
	}
	return { width: rect.width, height: rect.height, data };
}

/**
 * A crop rectangle as dragged (any corner first, fractional, possibly past the edges) turned into whole
 * document pixels inside the document, at least 1 x 1.
 */
export function clampCropRect(rect: Rect, width: number, height: number): Rect {
	const clampX = (v: number) => Math.min(width, Math.max(0, Math.round(v)));
	const clampY = (v: number) => Math.min(height, Math.max(0, Math.round(v)));
	let x0 = clampX(Math.min(rect.x, rect.x + rect.width));
	let x1 = clampX(Math.max(rect.x, rect.x + rect.width));
	let y0 = clampY(Math.min(rect.y, rect.y + rect.height));
	let y1 = clampY(Math.max(rect.y, rect.y + rect.height));
	if (x1 - x0 < 1) [x0, x1] = x0 >= width ? [width - 1, width] : [x0, x0 + 1];
	if (y1 - y0 < 1) [y0, y1] = y0 >= height ? [height - 1, height] : [y0, y0 + 1];
	return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

// ------------------------------------------------------------------------------------------------------
// Layer transforms, as Konva and the 2D canvas apply them: translate, then rotate (degrees, clockwise on
// screen since y points down), then scale.

/** A point in the layer's own pixels to document pixels. */
export function layerToDocument(t: Transform, p: Point): Point {
	const rad = (t.rotation * Math.PI) / 180;
	const cos = Math.cos(rad);
	const sin = Math.sin(rad);
	const sx = p.x * t.scaleX;
	const sy = p.y * t.scaleY;
	return { x: t.x + sx * cos - sy * sin, y: t.y + sx * sin + sy * cos };
}

/** A document point to the layer's own pixels (the inverse of layerToDocument). */
export function documentToLayer(t: Transform, p: Point): Point {
	const rad = (t.rotation * Math.PI) / 180;
	const cos = Math.cos(rad);
	const sin = Math.sin(rad);
	const dx = p.x - t.x;
	const dy = p.y - t.y;
	return { x: (dx * cos + dy * sin) / t.scaleX, y: (-dx * sin + dy * cos) / t.scaleY };
}

/** The axis-aligned box in document pixels covered by a width x height layer under its transform. */
export function layerBounds(t: Transform, width: number, height: number): Rect {
	const corners = [
		{ x: 0, y: 0 },
		{ x: width, y: 0 },
		{ x: 0, y: height },
		{ x: width, y: height }
	].map((corner) => layerToDocument(t, corner));
	const xs = corners.map((c) => c.x);
	const ys = corners.map((c) => c.y);
	const x = Math.min(...xs);
	const y = Math.min(...ys);
	return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}
