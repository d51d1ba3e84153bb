// The Konva stage: shows one image, fits it to the view, zooms about the pointer with the wheel and
// pans by dragging. It owns its Konva nodes and resize observer and tears them down in destroy().
import Konva from 'konva';
import { fitToView, zoomAboutPoint } from '../kernels/geometry';

const WHEEL_ZOOM_STEP = 1.1;

export class StageController {
	private readonly stage: Konva.Stage;
	private readonly layer = new Konva.Layer();
	private readonly image = new Konva.Image({ image: undefined, listening: false });
	private readonly observer: ResizeObserver;

	constructor(
		private readonly container: HTMLDivElement,
		/** Told the view transform after every fit, zoom and pan (the page shows the zoom level). */
		private readonly onView: (view: { scale: number; x: number; y: number }) => void = () => {}
	) {
		this.stage = new Konva.Stage({
			container,
			width: container.clientWidth,
			height: container.clientHeight,
			draggable: true
		});
		this.layer.add(this.image);
		this.stage.add(this.layer);
		this.stage.on('wheel', (event) => this.onWheel(event));
		this.stage.on('dragend', () => this.reportView());
		this.observer = new ResizeObserver(() => this.resize());
		this.observer.observe(container);
	}

	show(source: CanvasImageSource | undefined, width: number, height: number): void {
		this.image.setAttrs({ image: source, width, height });
		this.fit();
	}

	fit(): void {
		const size = { width: this.image.width(), height: this.image.height() };
		if (!size.width || !size.height) {
			this.layer.batchDraw();
			return;
		}
		const { scale, x, y } = fitToView(size, { width: this.stage.width(), height: this.stage.height() }, 16);
		this.stage.scale({ x: scale, y: scale });
		this.stage.position({ x, y });
		this.layer.batchDraw();
		this.reportView();
	}

	destroy(): void {
		this.observer.disconnect();
		this.stage.destroy();
	}

	private resize(): void {
		this.stage.size({ width: this.container.clientWidth, height: this.container.clientHeight });
		this.fit();
	}

	private onWheel(event: Konva.KonvaEventObject<WheelEvent>): void {
		event.evt.preventDefault();
		const pointer = this.stage.getPointerPosition();
		if (!pointer) return;
		const factor = event.evt.deltaY < 0 ? WHEEL_ZOOM_STEP : 1 / WHEEL_ZOOM_STEP;
		const next = zoomAboutPoint(
			{ scale: this.stage.scaleX(), x: this.stage.x(), y: this.stage.y() },
			pointer,
			factor
		);
		this.stage.scale({ x: next.scale, y: next.scale });
		this.stage.position({ x: next.x, y: next.y });
		this.layer.batchDraw();
		this.reportView();
	}

	private reportView(): void {
		this.onView({ scale: this.stage.scaleX(), x: this.stage.x(), y: this.stage.y() });
	}
}
