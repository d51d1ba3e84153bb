// The editor's Konva view of a document: one Konva.Image per layer (opacity, blend mode as
// globalCompositeOperation, transform), the region mask as a translucent red overlay, a brush outline,
// a Transformer that moves, scales and rotates the selected layer, a crop rectangle, and a before/after
// split. It draws display pictures only (downscaled, made by the editor state): full-resolution pixels
// stay in blobs and the engine worker, so a 24 MP document pans as fast as a small one.
// It owns its Konva nodes and resize observer and tears them down in destroy().
import Konva from 'konva';
import type { BlendMode, Transform } from '../document/types';
import type { StrokePoint } from '../kernels/brush';
import {
	type Box,
	fitToView,
	type Point,
	type Size,
	STAGE_FIT_PADDING,
	zoomAboutPoint
} from '../kernels/geometry';

const WHEEL_ZOOM_STEP = 1.1;
const REGION_OVERLAY_OPACITY = 0.45;

export type ViewTool = 'hand' | 'move' | 'brush' | 'erase' | 'crop';

/** What the view draws for one layer. */
export interface LayerPicture {
	id: string;
	/** The layer's pixels, mask applied, in the layer's own coordinates (may be smaller than width x height). */
	source: CanvasImageSource;
	/** The layer's size in document pixels before its transform. */
	width: number;
	height: number;
	/** The part of the layer `source` shows, in layer pixels (zoomed in past the largest picture), or all of it. */
	crop?: Box;
	visible: boolean;
	opacity: number;
	blend: BlendMode;
	transform: Transform;
}

export interface CropRect {
	x: number;
	y: number;
	width: number;
	height: number;
}

export interface ViewEvents {
	/**
	 * The view transform after every fit, zoom and pan, with the stage's size (screen pixels) and the size of
	 * the document it shows.
	 */
	onView(view: { scale: number; x: number; y: number }, stage: Size, documentSize: Size): void;
	/** A brush or eraser stroke, in document pixels, with a pen's pressure. */
	onStrokeStart(point: StrokePoint): void;
	onStrokeMove(point: StrokePoint): void;
	onStrokeEnd(): void;
	/** The selected layer was moved, scaled or rotated with the Transformer. */
	onTransform(layerId: string, transform: Transform): void;
	/** The crop rectangle changed (document pixels). */
	onCropChange(rect: CropRect): void;
}

export class DocumentView {
	private readonly stage: Konva.Stage;
	private readonly layer = new Konva.Layer();
	/** Layer pictures, clipped to the document. */
	private readonly content = new Konva.Group();
	/** The content photo alone, left of the compare split. */
	private readonly before = new Konva.Group();
	private readonly beforeImage = new Konva.Image({ image: undefined, listening: false });
	private readonly splitLine = new Konva.Line({ stroke: '#fff', strokeWidth: 2, listening: false });
	private readonly region = new Konva.Image({
		image: undefined,
		opacity: REGION_OVERLAY_OPACITY,
		listening: false
	});
	private readonly brushOutline = new Konva.Circle({
		stroke: '#111',
		strokeWidth: 1,
		strokeScaleEnabled: false,
		dash: [4, 3],
		visible: false,
		listening: false
	});
	private readonly cropBox = new Konva.Rect({
		stroke: '#b3261e',
		strokeWidth: 2,
		strokeScaleEnabled: false,
		fill: 'rgba(0,0,0,0.05)',
		draggable: true,
		visible: false
	});
	private readonly transformer = new Konva.Transformer({ rotateEnabled: true, keepRatio: false });
	private readonly cropTransformer = new Konva.Transformer({ rotateEnabled: false, keepRatio: false });
	private readonly nodes = new Map<string, Konva.Image>();
	private readonly observer: ResizeObserver;
	private size = { width: 0, height: 0 };
	private tool: ViewTool = 'hand';
	private selected: string | null = null;
	private brushSize = 40;
	private painting = false;
	/** Two fingers on the stage: where they were last, to zoom by their spread and pan by their centre. */
	private pinch: { distance: number; center: Point } | null = null;
	private readonly onTouch = (event: TouchEvent) => this.touch(event);

