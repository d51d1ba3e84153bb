// The editor's document: a size, an ordered stack of layers, and the region mask being painted. It is plain
// serializable data: pixels live in content-addressed blobs (ImageRef), so a document snapshot is a few
// kilobytes, history entries can hold whole snapshots, and undo restores exactly the earlier pixels.
import type { ContentOrigin, DeclaredLicense } from '../provenance/rights/rights';
import type { ModelReleaseStatus } from '../provenance/rights/people';

/** Konva's composite operations offered as blend modes ('source-over' is "normal"). */
export const BLEND_MODES = [
	'source-over',
	'multiply',
	'screen',
	'overlay',
	'soft-light',
	'hard-light',
	'darken',
	'lighten',
	'color-dodge',
	'color-burn',
	'difference',
	'exclusion',
	'hue',
	'saturation',
	'color',
	'luminosity'
] as const;
export type BlendMode = (typeof BLEND_MODES)[number];

/** Pixels kept in the blob store under the sha256 (hex) of the blob's bytes. */
export interface ImageRef {
	id: string;
	width: number;
	height: number;
	/** 'image/png' for pixels and masks Rakkan made; an imported file keeps its own type. */
	mime: string;
	/**
	 * The box of the pixels that show (alpha above 0; for a grey mask: not black), in the image's own pixels;
	 * null when nothing shows. Absent when not measured: then the whole image counts as showing.
	 */
	visibleBox?: PixelBox | null;
}

/** A box of whole pixels. */
export interface PixelBox {
	x: number;
	y: number;
	width: number;
	height: number;
}

/** Where a layer sits in document pixels: translate, scale about its top-left, rotate (degrees). */
export interface Transform {
	x: number;
	y: number;
	scaleX: number;
	scaleY: number;
	rotation: number;
}

/** A catalog or uploaded style reference and its share of the blend, as used for a stylized layer. */
export interface StyleUse {
	/** Catalog style id, or null for an image the user brought. */
	catalogId: string | null;
	title: string;
	/** sha256 of the reference image's bytes. */
	sha256: string;
	weight: number;
}

/** Everything that made a stylized layer: enough to sign it and to redo it. */
export interface StylizeRecipe {
	model: { id: string; sha256: string[] };
	styles: StyleUse[];
	settings: {
		strength: number;
		preserveColors: boolean;
		workingSide: number;
		styleSide: number;
		options: Record<string, number>;
		tile: number | 'auto';
	};
	backend: string;
	/** The layer that was painted from, and its pixels at the time. */
	input: { layerId: string; image: ImageRef };
	/** The region the style was applied to (null: the whole layer). */
	region: ImageRef | null;
	/** When the region was made from the detected faces (Protect faces, Stylize only the faces). */
	regionFaces?: { mode: FaceMaskMode; count: number };
}

export type LayerSource =
	| { kind: 'photo'; fileName: string; file: ImageRef }
	| { kind: 'webcam'; capturedAt: string }
	| { kind: 'import'; fileName: string; file: ImageRef }
	| { kind: 'stylized'; recipe: StylizeRecipe };

export interface Layer {
	id: string;
	name: string;
	image: ImageRef;
	visible: boolean;
	/** 0..1 */
	opacity: number;
	blend: BlendMode;
	transform: Transform;
	/** Grey mask at document size (white shows the layer, black hides it); null shows it all. */
	mask: ImageRef | null;
	source: LayerSource;
}

export interface EditorDocument {
	width: number;
	height: number;
	/** Bottom to top. */
	layers: Layer[];
	/** The mask the brush is painting for region styling (document size), or null when empty. */
	region: ImageRef | null;
}

/** What the brush, eraser and mask buttons did, recorded with the mask edit. */
export type MaskEdit =
	| {
			kind: 'stroke';
			tool: 'brush' | 'erase';
			size: number;
			hardness: number;
			opacity: number;
			/** What pen pressure changed (absent: nothing). */
			pressure?: 'size' | 'opacity';
			/** Document pixels, in order, with the pen's pressure (0..1) where it had one. */
			points: { x: number; y: number; pressure?: number }[];
	  }
	| { kind: 'fill' }
	| { kind: 'clear' }
	| { kind: 'invert' }
	/** A feathered mask from the face detector's boxes: on the faces, or everywhere but the faces. */
	| { kind: 'faces'; mode: FaceMaskMode; boxes: { x: number; y: number; width: number; height: number }[] };

/** 'protect' keeps the faces out of the mask (stylize everything else); 'faces' masks only the faces. */
export type FaceMaskMode = 'protect' | 'faces';

export type MaskTarget = { kind: 'region' } | { kind: 'layer'; layerId: string };

/** What an operation was, with every input and setting; the provenance manifest is built from these. */
export type Operation =
	| { type: 'add-layer'; layerId: string; source: LayerSource }
	| { type: 'remove-layer'; layerId: string }
	| { type: 'reorder-layer'; layerId: string; from: number; to: number }
	| { type: 'set-visible'; layerId: string; visible: boolean }
	| { type: 'set-opacity'; layerId: string; opacity: number }
	| { type: 'set-blend'; layerId: string; blend: BlendMode }
	| { type: 'rename-layer'; layerId: string; name: string }
	| { type: 'transform-layer'; layerId: string; transform: Transform }
	| { type: 'edit-mask'; target: MaskTarget; edit: MaskEdit; result: ImageRef | null }
	| { type: 'crop'; rect: { x: number; y: number; width: number; height: number } }
	| { type: 'stylize'; layerId: string; recipe: StylizeRecipe };

/** One step of history: the operation and the whole document before and after it. */
export interface HistoryEntry {
	id: string;
	/** ISO 8601 time the operation was done. */
	at: string;
	label: string;
	op: Operation;
	before: EditorDocument;
	after: EditorDocument;
}

export interface History {
	entries: HistoryEntry[];
	/** Number of entries applied: entries[cursor - 1] is the last done, entries[cursor] the next redo. */
	cursor: number;
}

/**
 * What the user stated about a picture they brought (the photo, a webcam picture, an imported image): what
 * nothing can work out again. What the file says about itself and the faces in it are read from the file.
 */
export interface PictureStatements {
	origin: ContentOrigin;
	/** The license terms, read when `origin` is 'licensed'. */
	license: DeclaredLicense;
	/** They confirmed their right to use it despite a do-not-use notice in the file. */
	confirmed: boolean;
	/** The IPTC model release status they record for the people in it. */
	modelRelease: ModelReleaseStatus;
	/** Their answer to "shows a real person"; absent when they left the answer the face detector gave. */
	showsRealPerson?: boolean;
}

/** The unit of autosave and of the .rakkan project file. */
export interface Project {
	format: 'rakkan-project';
	/** 1: saved before the statements about pictures were kept (it has none). */
	version: 1 | 2;
	id: string;
	name: string;
	createdAt: string;
	updatedAt: string;
	document: EditorDocument;
	history: History;
	/**
	 * What the user stated about the project's pictures, by the sha256 of each file (the RecordSource key):
	 * in saved projects only (the studio holds them while the project is open), never in history, so undo
	 * leaves them alone. A picture without an entry is undeclared.
	 */
	declarations?: Record<string, PictureStatements>;
}
