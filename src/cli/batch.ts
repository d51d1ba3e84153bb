// `rakkan stylize` over many photos: every --content file and the images in every --content folder,
// painted on one pool of painter threads (one per core, several photos at once), written to --out-dir as
// `<name>-rakkan.<png|jpg|webp>`. An output that already exists and whose Content Credentials verify is
// kept (so an interrupted batch resumes); a file that cannot be read or painted is reported and skipped.
import { statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Catalog, findStyle, type ModelCard } from '../lib/assets/catalog';
import type { JobControl, StyleEngine, StylizeJob } from '../lib/engine/engine';
import type { Pixels, Progress } from '../lib/engine/types';
import { fitWithin } from '../lib/kernels/geometry';
import { defaultCacheDir } from '../lib/node/asset-cache';
import { PROJECT_ROOT } from '../lib/node/catalog-fs';
import { type ExportResult, type OutputFormat, writeSignedImage } from '../lib/node/export';
import { readImageFile } from '../lib/node/image-io';
import { createNodeEngine } from '../lib/node/node-engine';
import { createTileWorkerPool } from '../lib/node/tile-pool';
import { verifyImage } from '../lib/provenance/c2pa/verify';
import type { FaceDetector } from '../lib/engine/model';
import { detectFaces, loadFaceDetector } from '../lib/node/faces';
import {
	type ModelReleaseStatus,
	peopleFinding,
	type PeopleRights,
	releaseCovers
} from '../lib/provenance/rights/people';
import type { ContentRights } from '../lib/provenance/rights/rights';

/** What every photo of a run is painted with (the command line's settings, checked). */
export interface BatchRecipe {
	catalog: Catalog;
	model: ModelCard;
	styleIds: string[];
	weights: number[];
	styles: { pixels: Pixels; name: string }[];
	strength: number;
	preserveColors: boolean;
	workingSide: number;
	styleSide: number;
	options: Readonly<Record<string, number>>;
	tile: number | 'auto';
	maxSide: number | undefined;
	threads: number;
	creator: string | undefined;
	allowTraining: boolean;
	key: string | undefined;
	cert: string | undefined;
	/** --consent: the model release of the people in the photos. */
	consent: ModelReleaseStatus | undefined;
	/** --not-a-real-person: what looks like a person in the photos is not one. */
	notARealPerson: boolean;
}

/** --format value -> output format and file extension. */
export const BATCH_FORMATS: Record<string, { format: OutputFormat; ext: string }> = {
	png: { format: 'png', ext: 'png' },
	jpg: { format: 'jpeg', ext: 'jpg' },
	jpeg: { format: 'jpeg', ext: 'jpg' },
	webp: { format: 'webp', ext: 'webp' }
};

const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;

