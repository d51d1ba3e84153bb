// The stage's view (zoom and pan) as state, so the top bar, the shortcuts and the stage's own buttons reach
// the one Konva view the stage component owns.
import { createContext } from 'svelte';
import type { DocumentView } from '../canvas/document-view';

const ZOOM_STEP = 1.25;

export class StageViewState {
	transform = $state({ scale: 1, x: 0, y: 0 });
	private view: DocumentView | null = null;

	/** The stage component attaches its view on mount and detaches it (null) on teardown. */
	attach(view: DocumentView | null): void {
		this.view = view;
	}

	fit(): void {
		this.view?.fit();
	}

	actualSize(): void {
		this.view?.zoomTo(1);
	}

	zoomIn(): void {
		this.view?.zoomBy(ZOOM_STEP);
	}

	zoomOut(): void {
		this.view?.zoomBy(1 / ZOOM_STEP);
	}
}

export const [getStageView, setStageView] = createContext<StageViewState>();
