// What an export's Content Credentials say, assembled from the record of the document (the studio's and the
// CLI's alike): the pictures whose pixels are in it (the first photo or webcam picture as the content, the
// rest as placed components), every style and model with the layers they are in, the edits, the settings of
// the topmost painting, and `org.rakkan.record` with the rights verdict and every reason. Pure (no Node, no
// DOM).
import type { Catalog } from '../assets/catalog';
import { sha256, toHex } from './c2pa/bytes';
import { containerOf, MIME_TYPES } from './c2pa/container';
import {
	type ContentSource,
	type EditStep,
	type ProvenanceInput,
	type StyleSource,
	trainingMiningFor
} from './c2pa/manifest';
import type { RecordData } from './c2pa/rakkan-assertions';
import type { DocumentRecord } from './record';
import type { ContentRights, Verdict } from './rights/rights';
import { modelSourceFromCard } from './sources';

export interface DocumentExportFacts {
	/** The exported file's name. */
	title: string;
	/** Versions of what ran; `rakkan` is the claim generator's version. */
	versions: Record<string, string> & { rakkan: string };
	creator?: string;
	allowTraining: boolean;
	catalog: Catalog;
	record: DocumentRecord;
	verdict: Verdict;
	/** The file as given and what was declared about it, for each source of the record, by key. */
	pictures: Readonly<Record<string, { bytes: Uint8Array; declared?: ContentRights } | undefined>>;
	/** A style source for each of the record's styles, in the same order. */
	styles: StyleSource[];
	/** The exported size. */
	output: { width: number; height: number };
	/** The topmost painting's tile plan, when it was painted in tiles. */
	tilePlan?: unknown;
}

/** The record as `org.rakkan.record` says it (layers by name, images by sha256). */
export function recordData(record: DocumentRecord, verdict: Verdict, catalog: Catalog): RecordData {
	const image = (ref: { id: string; width: number; height: number } | null) =>
		ref ? { sha256: ref.id, width: ref.width, height: ref.height } : null;
	return {
		version: 1,
		output: { width: record.width, height: record.height },
		sourceType: record.sourceType,
		layers: record.layers.map((l) => ({ name: l.name, kind: l.kind })),
		sources: record.sources.map((s) => ({
			kind: s.kind,
			title: s.name,
			sha256: s.key,
			layers: s.layers.map((l) => l.name)
		})),
		stylizations: record.stylizations.map((s) => ({
			layer: s.layer.name,
			model: {
				id: s.model.id,
				sha256: s.model.sha256,
				license: catalog.models.find((m) => m.id === s.model.id)?.license.name
			},
			styles: s.styles.map((style) => ({
				id: style.catalogId ?? undefined,
				title: style.title,
				sha256: style.sha256,
				weight: style.weight
			})),
			strength: s.settings.strength,
			preserveColors: s.settings.preserveColors,
			options: { ...s.settings.options },
			backend: s.backend,
			from: s.from,
			region: image(s.region),
			...(s.regionFaces ? { regionFaces: { ...s.regionFaces } } : {}),
			mask: image(s.mask)
		})),
		verdict: {
			level: verdict.level,
			sentence: verdict.sentence,
			reasons: verdict.findings.map((f) => ({
				level: f.level,
				reason: f.reason,
				ingredient: f.ingredient,
				role: f.role,
				layers: f.layers
			}))
		}
	};
}

function resized(record: DocumentRecord, output: { width: number; height: number }): EditStep[] {
	if (output.width === record.width && output.height === record.height) return [];
	const from = { width: record.width, height: record.height };
	return [
		{
			action: 'c2pa.resized',
			description: `Resized from ${from.width}x${from.height} to ${output.width}x${output.height}.`,
			parameters: { from, to: output }
		}
	];
}

export function documentProvenanceInput(facts: DocumentExportFacts): ProvenanceInput {
	const { record } = facts;
	const pictures: ContentSource[] = record.sources.map((source) => {
		const picture = facts.pictures[source.key];
		if (!picture)
			throw new Error(`The file of "${source.name}" could not be read, so the export cannot name it.`);
		return {
			title: source.name,
			kind: source.kind,
			bytes: picture.bytes,
			declared: picture.declared,
			layers: source.layers.map((l) => l.name)
		};
	});
	// The first photo or webcam picture is the content (the parent when it carries credentials); the other
	// pictures are placed into it.
	const contentIndex = pictures.findIndex((p) => p.kind !== 'import');
	const content = contentIndex >= 0 ? pictures[contentIndex] : undefined;
	const top = record.stylizations.at(-1);
	const preserveColors = record.stylizations.some((s) => s.settings.preserveColors);
	return {
		title: facts.title,
		generator: { name: 'Rakkan', version: facts.versions.rakkan },
		creator: facts.creator,
		// The maker holds the copyright and is whom to ask for a license (plus:Licensor).
		rights: facts.creator
			? { copyright: `© ${new Date().getUTCFullYear()} ${facts.creator}`, licensor: { name: facts.creator } }
			: undefined,
		trainingMining: trainingMiningFor(facts.allowTraining),
		content,
		components: pictures.filter((_, i) => i !== contentIndex),
		styles: facts.styles.map((style, i) => ({
			...style,
			layers: record.styles[i]?.layers.map((l) => l.name)
		})),
		models: record.models.flatMap((model) => {
			const card = facts.catalog.models.find((m) => m.id === model.id);
			return card ? [{ ...modelSourceFromCard(card), layers: model.layers.map((l) => l.name) }] : [];
		}),
		edits: [
			...(preserveColors
				? [
						{
							action: 'c2pa.color_adjustments' as const,
							description: "Kept the photo's own colours: the painting's light and texture only.",
							parameters: { preserveColors: true }
						}
					]
				: []),
			...record.edits,
			...resized(record, facts.output)
		],
		recipe: top
			? {
					strength: top.settings.strength,
					preserveColors: top.settings.preserveColors,
					workingSide: top.settings.workingSide,
					styleSide: top.settings.styleSide,
					options: top.settings.options,
					tilePlan: facts.tilePlan,
					output: facts.output,
					backend: top.backend,
					versions: facts.versions
				}
			: undefined,
		record: recordData(record, facts.verdict, facts.catalog)
	};
}

/** A style image the user brought (not from the catalog), with the rights they declared, if any. */
export async function uploadedStyleSource(
	title: string,
	bytes: Uint8Array,
	weight: number,
	rights: { status: string; note: string } = {
		status: 'unknown',
		note: 'an image the user brought; its rights were not declared'
	}
): Promise<StyleSource> {
	const container = containerOf(bytes);
	return {
		title,
		format: container ? MIME_TYPES[container] : 'image/webp',
		sha256: toHex(await sha256(bytes)),
		weight,
		rights
	};
}