	constructor(
		private readonly container: HTMLDivElement,
		private readonly events: ViewEvents
	) {
		this.stage = new Konva.Stage({
			container,
			width: container.clientWidth,
			height: container.clientHeight,
			draggable: true
		});
		this.before.add(this.beforeImage);
		this.layer.add(this.content, this.before, this.splitLine, this.region, this.cropBox, this.brushOutline);
		this.layer.add(this.transformer, this.cropTransformer);
		this.stage.add(this.layer);
		this.stage.on('wheel', (event) => this.onWheel(event));
		this.stage.on('dragend', (event) => {
			if (event.target === this.stage) this.reportView();
		});
		this.stage.on('pointerdown', (event) => this.onPointerDown(event));
		this.stage.on('pointermove', (event) => this.onPointerMove(event));
		this.stage.on('pointerup pointerleave', () => this.endStroke());
		this.cropBox.on('dragend transformend', () => this.reportCrop());
		this.observer = new ResizeObserver(() => this.resize());
		this.observer.observe(container);
		// The stage takes every touch (no page scroll or browser zoom): one finger uses the tool, two pinch.
		container.style.touchAction = 'none';
		for (const type of ['touchstart', 'touchmove', 'touchend', 'touchcancel'] as const) {
			container.addEventListener(type, this.onTouch, { passive: false });
		}
	}

	/** Shows a document: its size, its layers bottom to top, and the region overlay (or none). */
	show(
		size: { width: number; height: number },
		layers: LayerPicture[],
		region: CanvasImageSource | null
	): void {
		const resized = size.width !== this.size.width || size.height !== this.size.height;
		this.size = { ...size };
		this.content.clip({ x: 0, y: 0, ...size });
		const ids = new Set(layers.map((l) => l.id));
		for (const [id, node] of this.nodes) {
			if (ids.has(id)) continue;
			node.destroy();
			this.nodes.delete(id);
		}
		layers.forEach((picture, index) => {
			let node = this.nodes.get(picture.id);
			if (!node) {
				node = new Konva.Image({ image: undefined, id: picture.id });
				node.on('dragend transformend', () => this.reportTransform(picture.id));
				this.nodes.set(picture.id, node);
				this.content.add(node);
			}
			node.setAttrs({
				...placed(picture),
				visible: picture.visible,
				opacity: picture.opacity,
				globalCompositeOperation: picture.blend,
				...picture.transform
			});
			node.zIndex(index);
		});
		this.region.setAttrs({ image: region ?? undefined, visible: region !== null, ...size });
		this.applyTool();
		if (resized) {
			this.resetCrop();
			this.fit();
		} else this.layer.batchDraw();
	}

	/** Redraws after the region overlay's picture was painted on in place (a live stroke). */
	redrawRegion(): void {
		this.layer.batchDraw();
	}

	setTool(tool: ViewTool, brushSize: number): void {
		this.tool = tool;
		this.brushSize = brushSize;
		this.applyTool();
		this.layer.batchDraw();
	}

	select(layerId: string | null): void {
		this.selected = layerId;
		this.applyTool();
		this.layer.batchDraw();
	}

	/** Shows `picture` (the content photo) left of `split` (0..1 of the document width), or no split. */
	setCompare(split: number | null, picture: LayerPicture | null): void {
		const on = split !== null && picture !== null;
		this.before.visible(on);
		this.splitLine.visible(on);
		if (on) {
			const x = split * this.size.width;
			this.before.clip({ x: 0, y: 0, width: x, height: this.size.height });
			this.beforeImage.setAttrs({ ...placed(picture), ...picture.transform });
			this.splitLine.points([x, 0, x, this.size.height]);
		}
		this.layer.batchDraw();
	}

