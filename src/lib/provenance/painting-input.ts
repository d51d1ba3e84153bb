// What a painting's Content Credentials say, assembled from the facts the studio and the CLI both have:
// the photo, the styles, the model card, the settings. Pure (no Node, no DOM).
import type { ModelCard } from '../assets/catalog';
import { sha256, toHex } from './c2pa/bytes';
import { containerOf, MIME_TYPES } from './c2pa/container';
import { type EditStep, type ProvenanceInput, type StyleSource, trainingMiningFor } from './c2pa/manifest';
import type { ContentRights } from './rights/rights';
import { modelSourceFromCard } from './sources';

export interface PaintingFacts {
	/** The exported file's name. */
	title: string;
	/** Versions of what ran; `rakkan` is the claim generator's version. */
	versions: Record<string, string> & { rakkan: string };
	creator?: string;
	allowTraining: boolean;
	content: { title: string; bytes: Uint8Array; width: number; height: number; declared?: ContentRights };
	styles: StyleSource[];
	model: ModelCard;
	settings: {
		strength: number;
		preserveColors: boolean;
		workingSide: number;
		styleSide: number;
		options?: Readonly<Record<string, number>>;
		tilePlan?: unknown;
	};
	output: { width: number; height: number };
	backend: string;
}

/** The edit actions after the painting itself, from the settings. */
function edits(facts: PaintingFacts): EditStep[] {
	const out: EditStep[] = [];
	if (facts.settings.preserveColors) {
		out.push({
			action: 'c2pa.color_adjustments',
			description: "Kept the photo's own colours: the painting's light and texture only.",
			parameters: { preserveColors: true }
		});
	}
	const from = { width: facts.content.width, height: facts.content.height };
	if (facts.output.width !== from.width || facts.output.height !== from.height) {
		out.push({
			action: 'c2pa.resized',
			description: `Resized from ${from.width}x${from.height} to ${facts.output.width}x${facts.output.height}.`,
			parameters: { from, to: facts.output }
		});
	}
	return out;
}

export function paintingProvenance(facts: PaintingFacts): ProvenanceInput {
	return {
		title: facts.title,
		generator: { name: 'Rakkan', version: facts.versions.rakkan },
		creator: facts.creator,
		// The maker holds the copyright and is whom to ask for a license (plus:Licensor).
		rights: facts.creator
			? { copyright: `© ${new Date().getUTCFullYear()} ${facts.creator}`, licensor: { name: facts.creator } }
			: undefined,
		trainingMining: trainingMiningFor(facts.allowTraining),
		content: { title: facts.content.title, bytes: facts.content.bytes, declared: facts.content.declared },
		styles: facts.styles,
		models: [modelSourceFromCard(facts.model)],
		edits: edits(facts),
		recipe: { ...facts.settings, output: facts.output, backend: facts.backend, versions: facts.versions }
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
