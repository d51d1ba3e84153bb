// The .rakkan project file: a zip holding `project.json` (the Project: document, history and what the user
// stated about its pictures) and `blobs/<sha256>` (every image the project refers to). Opening checks everything before anything is used:
// the zip's entry count and declared sizes and ratios (against zip bombs, before inflating), the JSON against the schema, the
// project's own consistency, and every blob's presence, sha256, image type and size.
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { readImageHeader } from '../kernels/image-header';
import { bytesOf, type BlobSource, IMAGE_MIME, sha256Hex } from './blob-store';
import { checkLayer, DocumentError } from './document';
import { historyDocument, projectPictures, referencedImages } from './history';
import { PROJECT_VERSION, projectSchema } from './schema';
import type { EditorDocument, Project } from './types';

export { PROJECT_VERSION };

export const PROJECT_FILE_EXTENSION = '.rakkan';
export const PROJECT_FILE_MIME = 'application/x-rakkan-project';
export const PROJECT_JSON = 'project.json';
export const BLOB_FOLDER = 'blobs/';

export const PROJECT_LIMITS = {
	/** The project JSON, uncompressed. */
	jsonBytes: 64 * 1024 * 1024,
	/** One image, uncompressed. */
	blobBytes: 512 * 1024 * 1024,
	/** Everything in the zip, uncompressed. */
	totalBytes: 2 * 1024 * 1024 * 1024,
	files: 20_000,
	/**
	 * How much an image may deflate (uncompressed : compressed, plus 64 KiB of slack): PNG, JPEG and WebP are
	 * compressed already, so an image that deflates further than this is a zip bomb.
	 */
	imageRatio: 100,
	/** Nesting of arrays and objects in project.json (a Project needs about ten). */
	jsonDepth: 64
} as const;

export const PROJECT_ERRORS = {
	notZip: 'This is not a Rakkan project: the file is not a zip archive.',
	damaged: 'The project file is damaged: its contents could not be read.',
	foreign: 'This zip file is not a Rakkan project (it has no Rakkan project.json).',
	newer: 'This project was saved by a newer version of Rakkan; update Rakkan to open it.',
	invalidJson: 'The project file is damaged: project.json is not valid JSON.',
	invalid: 'The project file is damaged: project.json does not describe a valid document.',
	inconsistent: 'The project file is damaged: its document and history do not agree.',
	missingBlob: 'The project file is incomplete: an image it refers to is missing.',
	badHash: 'The project file is damaged: an image does not match its checksum.',
	notImage: 'The project file holds an image that is not a PNG, JPEG or WebP file.',
	wrongSize: 'The project file is damaged: an image does not have the size the document says.',
	tooLarge:
		'The project file is too large to open (over 2 GiB of contents, 512 MiB for one image or 20,000 files), or it is built to inflate far beyond its size.'
} as const;
export type ProjectErrorCode = keyof typeof PROJECT_ERRORS;

export class ProjectFileError extends Error {
	constructor(
		readonly code: ProjectErrorCode,
		/** What exactly was wrong, for developers (the message is for people). */
		readonly detail?: string
	) {
		super(PROJECT_ERRORS[code]);
		this.name = 'ProjectFileError';
	}
}

// ------------------------------------------------------------------------------------------------------
// Validation

/** Same data, whatever the order of object keys. */
export function sameData(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	const keysA = Object.keys(a);
	const keysB = Object.keys(b);
	if (keysA.length !== keysB.length) return false;
	return keysA.every((key) =>
		sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])
	);
}

function checkDocument(doc: EditorDocument, where: string): void {
	const ids = new Set<string>();
	for (const layer of doc.layers) {
		if (ids.has(layer.id)) throw new ProjectFileError('inconsistent', `${where}: layer id ${layer.id} twice`);
		ids.add(layer.id);
		try {
			checkLayer(doc, layer);
		} catch (error) {
			if (!(error instanceof DocumentError)) throw error;
			throw new ProjectFileError('inconsistent', `${where}: layer ${layer.id}: ${error.message}`);
		}
	}
	const region = doc.region;
	if (region && (region.width !== doc.width || region.height !== doc.height)) {
		throw new ProjectFileError('inconsistent', `${where}: the region is not document-sized`);
	}
}