	/** Moves the crop box (typed in numbers rather than dragged). */
	setCropBox(rect: CropRect): void {
		this.cropBox.setAttrs({ ...rect, scaleX: 1, scaleY: 1 });
		this.layer.batchDraw();
	}

	cropRect(): CropRect {
		return {
			x: this.cropBox.x(),
			y: this.cropBox.y(),
			width: this.cropBox.width() * this.cropBox.scaleX(),
			height: this.cropBox.height() * this.cropBox.scaleY()
		};
	}

	fit(): void {
		if (!this.size.width || !this.size.height) {
			this.layer.batchDraw();
			// The stage's size still counts: the first document's pictures are sized for it.
			this.reportView();
			return;
		}
		const { scale, x, y } = fitToView(
			this.size,
			{ width: this.stage.width(), height: this.stage.height() },
			STAGE_FIT_PADDING
		);
		this.stage.scale({ x: scale, y: scale });
		this.stage.position({ x, y });
		this.layer.batchDraw();
		this.reportView();
	}

	/** Zooms by `factor` about the middle of the view (keyboard zoom). */
	zoomBy(factor: number): void {
		this.zoomAbout({ x: this.stage.width() / 2, y: this.stage.height() / 2 }, factor);
	}

	/** Zooms to `scale` (1: one document pixel per screen pixel) about the middle of the view. */
	zoomTo(scale: number): void {
		this.zoomBy(scale / this.stage.scaleX());
	}

	/** Moves the view by (dx, dy) screen pixels and draws at once (for the pan benchmark and keyboard panning). */
	panBy(dx: number, dy: number): void {
		this.stage.position({ x: this.stage.x() + dx, y: this.stage.y() + dy });
		this.layer.draw();
		this.reportView();
	}

	destroy(): void {
		for (const type of ['touchstart', 'touchmove', 'touchend', 'touchcancel'] as const) {
			this.container.removeEventListener(type, this.onTouch);
		}
		this.observer.disconnect();
		this.stage.destroy();
		this.nodes.clear();
	}

	private applyTool(): void {
		const painting = this.tool === 'brush' || this.tool === 'erase';
		this.stage.draggable(this.tool === 'hand');
		this.container.style.cursor = painting ? 'crosshair' : this.tool === 'hand' ? 'grab' : 'default';
		this.brushOutline.radius(this.brushSize / 2);
		if (!painting) this.brushOutline.visible(false);
		const node = this.selected ? this.nodes.get(this.selected) : undefined;
		for (const each of this.nodes.values()) each.draggable(this.tool === 'move' && each === node);
		this.transformer.nodes(this.tool === 'move' && node ? [node] : []);
		const cropping = this.tool === 'crop' && this.size.width > 0;
		this.cropBox.visible(cropping);
		this.cropTransformer.nodes(cropping ? [this.cropBox] : []);
	}

	private resetCrop(): void {
		this.cropBox.setAttrs({ x: 0, y: 0, scaleX: 1, scaleY: 1, ...this.size });
		this.reportCrop();
	}

	private reportCrop(): void {
		this.events.onCropChange(this.cropRect());
	}

	private reportTransform(layerId: string): void {
		const node = this.nodes.get(layerId);
		if (!node) return;
		this.events.onTransform(layerId, {
			x: node.x(),
			y: node.y(),
			scaleX: node.scaleX(),
			scaleY: node.scaleY(),
			rotation: node.rotation()
		});
	}

	/** The pointer in document pixels, with the pressure of a pen (a mouse's 0.5 is not pressure). */
	private documentPoint(event: PointerEvent): StrokePoint | null {
		const point = this.stage.getRelativePointerPosition();
		if (!point) return null;
		return event.pointerType === 'pen' ? { x: point.x, y: point.y, pressure: event.pressure } : point;
	}

