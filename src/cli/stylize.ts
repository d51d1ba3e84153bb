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
import { defaultCacheDir, readVerified } from '../lib/node/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../lib/node/catalog-fs';
import { decodeImage, readImageFile } from '../lib/node/image-io';
import { parseOptions } from '../lib/engine/options';
import { createNodeEngine } from '../lib/node/node-engine';
import { createTileWorkerPool } from '../lib/node/tile-pool';
import { OUTPUT_NAMES, outputFormatOf } from '../lib/node/export';
import { MODEL_RELEASE_STATUSES, modelReleaseFrom } from '../lib/provenance/rights/people';
import {
	BATCH_FORMATS,
	type BatchRecipe,
	isFolder,
	jobFor,
	photoDeclared,
	runBatch,
	writePainting
} from './batch';

function positiveInt(value: string | undefined, flag: string, min = 1): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min) {
		throw new EngineError(`${flag} must be a whole number of pixels, at least ${min}, got "${value}"`);
	}
	return n;
}

/** A style from the catalog (by id) or from a file, with the name the summary line uses. */
export async function readStyle(
	catalog: Catalog,
	idOrPath: string
): Promise<{ pixels: Pixels; name: string }> {
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

export async function runStylize(argv: string[]): Promise<number> {
	const { values } = parseArgs({
		args: argv,
		options: {
			content: { type: 'string', multiple: true },
			'out-dir': { type: 'string' },
			format: { type: 'string', default: 'png' },
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
	const contents = values.content ?? [];
	if (contents.length === 0)
		throw new EngineError('--content and --out are required (or --out-dir for a batch)');
	const batch = values['out-dir'] !== undefined || contents.length > 1;
	if (batch && values.out)
		throw new EngineError('--out names one output: with several inputs give --out-dir');
	if (batch && !values['out-dir']) throw new EngineError('several inputs need --out-dir DIR');
	if (!batch && !values.out)
		throw new EngineError('--content and --out are required (or --out-dir for a batch)');
	if (values.out && !outputFormatOf(values.out)) throw new EngineError(`--out must name ${OUTPUT_NAMES}`);
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
	const recipe: BatchRecipe = {
		catalog,
		model,
		styleIds,
		weights,
		styles: [],
		strength,
		preserveColors: values['preserve-colors'],
		workingSide,
		styleSide,
		options,
		tile,
		maxSide,
		threads,
		creator: values.creator,
		allowTraining: values['allow-training'],
		key: values.key,
		cert: values.cert,
		consent,
		notARealPerson: values['not-a-real-person']
	};
	if (batch) {
		const format = BATCH_FORMATS[values.format];
		if (!format) throw new EngineError(`--format must be png, jpg or webp, got "${values.format}"`);
		const outDir = path.resolve(values['out-dir']!);
		if (!isFolder(outDir)) throw new EngineError(`--out-dir: the folder ${outDir} does not exist`);
		recipe.styles = await Promise.all(styleIds.map((id) => readStyle(catalog, id)));
		return runBatch(contents, outDir, format, recipe);
	}
	const out = values.out!;
	const contentFile = contents[0]!;
	// Checked before the painting, not after it: the atomic write would fail on its temporary name.
	const outDir = path.dirname(path.resolve(out));
	if (!existsSync(outDir)) throw new EngineError(`--out: the folder ${outDir} does not exist`);

	const started = performance.now();
	const content = await readImageFile(contentFile).catch((error: Error) => {
		throw new EngineError(`${contentFile}: ${error.message}`);
	});
	recipe.styles = await Promise.all(styleIds.map((id) => readStyle(catalog, id)));
	const { styles } = recipe;
	const job = jobFor(recipe, content);
	const declared = await photoDeclared(recipe, content);
	const engine = await createNodeEngine(catalog);
	const { tiles, tileSize } = engine.plan(job);
	// Several tiles on a CPU: one painter thread per core (threaded wasm gains nothing here).
	const pool =
		tiles.tiles.length > 1 && threads > 1
			? createTileWorkerPool(defaultCacheDir(PROJECT_ROOT), Math.min(threads, tiles.tiles.length))
			: undefined;
	try {
		const result = await engine.stylize(job, { painter: pool });
		const written = await writePainting(
			recipe,
			result,
			{ file: contentFile, width: content.width, height: content.height, declared },
			out,
			tiles.tiles.length > 1 ? { tileSize, count: tiles.tiles.length } : undefined
		);
		const bytes = written.bytes;
		const { identity } = written;
		const seconds = ((performance.now() - started) / 1000).toFixed(2);
		const styleName = styles.length
			? styles
					.map((style, i) => (styles.length > 1 ? `${style.name} x${weights[i]!.toFixed(2)}` : style.name))
					.join(' + ')
			: '';
		console.log(
			`Stylized ${contentFile} (${content.width}x${content.height})${styleName ? ` after ${styleName}` : ''} with ${model.id} ` +
				`(${model.license.name}, ${commercialUseLabel(model.license.commercialUse)}), strength ${strength}` +
				`${values['preserve-colors'] ? ', original colours' : ''}, working side ${workingSide}, ` +
				`${tiles.tiles.length > 1 ? `${tiles.tiles.length} tiles of ${tileSize} px on ${pool?.concurrency ?? 1} threads` : 'single pass'}, ` +
				`on wasm, in ${seconds} s ` +
				`-> ${out} (${result.width}x${result.height}, ${bytes} bytes), Content Credentials signed by ${identity.name}` +
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
