// The Project as a zod schema: every field, its type and its limits. A project file or an autosave is
// checked against it on open, and every history entry against it when recorded, so nothing can be made
// that cannot be opened again.
import { z } from 'zod';
import { IMAGE_MIME } from './blob-store';
import { MAX_DOCUMENT_SIDE, MAX_NAME_LENGTH } from './document';
import { BLEND_MODES, type HistoryEntry, type PictureStatements, type Project } from './types';
import { CONTENT_ORIGINS, MAX_LICENSE_NAME } from '../provenance/rights/rights';
import { MODEL_RELEASE_STATUSES } from '../provenance/rights/people';

/** 2: the project keeps what the user stated about its pictures (`declarations`). */
export const PROJECT_VERSION = 2;

export const SCHEMA_LIMITS = {
	layers: 500,
	historyEntries: 100_000,
	strokePoints: 1_000_000,
	brushSize: 10_000,
	faces: 10_000,
	/** Pictures with statements (each was added to the document by one history entry at most). */
	declarations: 100_000
} as const;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const id = z.string().min(1).max(100);
const text = z.string().max(1000);
const isoTime = z.iso.datetime({ offset: true });
const side = z.number().int().min(1).max(MAX_DOCUMENT_SIDE);
const finite = z.number().finite();
const unit = z.number().min(0).max(1);

const imageRef = z.strictObject({
	id: sha256,
	width: side,
	height: side,
	mime: z.enum(Object.values(IMAGE_MIME)),
	visibleBox: z
		.strictObject({
			x: z.number().int().min(0),
			y: z.number().int().min(0),
			width: side,
			height: side
		})
		.nullable()
		.optional()
});
const transform = z.strictObject({ x: finite, y: finite, scaleX: finite, scaleY: finite, rotation: finite });
const styleUse = z.strictObject({
	catalogId: id.nullable(),
	title: text,
	sha256,
	weight: unit
});
const recipe = z.strictObject({
	model: z.strictObject({ id, sha256: z.array(sha256).max(100) }),
	styles: z.array(styleUse).max(16),
	settings: z.strictObject({
		strength: unit,
		preserveColors: z.boolean(),
		workingSide: side,
		styleSide: side,
		options: z.record(z.string().max(100), finite),
		// 0 paints in a single pass.
		tile: z.union([z.number().int().min(0), z.literal('auto')])
	}),
	backend: z.string().max(100),
	input: z.strictObject({ layerId: id, image: imageRef }),
	region: imageRef.nullable(),
	regionFaces: z
		.strictObject({
			mode: z.enum(['protect', 'faces']),
			count: z.number().int().min(0).max(SCHEMA_LIMITS.faces)
		})
		.optional()
});
const source = z.discriminatedUnion('kind', [
	z.strictObject({ kind: z.literal('photo'), fileName: text, file: imageRef }),
	z.strictObject({ kind: z.literal('webcam'), capturedAt: isoTime }),
	z.strictObject({ kind: z.literal('import'), fileName: text, file: imageRef }),
	z.strictObject({ kind: z.literal('stylized'), recipe })
]);
const layer = z.strictObject({
	id,
	name: z.string().min(1).max(MAX_NAME_LENGTH),
	image: imageRef,
	visible: z.boolean(),
	opacity: unit,
	blend: z.enum(BLEND_MODES),
	transform,
	mask: imageRef.nullable(),
	source
});
const editorDocument = z.strictObject({
	width: side,
	height: side,
	layers: z.array(layer).max(SCHEMA_LIMITS.layers),
	region: imageRef.nullable()
});
const maskEdit = z.discriminatedUnion('kind', [
	z.strictObject({
		kind: z.literal('stroke'),
		tool: z.enum(['brush', 'erase']),
		size: z.number().positive().max(SCHEMA_LIMITS.brushSize),
		hardness: unit,
		opacity: unit,
		pressure: z.enum(['size', 'opacity']).optional(),
		points: z
			.array(z.strictObject({ x: finite, y: finite, pressure: unit.optional() }))
			.max(SCHEMA_LIMITS.strokePoints)
	}),
	z.strictObject({ kind: z.literal('fill') }),
	z.strictObject({ kind: z.literal('clear') }),
	z.strictObject({ kind: z.literal('invert') }),
	z.strictObject({
		kind: z.literal('faces'),
		mode: z.enum(['protect', 'faces']),
		boxes: z
			.array(z.strictObject({ x: finite, y: finite, width: finite, height: finite }))
			.max(SCHEMA_LIMITS.faces)
	})
]);
const operation = z.discriminatedUnion('type', [
	z.strictObject({ type: z.literal('add-layer'), layerId: id, source }),
	z.strictObject({ type: z.literal('remove-layer'), layerId: id }),
	z.strictObject({
		type: z.literal('reorder-layer'),
		layerId: id,
		from: z.number().int().min(0),
		to: z.number().int().min(0)
	}),
	z.strictObject({ type: z.literal('set-visible'), layerId: id, visible: z.boolean() }),
	z.strictObject({ type: z.literal('set-opacity'), layerId: id, opacity: unit }),
	z.strictObject({ type: z.literal('set-blend'), layerId: id, blend: z.enum(BLEND_MODES) }),
	z.strictObject({
		type: z.literal('rename-layer'),
		layerId: id,
		name: z.string().min(1).max(MAX_NAME_LENGTH)
	}),
	z.strictObject({ type: z.literal('transform-layer'), layerId: id, transform }),
	z.strictObject({
		type: z.literal('edit-mask'),
		target: z.discriminatedUnion('kind', [
			z.strictObject({ kind: z.literal('region') }),
			z.strictObject({ kind: z.literal('layer'), layerId: id })
		]),
		edit: maskEdit,
		result: imageRef.nullable()
	}),
	z.strictObject({
		type: z.literal('crop'),
		rect: z.strictObject({
			x: z.number().int().min(0),
			y: z.number().int().min(0),
			width: side,
			height: side
		})
	}),
	z.strictObject({ type: z.literal('stylize'), layerId: id, recipe })
]);
const historyEntry = z.strictObject({
	id,
	at: isoTime,
	label: z.string().max(20_000),
	op: operation,
	before: editorDocument,
	after: editorDocument
});