/**
 * Checks parsed JSON as a Project: the format and version first (a foreign or newer file is told apart
 * from a damaged one), then the schema, then the consistency of the document with its history.
 */
export function parseProject(json: unknown): Project {
	const head = json as { format?: unknown; version?: unknown } | null;
	if (typeof head !== 'object' || head === null || head.format !== 'rakkan-project') {
		throw new ProjectFileError('foreign');
	}
	if (typeof head.version === 'number' && head.version > PROJECT_VERSION) throw new ProjectFileError('newer');
	const parsed = projectSchema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new ProjectFileError('invalid', issue ? `${issue.path.join('.')}: ${issue.message}` : undefined);
	}
	const project = parsed.data;
	const { history } = project;
	if (history.cursor > history.entries.length)
		throw new ProjectFileError('inconsistent', 'cursor past the end');
	const current = historyDocument(history);
	if (current && !sameData(current, project.document)) {
		throw new ProjectFileError('inconsistent', 'the document is not the one history points at');
	}
	checkDocument(project.document, 'document');
	history.entries.forEach((entry, i) => {
		checkDocument(entry.before, `entry ${i} before`);
		checkDocument(entry.after, `entry ${i} after`);
		if (i > 0 && !sameData(history.entries[i - 1]!.after, entry.before)) {
			throw new ProjectFileError('inconsistent', `entry ${i} does not start where entry ${i - 1} ended`);
		}
	});
	checkImagesAgree(project);
	const pictures = projectPictures(project);
	for (const key of Object.keys(project.declarations ?? {})) {
		if (!pictures.has(key))
			throw new ProjectFileError('inconsistent', `statements about ${key}, not in the project`);
	}
	return project;
}

/** The same image id must mean the same size and type everywhere in the project. */
function checkImagesAgree(project: Project): void {
	const seen = new Map<string, string>();
	const visit = (value: unknown): void => {
		if (typeof value !== 'object' || value === null) return;
		if (Array.isArray(value)) return value.forEach(visit);
		const record = value as Record<string, unknown>;
		// After the schema check, the objects with a `mime` are exactly the ImageRefs.
		if ('mime' in record && typeof record.id === 'string') {
			const key = `${String(record.width)}x${String(record.height)} ${String(record.mime)}`;
			const earlier = seen.get(record.id);
			if (earlier !== undefined && earlier !== key) {
				throw new ProjectFileError('inconsistent', `image ${record.id} is ${earlier} and ${key}`);
			}
			seen.set(record.id, key);
			return;
		}
		Object.values(record).forEach(visit);
	};
	visit(project);
}

// ------------------------------------------------------------------------------------------------------
// The file

/** The .rakkan bytes: project.json and every referenced blob (images stored, not recompressed). */
export async function writeProjectFile(project: Project, blobs: BlobSource): Promise<Uint8Array> {
	const mtime = new Date(project.updatedAt);
	const files: Zippable = {
		[PROJECT_JSON]: [strToU8(JSON.stringify(project)), { level: 6, mtime }]
	};
	for (const id of referencedImages(project).keys()) {
		files[`${BLOB_FOLDER}${id}`] = [await bytesOf(await blobs.get(id)), { level: 0, mtime }];
	}
	return zipSync(files);
}

export interface OpenedProject {
	project: Project;
	/** Every referenced image, checked, by id. */
	blobs: Map<string, Blob>;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
	return magic.every((byte, i) => bytes[i] === byte);
}

interface ZipEntry {
	name: string;
	originalSize: number;
}

/**
 * The entries the central directory lists, checked against the limits before anything is inflated. The
 * listing stops at the first entry over the count (a zip64 end record can claim four billion of them).
 */
function listZip(bytes: Uint8Array): ZipEntry[] {
	const entries: ZipEntry[] = [];
	try {
		unzipSync(bytes, {
			filter: (file) => {
				if (entries.length >= PROJECT_LIMITS.files)
					throw new ProjectFileError('tooLarge', `more than ${PROJECT_LIMITS.files} files`);
				const limit = file.name === PROJECT_JSON ? PROJECT_LIMITS.jsonBytes : PROJECT_LIMITS.blobBytes;
				if (file.originalSize > limit)
					throw new ProjectFileError('tooLarge', `${file.name}: ${file.originalSize} bytes`);
				if (
					file.name !== PROJECT_JSON &&
					file.originalSize > PROJECT_LIMITS.imageRatio * file.size + 64 * 1024
				) {
					throw new ProjectFileError(
						'tooLarge',
						`${file.name}: ${file.size} bytes inflate to ${file.originalSize}`
					);
				}
				entries.push({ name: file.name, originalSize: file.originalSize });
				return false;
			}
		});
	} catch (error) {
		if (error instanceof ProjectFileError) throw error;
		throw new ProjectFileError('damaged', String(error));
	}
	return entries;
}

