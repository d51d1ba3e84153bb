// Every model in the catalog through the engine, single pass at a 512 px long side: milliseconds per
// megapixel. Models that share a network (the fast-style family: one network, four sets of weights)
// are measured once; a model that cannot load or run here is reported with the reason.
import type { ModelCard } from '../src/lib/assets/catalog';
import { createNodeEngine } from '../src/lib/node/node-engine';
import { type BenchContext, benchJob, timeJob } from './context';
import { contentImage, median, msPerMegapixel, progress, round, time } from './util';

/** The family member measured for a family whose members share one network. */
const REPRESENTATIVE: Readonly<Record<string, string>> = { 'fast-style': 'fast-wave' };

export type ModelResult =
	| {
			status: 'measured';
			family: string;
			width: number;
			height: number;
			runs: number;
			/** Loading the verified files and building the model, plus its warm-up run. */
			loadMs: number;
			ms: number;
			msPerMegapixel: number;
			leakedTensors: number;
			samplesMs: number[];
	  }
	| { status: 'same-network'; family: string; measuredAs: string; reason: string }
	| { status: 'skipped'; family: string; reason: string };

export async function benchModels(ctx: BenchContext): Promise<Record<string, ModelResult>> {
	const longSide = ctx.quick ? 256 : 512;
	const runs = ctx.quick ? 1 : 3;
	const content = contentImage(longSide, Math.round((longSide * 3) / 4), 3);
	const measuredFamilies = new Map<string, string>();
	const results: Record<string, ModelResult> = {};
	const cards = [...ctx.catalog.models].sort((a, b) => rank(a) - rank(b));
	const engine = await createNodeEngine(ctx.catalog, ctx.cacheDir);
	try {
		for (const card of cards) {
			const family = card.family;
			const measuredAs = measuredFamilies.get(family);
			if (measuredAs) {
				results[card.id] = {
					status: 'same-network',
					family,
					measuredAs,
					reason: `same ${family} network as ${measuredAs} (only the weights differ), so the same speed`
				};
				continue;
			}
			progress(`models: ${card.id} at ${content.width}x${content.height}`);
			try {
				const loadMs = await time(() => engine.model(card.id));
				const job = benchJob(ctx, card.id, content, 0);
				const tensorsBefore = ctx.tf.memory().numTensors;
				await engine.stylize(job);
				const samples: number[] = [];
				for (let i = 0; i < runs; i++) samples.push((await timeJob(engine, job)).ms);
				const ms = median(samples);
				results[card.id] = {
					status: 'measured',
					family,
					width: content.width,
					height: content.height,
					runs,
					loadMs: round(loadMs),
					ms: round(ms),
					msPerMegapixel: round(msPerMegapixel(ms, content)),
					leakedTensors: ctx.tf.memory().numTensors - tensorsBefore,
					samplesMs: samples.map((v) => round(v))
				};
				measuredFamilies.set(family, card.id);
			} catch (error) {
				const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
				progress(`models: ${card.id} skipped (${reason})`);
				results[card.id] = { status: 'skipped', family, reason };
			}
		}
	} finally {
		engine.dispose();
	}
	// Reported in catalog order.
	return Object.fromEntries(ctx.catalog.models.map((card) => [card.id, results[card.id]!]));
}

/** Representatives first, so a shared-network family is measured on its named member. */
function rank(card: ModelCard): number {
	return REPRESENTATIVE[card.family] === card.id ? 0 : 1;
}

export const MODELS_NOTES = [
	'models: every catalog model through engine.stylize at strength 1, single pass (tile 0), on a synthetic 4:3 image of 512 px long side (256 with --quick), working side = output = that size; arbitrary-style models get the style reference, fixed-look models none. One untimed warm run, then the median of 3 (1 with --quick). loadMs: engine.model(id), i.e. reading the verified files, building the nets and the warm-up run. status same-network: the fast-style models share one network (only the weights differ), so only fast-wave is run; status skipped: the model failed to load or run in Node, with the error as reason.'
];