export function isFolder(file: string): boolean {
	return statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** The job for one photo. */
export function jobFor(recipe: BatchRecipe, content: Pixels): StylizeJob {
	return {
		content,
		styles: recipe.styles.map((style, i) => ({ pixels: style.pixels, weight: recipe.weights[i]! })),
		settings: {
			modelId: recipe.model.id,
			strength: recipe.strength,
			preserveColors: recipe.preserveColors,
			workingSide: recipe.workingSide,
			styleSide: recipe.styleSide,
			options: recipe.options,
			tile: recipe.tile,
			output: recipe.maxSide
				? fitWithin(content.width, content.height, recipe.maxSide)
				: { width: content.width, height: content.height }
		}
	};
}

/**
 * What the command line says about a photo: its origin is not declared; the faces the detector found in it
 * and the model release given with --consent are. Faces and no release: one warning line, and "no model
 * release" (MR-NON) is what the credentials say. A detector that cannot run: one warning line, and the
 * credentials say the faces were not checked.
 */
export async function photoDeclared(
	recipe: BatchRecipe,
	content: Pixels,
	subject = 'the photo'
): Promise<ContentRights> {
	const { consent: modelRelease, notARealPerson } = recipe;
	let people: PeopleRights;
	let detector: FaceDetector | undefined;
	try {
		detector = await loadFaceDetector(recipe.catalog);
		const scan = await detectFaces(detector, content);
		const faces = { checked: true, count: scan.faces.length, detector: scan.detector };
		people = { faces, modelRelease, notARealPerson };
		if (faces.count > 0 && !modelRelease) people.modelRelease = 'MR-NON';
		const finding = peopleFinding(subject, people);
		if (finding)
			console.warn(`Warning: ${finding.reason} (give --consent MR-LMR or MR-UMR if you have one).`);
	} catch (error) {
		console.warn(`Warning: faces in ${subject} were not checked (${(error as Error).message}).`);
		people = { faces: { checked: false, count: 0 }, modelRelease, notARealPerson };
	} finally {
		detector?.dispose();
	}
	return {
		origin: 'unknown',
		showsIdentifiablePerson: people.faces.count > 0 && !people.notARealPerson,
		consentRecorded: releaseCovers(people),
		people
	};
}

/** Signs and writes one painting (atomically) with the credentials naming its photo, styles and model. */
export function writePainting(
	recipe: BatchRecipe,
	painting: Pixels,
	photo: { file: string; width: number; height: number; declared: ContentRights },
	out: string,
	tilePlan: { tileSize: number; count: number } | undefined
): Promise<ExportResult> {
	return writeSignedImage({
		pixels: painting,
		out,
		content: photo,
		catalog: recipe.catalog,
		model: recipe.model,
		styles: recipe.styleIds.map((id, i) => ({
			card: findStyle(recipe.catalog, id),
			file: id,
			weight: recipe.weights[i]!
		})),
		settings: {
			strength: recipe.strength,
			preserveColors: recipe.preserveColors,
			workingSide: recipe.workingSide,
			styleSide: recipe.styleSide,
			options: recipe.options,
			tilePlan
		},
		creator: recipe.creator,
		allowTraining: recipe.allowTraining,
		key: recipe.key,
		cert: recipe.cert
	});
}

/** Every --content file, and the image files (by extension, sorted by name) in every --content folder. */
async function expandInputs(inputs: string[]): Promise<string[]> {
	const files: string[] = [];
	for (const input of inputs) {
		if (isFolder(input)) {
			const names = (await readdir(input)).filter((name) => IMAGE_FILE.test(name)).sort();
			files.push(...names.map((name) => path.join(input, name)));
		} else files.push(input);
	}
	return [...new Set(files)];
}

/** `<name>-rakkan.<ext>`; photos of the same name from different folders get `-2`, `-3`, ... */
function outputNames(files: string[], outDir: string, ext: string): string[] {
	const used = new Map<string, number>();
	return files.map((file) => {
		const base = `${path.basename(file, path.extname(file))}-rakkan`;
		const n = (used.get(base) ?? 0) + 1;
		used.set(base, n);
		return path.join(outDir, `${base}${n > 1 ? `-${n}` : ''}.${ext}`);
	});
}

/** An output from an earlier run that is complete: it exists and its Content Credentials are valid. */
async function alreadyDone(out: string): Promise<boolean> {
	const bytes = await readFile(out).catch(() => null);
	if (!bytes) return false;
	const { state } = await verifyImage(new Uint8Array(bytes));
	return state === 'trusted' || state === 'untrusted';
}

type Outcome =
	{ kind: 'painted'; megapixels: number } | { kind: 'skipped' } | { kind: 'failed'; message: string };

/** Progress on a terminal: one bar redrawn in place; otherwise one plain line per finished file. */
class BatchReport {
	private finished = 0;
	private readonly active = new Map<string, { fraction: number; tiles?: Progress['tiles'] }>();
	private readonly started = performance.now();
	private redrawn = 0;

	constructor(
		private readonly total: number,
		private readonly tty: boolean,
		private readonly write: (text: string) => void
	) {}

	begin(file: string): void {
		this.active.set(file, { fraction: 0 });
		this.draw();
	}

	update(file: string, progress: Progress): void {
		this.active.set(file, {
			fraction: progress.fraction,
			tiles: progress.tiles ?? this.active.get(file)?.tiles
		});
		// A terminal is redrawn at most 10 times a second.
		if (performance.now() - this.redrawn > 100) this.draw();
	}

	end(file: string, out: string, outcome: Outcome, seconds: number): void {
		this.active.delete(file);
		this.finished++;
		const what =
			outcome.kind === 'painted'
				? `-> ${out} (${outcome.megapixels.toFixed(2)} MP, ${seconds.toFixed(1)} s)`
				: outcome.kind === 'skipped'
					? `skipped: ${out} is already there and its credentials verify`
					: `FAILED: ${outcome.message}`;
		this.line(`[${this.finished}/${this.total}] ${file} ${what}`);
	}

	line(text: string): void {
		this.write(this.tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
		this.draw();
	}

	close(): void {
		if (this.tty) this.write('\r\x1b[2K');
	}

	private draw(): void {
		if (!this.tty) return;
		this.redrawn = performance.now();
		const done = this.finished + [...this.active.values()].reduce((sum, a) => sum + a.fraction, 0);
		const fraction = this.total ? done / this.total : 1;
		const width = 24;
		const filled = Math.round(fraction * width);
		const elapsed = (performance.now() - this.started) / 1000;
		const eta = fraction > 0.02 ? formatSeconds((elapsed / fraction) * (1 - fraction)) : '…';
		const [file, state] = [...this.active.entries()][0] ?? ['', undefined];
		const tile = state?.tiles
			? ` tile ${Math.min(state.tiles.done + 1, state.tiles.total)}/${state.tiles.total}`
			: '';
		const current = file ? ` ${path.basename(file)}${tile}` : '';
		this.write(
			`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.finished}/${this.total}${current} ETA ${eta}`
		);
	}
}

function formatSeconds(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export async function runBatch(
	inputs: string[],
	outDir: string,
	output: { format: OutputFormat; ext: string },
	recipe: BatchRecipe
): Promise<number> {
	const started = performance.now();
	const files = await expandInputs(inputs);
	const outs = outputNames(files, outDir, output.ext);
	const report = new BatchReport(files.length, process.stderr.isTTY === true, (text) =>
		process.stderr.write(text)
	);
	const engine = await createNodeEngine(recipe.catalog);
	// One painter thread per core for the whole batch; as many photos in flight as threads, so a
	// single-pass photo keeps one thread busy and a tiled one spreads over all.
	const pool =
		recipe.threads > 1 ? createTileWorkerPool(defaultCacheDir(PROJECT_ROOT), recipe.threads) : undefined;
	const inFlight = Math.max(1, Math.min(recipe.threads, files.length));
	// With several photos in flight every thread is busy, so a large photo's whole-image statistics are
	// read here meanwhile (the pool gets tiles only), not on a pool thread the other photos' tiles keep
	// busy; a photo of 1 MP or so has its tiles read them together on the pool, as when alone.
	const painter =
		pool && inFlight > 1
			? { concurrency: pool.concurrency, paint: pool.paint.bind(pool), together: pool.together.bind(pool) }
			: pool;
	const outcomes: Outcome[] = [];
	const failures: string[] = [];
	let next = 0;
	const worker = async () => {
		while (next < files.length) {
			const index = next++;
			const file = files[index]!;
			const out = outs[index]!;
			const fileStarted = performance.now();
			report.begin(file);
			const outcome = await paintFile(engine, painter, recipe, file, out, (p) => report.update(file, p));
			outcomes.push(outcome);
			if (outcome.kind === 'failed') failures.push(`${file}: ${outcome.message}`);
			report.end(file, out, outcome, (performance.now() - fileStarted) / 1000);
		}
	};
	try {
		await Promise.all(Array.from({ length: inFlight }, worker));
	} finally {
		report.close();
		engine.dispose();
		await pool?.dispose();
	}
	const painted = outcomes.filter((o) => o.kind === 'painted');
	const megapixels = painted.reduce((sum, o) => sum + o.megapixels, 0);
	const skipped = outcomes.filter((o) => o.kind === 'skipped').length;
	const seconds = (performance.now() - started) / 1000;
	console.log(
		`Batch: ${files.length} files, ${painted.length} painted, ${skipped} already done, ${failures.length} failed; ` +
			`${megapixels.toFixed(2)} MP in ${seconds.toFixed(1)} s with ${recipe.model.id} on ${pool?.concurrency ?? 1} threads -> ${outDir}`
	);
	for (const failure of failures) console.error(`failed: ${failure}`);
	return failures.length ? 1 : 0;
}

async function paintFile(
	engine: StyleEngine,
	painter: JobControl['painter'],
	recipe: BatchRecipe,
	file: string,
	out: string,
	onProgress: (progress: Progress) => void
): Promise<Outcome> {
	try {
		if (await alreadyDone(out)) return { kind: 'skipped' };
		const content = await readImageFile(file);
		const job = jobFor(recipe, content);
		const declared = await photoDeclared(recipe, content, `"${path.basename(file)}"`);
		const { tiles, tileSize } = engine.plan(job);
		const painting = await engine.stylize(job, { painter, onProgress });
		const count = tiles.tiles.length;
		await writePainting(
			recipe,
			painting,
			{ file, width: content.width, height: content.height, declared },
			out,
			count > 1 ? { tileSize, count } : undefined
		);
		return { kind: 'painted', megapixels: (content.width * content.height) / 1e6 };
	} catch (error) {
		return { kind: 'failed', message: (error as Error).message.trim().replace(/\s*\n\s*/g, ' ') };
	}
}
