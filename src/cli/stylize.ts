import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
	type Catalog,
	commercialUseLabel,
	findModel,
	findStyle,
	takesStyleImage
} from '../lib/assets/catalog';
import {
	DEFAULT_SETTINGS,
	EngineError,
	normalizeStyleWeights,
	type Pixels,
	validateStrength
} from '../lib/engine/types';
import type { StylizeJob } from '../lib/engine/engine';
import { fitWithin } from '../lib/kernels/geometry';
import { defaultCacheDir, readVerified } from '../lib/node/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../lib/node/catalog-fs';
import { decodeImage, readImageFile } from '../lib/node/image-io';
import { parseOptions } from '../lib/engine/options';
import { createNodeEngine } from '../lib/node/node-engine';
import { createTileWorkerPool } from '../lib/node/tile-pool';
import { OUTPUT_NAMES, outputFormatOf, writeSignedImage } from '../lib/node/export';
import { detectFaces, loadFaceDetector } from '../lib/node/faces';
import type { FaceDetector } from '../lib/engine/model';
import {
	MODEL_RELEASE_STATUSES,
	modelReleaseFrom,
	type ModelReleaseStatus,
	peopleFinding,
	type PeopleRights,
	releaseCovers
} from '../lib/provenance/rights/people';

function positiveInt(value: string | undefined, flag: string, min = 1): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min) {
		throw new EngineError(`${flag} must be a whole number of pixels, at least ${min}, got "${value}"`);
	}
	return n;
}

/** A style from the catalog (by id) or from a file, with the name the summary line uses. */
async function readStyle(catalog: Catalog, idOrPath: string): Promise<{ pixels: Pixels; name: string }> {
	const card = findStyle(catalog, idOrPath);
	if (card) {
		const pixels = await decodeImage(await readVerified(card.files[0]!, defaultCacheDir(PROJECT_ROOT)));
		return { pixels, name: `"${card.title}" (${card.artist}, ${card.date})` };
	}
	if (!existsSync(idOrPath)) {
		const known = catalog.styles.map((s) => s.id).join(', ');
		throw new EngineError(`"${idOrPath}" is neither a style id (${known}) nor an image file`);
	}
	const pixels = await readImageFile(idOrPath).catch((error: Error) => {
		throw new EngineError(`${idOrPath}: ${error.message}`);
	});
	return { pixels, name: idOrPath };
}

/**
 * Looks for faces in the photo and records the model release given with --consent. Faces and no release:
 * one warning line, and "no model release" (MR-NON) is what the credentials say. A detector that cannot
 * run: one warning line, and the credentials say the faces were not checked.
 */
async function peopleIn(
	catalog: Catalog,
	content: Pixels,
	consent: ModelReleaseStatus | undefined,
	notARealPerson: boolean
): Promise<PeopleRights> {
	let detector: FaceDetector | undefined;
	try {
		detector = await loadFaceDetector(catalog);
		const scan = await detectFaces(detector, content);
		const faces = { checked: true, count: scan.faces.length, detector: scan.detector };
		const people: PeopleRights = { faces, modelRelease: consent, notARealPerson };
		if (faces.count > 0 && !consent) people.modelRelease = 'MR-NON';
		const finding = peopleFinding('the photo', people);
		if (finding)
			console.warn(`Warning: ${finding.reason} (give --consent MR-LMR or MR-UMR if you have one).`);
		return people;
	} catch (error) {
		console.warn(`Warning: faces in the photo were not checked (${(error as Error).message}).`);
		return { faces: { checked: false, count: 0 }, modelRelease: consent, notARealPerson };
	} finally {
		detector?.dispose();
	}
}