	private onPointerDown(event: Konva.KonvaEventObject<PointerEvent>): void {
		if ((this.tool !== 'brush' && this.tool !== 'erase') || event.evt.button !== 0 || this.pinch) return;
		const point = this.documentPoint(event.evt);
		if (!point || !this.size.width) return;
		this.painting = true;
		this.events.onStrokeStart(point);
	}

	private onPointerMove(event: Konva.KonvaEventObject<PointerEvent>): void {
		if (this.tool !== 'brush' && this.tool !== 'erase') return;
		const point = this.documentPoint(event.evt);
		if (!point) return;
		this.brushOutline.setAttrs({ x: point.x, y: point.y, visible: true });
		if (this.painting) this.events.onStrokeMove(point);
		else this.layer.batchDraw();
	}

	/**
	 * Two fingers zoom by how far apart they move and pan by where their centre goes, with any tool; a stroke
	 * the first finger began ends when the second lands (undo takes it back, as in Procreate).
	 */
	private touch(event: TouchEvent): void {
		if (event.touches.length !== 2) {
			if (this.pinch) {
				this.pinch = null;
				this.applyTool();
				this.reportView();
			}
			return;
		}
		event.preventDefault();
		const box = this.container.getBoundingClientRect();
		const [a, b] = [event.touches[0]!, event.touches[1]!];
		const center = { x: (a.clientX + b.clientX) / 2 - box.left, y: (a.clientY + b.clientY) / 2 - box.top };
		const distance = Math.max(1, Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY));
		if (!this.pinch) {
			this.endStroke();
			this.stage.stopDrag();
			this.stage.draggable(false);
			this.pinch = { distance, center };
			return;
		}
		const zoomed = zoomAboutPoint(
			{ scale: this.stage.scaleX(), x: this.stage.x(), y: this.stage.y() },
			this.pinch.center,
			distance / this.pinch.distance
		);
		this.stage.scale({ x: zoomed.scale, y: zoomed.scale });
		this.stage.position({
			x: zoomed.x + center.x - this.pinch.center.x,
			y: zoomed.y + center.y - this.pinch.center.y
		});
		this.pinch = { distance, center };
		this.layer.batchDraw();
		this.reportView();
	}

	private endStroke(): void {
		if (!this.painting) return;
		this.painting = false;
		this.events.onStrokeEnd();
	}

	private resize(): void {
		this.stage.size({ width: this.container.clientWidth, height: this.container.clientHeight });
		this.fit();
	}

	private onWheel(event: Konva.KonvaEventObject<WheelEvent>): void {
		event.evt.preventDefault();
		const pointer = this.stage.getPointerPosition();
		if (!pointer) return;
		this.zoomAbout(pointer, event.evt.deltaY < 0 ? WHEEL_ZOOM_STEP : 1 / WHEEL_ZOOM_STEP);
	}

	private zoomAbout(point: Point, factor: number): void {
		const next = zoomAboutPoint(
			{ scale: this.stage.scaleX(), x: this.stage.x(), y: this.stage.y() },
			point,
			factor
		);
		this.stage.scale({ x: next.scale, y: next.scale });
		this.stage.position({ x: next.x, y: next.y });
		this.layer.batchDraw();
		this.reportView();
	}

	private reportView(): void {
		this.events.onView(
			{ scale: this.stage.scaleX(), x: this.stage.x(), y: this.stage.y() },
			{ width: this.stage.width(), height: this.stage.height() },
			{ ...this.size }
		);
	}
}

/** A Konva.Image's picture and size: all of the layer, or the part `crop` says, at its place in the layer. */
function placed(picture: LayerPicture) {
	const crop = picture.crop ?? { x: 0, y: 0, width: picture.width, height: picture.height };
	return {
		image: picture.source,
		width: crop.width,
		height: crop.height,
		offsetX: -crop.x,
		offsetY: -crop.y
	};
}
