// The command history: each entry holds the operation and whole document snapshots before and after it, so
// undo restores `before` exactly and redo restores `after`. It is never capped: it is the provenance record.
// Pure: every function returns a new History or Project.
import {
	type Change,
	describeOperation,
	DOCUMENT_ERRORS,
	DocumentError,
	MAX_NAME_LENGTH,
	newId,
	pictureFile
} from './document';
import { historyEntrySchema, PROJECT_VERSION } from './schema';
import type {
	EditorDocument,
	History,
	HistoryEntry,
	ImageRef,
	LayerSource,
	Operation,
	PictureStatements,
	Project
} from './types';

export const HISTORY_ERRORS = {
	nothingToUndo: 'There is nothing to undo.',
	nothingToRedo: 'There is nothing to redo.'
} as const;

export function emptyHistory(): History {
	return { entries: [], cursor: 0 };
}

export function canUndo(history: History): boolean {
	return history.cursor > 0;
}

export function canRedo(history: History): boolean {
	return history.cursor < history.entries.length;
}

/** The entries that are done (the redo tail excluded), oldest first. */
export function doneEntries(history: History): HistoryEntry[] {
	return history.entries.slice(0, history.cursor);
}

/** A history entry for `change` made from `before`, at `at`. */
export function entryFor(before: EditorDocument, change: Change, at: Date = new Date()): HistoryEntry {
	return {
		id: newId(),
		at: at.toISOString(),
		label: describeOperation(change.op, before, change.document),
		op: change.op,
		before,
		after: change.document
	};
}

/**
 * Appends an entry after the cursor; whatever could have been redone is dropped. The entry is checked
 * against the project schema first, so history never holds what a project file could not hold.
 */
export function commit(history: History, entry: HistoryEntry): History {
	const checked = historyEntrySchema.safeParse(entry);
	if (!checked.success) {
		const issue = checked.error.issues[0];
		throw new DocumentError(
			DOCUMENT_ERRORS.unrecordable,
			issue && `${issue.path.join('.')}: ${issue.message}`
		);
	}
	return { entries: [...history.entries.slice(0, history.cursor), entry], cursor: history.cursor + 1 };
}

/** The history one step back and the document to show, or an error when there is nothing to undo. */
export function undo(history: History): { history: History; document: EditorDocument } {
	if (!canUndo(history)) throw new DocumentError(HISTORY_ERRORS.nothingToUndo);
	const entry = history.entries[history.cursor - 1]!;
	return { history: { ...history, cursor: history.cursor - 1 }, document: entry.before };
}

export function redo(history: History): { history: History; document: EditorDocument } {
	if (!canRedo(history)) throw new DocumentError(HISTORY_ERRORS.nothingToRedo);
	const entry = history.entries[history.cursor]!;
	return { history: { ...history, cursor: history.cursor + 1 }, document: entry.after };
}

/**
 * The document the history says is current: the last done entry's `after`, or the first entry's `before`
 * when everything is undone; null for an empty history (the project's own document stands).
 */
export function historyDocument(history: History): EditorDocument | null {
	if (history.cursor > 0) return history.entries[history.cursor - 1]!.after;
	return history.entries[0]?.before ?? null;
}

// ------------------------------------------------------------------------------------------------------
// Projects

export function createProject(
	document: EditorDocument,
	name = 'Untitled',
	now: Date = new Date(),
	id: string = newId()
): Project {
	const at = now.toISOString();
	return {
		format: 'rakkan-project',
		version: PROJECT_VERSION,
		id,
		name: name.trim().slice(0, MAX_NAME_LENGTH) || 'Untitled',
		createdAt: at,
		updatedAt: at,
		document,
		history: emptyHistory()
	};
}

/** The project after `change`, made from its current document, is done and recorded. */
export function applyChange(project: Project, change: Change, at: Date = new Date()): Project {
	const entry = entryFor(project.document, change, at);
	return {
		...project,
		document: change.document,
		history: commit(project.history, entry),
		updatedAt: entry.at
	};
}

export function undoProject(project: Project, now: Date = new Date()): Project {
	const { history, document } = undo(project.history);
	return { ...project, history, document, updatedAt: now.toISOString() };
}

export function redoProject(project: Project, now: Date = new Date()): Project {
	const { history, document } = redo(project.history);
	return { ...project, history, document, updatedAt: now.toISOString() };
}

// ------------------------------------------------------------------------------------------------------
// Images

function addDocumentImages(doc: EditorDocument, into: Map<string, ImageRef>): void {
	if (doc.region) into.set(doc.region.id, doc.region);
	for (const layer of doc.layers) {
		into.set(layer.image.id, layer.image);
		if (layer.mask) into.set(layer.mask.id, layer.mask);
		addSourceImages(layer.source, into);
	}
}

function addSourceImages(source: LayerSource, into: Map<string, ImageRef>): void {
	if (source.kind === 'photo' || source.kind === 'import') into.set(source.file.id, source.file);
	if (source.kind === 'stylized') {
		into.set(source.recipe.input.image.id, source.recipe.input.image);
		if (source.recipe.region) into.set(source.recipe.region.id, source.recipe.region);
	}
}

function addOperationImages(op: Operation, into: Map<string, ImageRef>): void {
	if (op.type === 'add-layer') addSourceImages(op.source, into);
	if (op.type === 'stylize') addSourceImages({ kind: 'stylized', recipe: op.recipe }, into);
	if (op.type === 'edit-mask' && op.result) into.set(op.result.id, op.result);
}

/**
 * Every image the project refers to (its document and every snapshot and operation in history, the redo
 * tail included), by id: what autosave and the project file must keep, and nothing else.
 */
export function referencedImages(project: Project): Map<string, ImageRef> {
	const refs = new Map<string, ImageRef>();
	addDocumentImages(project.document, refs);
	for (const entry of project.history.entries) {
		addDocumentImages(entry.before, refs);
		addDocumentImages(entry.after, refs);
		addOperationImages(entry.op, refs);
	}
	return refs;
}

/**
 * Every picture someone brought that the project holds (its document and every snapshot in history, so
 * undo can bring a removed one back), by the sha256 of its file: the photo, webcam pictures, imports.
 */
export function projectPictures(project: Project): Map<string, ImageRef> {
	const pictures = new Map<string, ImageRef>();
	const add = (doc: EditorDocument) => {
		for (const layer of doc.layers) {
			const file = pictureFile(layer);
			if (file) pictures.set(file.id, file);
		}
	};
	add(project.document);
	for (const entry of project.history.entries) {
		add(entry.before);
		add(entry.after);
	}
	return pictures;
}

/** The statements about the project's own pictures (those about other pictures are left out). */
export function statementsFor(
	project: Project,
	statements: Readonly<Record<string, PictureStatements | undefined>>
): Record<string, PictureStatements> {
	const kept: Record<string, PictureStatements> = {};
	for (const key of projectPictures(project).keys()) {
		const stated = statements[key];
		if (stated) kept[key] = stated;
	}
	return kept;
}