export const historyEntrySchema: z.ZodType<HistoryEntry, HistoryEntry> = historyEntry;

export const pictureStatementsSchema: z.ZodType<PictureStatements, PictureStatements> = z.strictObject({
	origin: z.enum(CONTENT_ORIGINS),
	license: z.strictObject({
		name: z.string().max(MAX_LICENSE_NAME),
		url: text.optional(),
		allowsCommercialUse: z.boolean(),
		allowsDerivatives: z.boolean()
	}),
	confirmed: z.boolean(),
	modelRelease: z.enum(MODEL_RELEASE_STATUSES),
	showsRealPerson: z.boolean().optional()
});

// Fields in the order a Project is made (createProject), which is the order zod gives them back in.
const format = z.literal('rakkan-project');
const projectFields = {
	id,
	name: text,
	createdAt: isoTime,
	updatedAt: isoTime,
	document: editorDocument,
	history: z.strictObject({
		entries: z.array(historyEntry).max(SCHEMA_LIMITS.historyEntries),
		cursor: z.number().int().min(0)
	})
};

// Typed as the Project: this fails to compile when the schema and the types drift apart. A version 1
// project (saved before the statements were kept) opens with every picture undeclared.
export const projectSchema: z.ZodType<Project, Project> = z.discriminatedUnion('version', [
	z.strictObject({ format, version: z.literal(1), ...projectFields }),
	z.strictObject({
		format,
		version: z.literal(PROJECT_VERSION),
		...projectFields,
		declarations: z
			.record(sha256, pictureStatementsSchema)
			.refine((declared) => Object.keys(declared).length <= SCHEMA_LIMITS.declarations, {
				message: `more than ${SCHEMA_LIMITS.declarations} pictures declared`
			})
			.optional()
	})
]);
