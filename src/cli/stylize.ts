import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findModel, findStyle } from '../lib/assets/catalog';
import { DEFAULT_SETTINGS, EngineError, validateStrength } from '../lib/engine/types';
import { fitWithin } from '../lib/kernels/geometry';
import { defaultCacheDir, readVerified } from '../lib/server/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../lib/server/catalog-fs';
import { decodeImage, readImageFile, writePng } from '../lib/server/image-io';
import { createNodeEngine } from '../lib/server/node-engine';

function positiveInt(value: string | undefined, flag: string, min = 1): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min) {
		throw new EngineError(`${flag} must be a whole number of pixels, at least ${min}, got "${value}"`);
	}
	return n;
}

export async function runStylize(argv: string[]): Promise<number> {
	const { values } = parseArgs({
		args: argv,
		options: {
			content: { type: 'string' },
			style: { type: 'string' },
			model: { type: 'string', default: 'arbitrary-wyf' },
			strength: { type: 'string', default: String(DEFAULT_SETTINGS.strength) },
			'max-side': { type: 'string' },
			'working-side': { type: 'string', default: String(DEFAULT_SETTINGS.workingSide) },
			out: { type: 'string' }
		},
		strict: true
	});
	if (!values.content || !values.style || !values.out) {
		throw new EngineError('--content, --style and --out are required');
	}
	if (!values.out.toLowerCase().endsWith('.png')) throw new EngineError('--out must name a .png file');
	const strength = validateStrength(Number(values.strength));
	const maxSide = positiveInt(values['max-side'], '--max-side');
	// The network paints at sides that are multiples of 4 (see workingSize), so 4 is the least.
	const workingSide =
		positiveInt(values['working-side'], '--working-side', 4) ?? DEFAULT_SETTINGS.workingSide;
	// Checked before the painting, not after it: the atomic write would fail on its temporary name.
	const outDir = path.dirname(path.resolve(values.out));
	if (!existsSync(outDir)) throw new EngineError(`--out: the folder ${outDir} does not exist`);

	const catalog = await loadProjectCatalog();
	const model = findModel(catalog, values.model);
	const started = performance.now();
	const content = await readImageFile(values.content).catch((error: Error) => {
		throw new EngineError(`${values.content}: ${error.message}`);
	});
	const styleCard = findStyle(catalog, values.style);
	if (!styleCard && !existsSync(values.style)) {
		const known = catalog.styles.map((s) => s.id).join(', ');
		throw new EngineError(`"${values.style}" is neither a style id (${known}) nor an image file`);
	}
	const style = styleCard
		? await decodeImage(await readVerified(styleCard.files[0]!, defaultCacheDir(PROJECT_ROOT)))
		: await readImageFile(values.style).catch((error: Error) => {
				throw new EngineError(`${values.style}: ${error.message}`);
			});
	const output = maxSide
		? fitWithin(content.width, content.height, maxSide)
		: { width: content.width, height: content.height };

	const engine = await createNodeEngine(catalog);
	try {
		const result = await engine.stylize({
			content,
			style,
			settings: { modelId: model.id, strength, workingSide, styleSide: DEFAULT_SETTINGS.styleSide, output }
		});
		const bytes = await writePng(result, values.out);
		const seconds = ((performance.now() - started) / 1000).toFixed(2);
		const styleName = styleCard
			? `"${styleCard.title}" (${styleCard.artist}, ${styleCard.date})`
			: values.style;
		console.log(
			`Stylized ${values.content} (${content.width}x${content.height}) after ${styleName} with ${model.id} ` +
				`(${model.license.name}), strength ${strength}, working side ${workingSide}, on wasm, in ${seconds} s ` +
				`-> ${values.out} (${result.width}x${result.height}, ${bytes} bytes)`
		);
		return 0;
	} finally {
		engine.dispose();
	}
}