/** Inflates the named entries in one pass over the zip (never more than the listing allowed). */
function inflate(bytes: Uint8Array, names: ReadonlySet<string>): Record<string, Uint8Array> {
	try {
		return unzipSync(bytes, { filter: (file) => names.has(file.name) });
	} catch (error) {
		throw new ProjectFileError('damaged', String(error));
	}
}

/** How deep arrays and objects nest in JSON text, counted up to `max + 1` (strings skipped); linear. */
function jsonDepth(text: string, max: number): number {
	let depth = 0;
	let deepest = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 0x22) {
			// Skip the string, escapes included.
			for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
		} else if (c === 0x5b || c === 0x7b) {
			deepest = Math.max(deepest, ++depth);
			if (deepest > max) return deepest;
		} else if (c === 0x5d || c === 0x7d) depth--;
	}
	return deepest;
}

/**
 * Reads and checks a .rakkan file. It either returns the whole project with every image it refers to,
 * or throws ProjectFileError (a message for people) having used nothing.
 */
export async function readProjectFile(bytes: Uint8Array): Promise<OpenedProject> {
	if (startsWith(bytes, EMPTY_ZIP_MAGIC)) throw new ProjectFileError('foreign');
	if (!startsWith(bytes, ZIP_MAGIC)) throw new ProjectFileError('notZip');
	const entries = listZip(bytes);
	let total = 0;
	for (const entry of entries) total += entry.originalSize;
	if (total > PROJECT_LIMITS.totalBytes) throw new ProjectFileError('tooLarge', `${total} bytes in all`);
	if (!entries.some((entry) => entry.name === PROJECT_JSON)) throw new ProjectFileError('foreign');

	let json: unknown;
	try {
		const data = inflate(bytes, new Set([PROJECT_JSON]))[PROJECT_JSON];
		if (!data) throw new ProjectFileError('damaged', `${PROJECT_JSON} could not be read`);
		const text = strFromU8(data);
		const depth = jsonDepth(text, PROJECT_LIMITS.jsonDepth);
		if (depth > PROJECT_LIMITS.jsonDepth) throw new ProjectFileError('invalid', `nested ${depth} deep`);
		json = JSON.parse(text);
	} catch (error) {
		if (error instanceof ProjectFileError) throw error;
		throw new ProjectFileError('invalidJson', String(error));
	}
	const project = parseProject(json);

	const names = new Set(entries.map((entry) => entry.name));
	const refs = [...referencedImages(project).values()];
	for (const ref of refs)
		if (!names.has(`${BLOB_FOLDER}${ref.id}`)) throw new ProjectFileError('missingBlob', ref.id);
	const inflated = inflate(bytes, new Set(refs.map((ref) => `${BLOB_FOLDER}${ref.id}`)));
	const blobs = new Map<string, Blob>();
	for (const ref of refs) {
		const data = inflated[`${BLOB_FOLDER}${ref.id}`];
		if (!data) throw new ProjectFileError('damaged', `${ref.id} could not be read`);
		if ((await sha256Hex(data)) !== ref.id) throw new ProjectFileError('badHash', ref.id);
		let header;
		try {
			header = readImageHeader(data);
		} catch (error) {
			throw new ProjectFileError('notImage', `${ref.id}: ${String(error)}`);
		}
		if (IMAGE_MIME[header.format] !== ref.mime)
			throw new ProjectFileError('notImage', `${ref.id} is ${header.format}`);
		if (header.orientedWidth !== ref.width || header.orientedHeight !== ref.height) {
			throw new ProjectFileError('wrongSize', ref.id);
		}
		blobs.set(ref.id, new Blob([data as Uint8Array<ArrayBuffer>], { type: ref.mime }));
	}
	return { project, blobs };
}