export async function runStylize(argv: string[]): Promise<number> {
	const { values } = parseArgs({
		args: argv,
		options: {
			content: { type: 'string' },
			style: { type: 'string', multiple: true },
			weights: { type: 'string' },
			'preserve-colors': { type: 'boolean', default: false },
			'style-scale': { type: 'string', default: String(DEFAULT_SETTINGS.styleSide) },
			model: { type: 'string', default: 'arbitrary-wyf' },
			strength: { type: 'string', default: String(DEFAULT_SETTINGS.strength) },
			'max-side': { type: 'string' },
			'working-side': { type: 'string', default: String(DEFAULT_SETTINGS.workingSide) },
			tile: { type: 'string', default: 'auto' },
			threads: { type: 'string', default: String(availableParallelism()) },
			out: { type: 'string' },
			creator: { type: 'string' },
			'allow-training': { type: 'boolean', default: false },
			option: { type: 'string', multiple: true },
			key: { type: 'string' },
			cert: { type: 'string' },
			consent: { type: 'string' },
			'not-a-real-person': { type: 'boolean', default: false }
		},
		strict: true
	});
	if (!values.content || !values.out) throw new EngineError('--content and --out are required');
	if (!outputFormatOf(values.out)) throw new EngineError(`--out must name ${OUTPUT_NAMES}`);
	if (!values.key !== !values.cert)
		throw new EngineError('--key and --cert go together: give both or neither');
	const consent = values.consent === undefined ? undefined : modelReleaseFrom(values.consent);
	if (values.consent !== undefined && !consent) {
		throw new EngineError(
			`--consent must be one of ${MODEL_RELEASE_STATUSES.join(', ')}, got "${values.consent}"`
		);
	}
	const strength = validateStrength(Number(values.strength));
	const catalog = await loadProjectCatalog();
	const model = findModel(catalog, values.model);
	const styleIds = values.style ?? [];
	if (takesStyleImage(model) && styleIds.length === 0) {
		throw new EngineError(`${model.id} paints after a style image: give --style ID|FILE`);
	}
	if (!takesStyleImage(model) && styleIds.length > 0) {
		throw new EngineError(`${model.id} has its own fixed look and takes no --style`);
	}
	const weights = styleIds.length
		? normalizeStyleWeights(values.weights ? values.weights.split(',').map(Number) : styleIds.map(() => 1))
		: [];
	if (weights.length !== styleIds.length) {
		throw new EngineError(`--weights has ${weights.length} numbers for ${styleIds.length} --style images`);
	}
	const options = parseOptions(model.family, values.option ?? []);
	const styleSide = positiveInt(values['style-scale'], '--style-scale', 32) ?? DEFAULT_SETTINGS.styleSide;
	const maxSide = positiveInt(values['max-side'], '--max-side');
	// The network paints at sides that are multiples of 4 (see workingSize), so 4 is the least.
	const workingSide =
		positiveInt(values['working-side'], '--working-side', 4) ?? DEFAULT_SETTINGS.workingSide;
	const tile = values.tile === 'auto' ? 'auto' : positiveInt(values.tile, '--tile', 0)!;
	const threads = positiveInt(values.threads, '--threads')!;
	// Checked before the painting, not after it: the atomic write would fail on its temporary name.
	const outDir = path.dirname(path.resolve(values.out));
	if (!existsSync(outDir)) throw new EngineError(`--out: the folder ${outDir} does not exist`);

	const started = performance.now();
	const content = await readImageFile(values.content).catch((error: Error) => {
		throw new EngineError(`${values.content}: ${error.message}`);
	});
	const styles = await Promise.all(styleIds.map((id) => readStyle(catalog, id)));
	const output = maxSide
		? fitWithin(content.width, content.height, maxSide)
		: { width: content.width, height: content.height };

	const job: StylizeJob = {
		content,
		styles: styles.map((style, i) => ({ pixels: style.pixels, weight: weights[i]! })),
		settings: {
			modelId: model.id,
			strength,
			preserveColors: values['preserve-colors'],
			workingSide,
			styleSide,
			options,
			tile,
			output
		}
	};
	const people = await peopleIn(catalog, content, consent, values['not-a-real-person']);
	const engine = await createNodeEngine(catalog);
	const { tiles, tileSize } = engine.plan(job);
	// Several tiles on a CPU: one painter thread per core (threaded wasm gains nothing here).
	const pool =
		tiles.tiles.length > 1 && threads > 1
			? createTileWorkerPool(defaultCacheDir(PROJECT_ROOT), Math.min(threads, tiles.tiles.length))
			: undefined;
	try {
		const result = await engine.stylize(job, { painter: pool });
		const written = await writeSignedImage({
			pixels: result,
			out: values.out,
			content: {
				file: values.content,
				width: content.width,
				height: content.height,
				declared: {
					origin: 'unknown',
					showsIdentifiablePerson: people.faces.count > 0 && !people.notARealPerson,
					consentRecorded: releaseCovers(people),
					people
				}
			},
			model,
			styles: styleIds.map((id, i) => ({ card: findStyle(catalog, id), file: id, weight: weights[i]! })),
			settings: {
				strength,
				preserveColors: values['preserve-colors'],
				workingSide,
				styleSide,
				options,
				tilePlan: tiles.tiles.length > 1 ? { tileSize, count: tiles.tiles.length } : undefined
			},
			creator: values.creator,
			allowTraining: values['allow-training'],
			key: values.key,
			cert: values.cert
		});
		const bytes = written.bytes;
		const { identity } = written;
		const seconds = ((performance.now() - started) / 1000).toFixed(2);
		const styleName = styles.length
			? styles
					.map((style, i) => (styles.length > 1 ? `${style.name} x${weights[i]!.toFixed(2)}` : style.name))
					.join(' + ')
			: '';
		console.log(
			`Stylized ${values.content} (${content.width}x${content.height})${styleName ? ` after ${styleName}` : ''} with ${model.id} ` +
				`(${model.license.name}, ${commercialUseLabel(model.license.commercialUse)}), strength ${strength}` +
				`${values['preserve-colors'] ? ', original colours' : ''}, working side ${workingSide}, ` +
				`${tiles.tiles.length > 1 ? `${tiles.tiles.length} tiles of ${tileSize} px on ${pool?.concurrency ?? 1} threads` : 'single pass'}, ` +
				`on wasm, in ${seconds} s ` +
				`-> ${values.out} (${result.width}x${result.height}, ${bytes} bytes), Content Credentials signed by ${identity.name}` +
				(identity.rootPath
					? ` (${identity.created ? 'new ' : ''}local identity; trust root ${identity.rootPath})`
					: '')
		);
		return 0;
	} finally {
		engine.dispose();
		await pool?.dispose();
	}
}
