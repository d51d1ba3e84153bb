// Catalog cards as manifest ingredients: the facts a ProvenanceInput needs from a model or style card
// (license, rights, the sha256 of every file). Pure, for the studio and the CLI alike.
import type { ModelCard, ModelFamily, StyleCard } from '../assets/catalog';
import type { ModelSource, StyleSource } from './c2pa/manifest';

/** The C2PA asset type of each model family's weights (procedural models have none). */
const MODEL_TYPES: Record<ModelFamily, string | undefined> = {
	'arbitrary-wyf': 'c2pa.types.model.tensorflow',
	'fast-style': 'c2pa.types.model',
	'whitebox-cartoon': 'c2pa.types.model.tensorflow',
	'magenta-tflite': 'c2pa.types.model.tensorflow',
	'animegan-tflite': 'c2pa.types.model.tensorflow',
	'manga-ink': undefined
};

export function modelSourceFromCard(card: ModelCard): ModelSource {
	return {
		id: card.id,
		title: card.title,
		family: card.family,
		modelType: MODEL_TYPES[card.family],
		files: card.files.map((f) => ({ role: f.role, sha256: f.sha256, bytes: f.bytes, url: f.url })),
		license: { ...card.license },
		source: card.source,
		authors: card.authors,
		trainingDataRights: card.trainingData.rightsStatus
	};
}

function imageFormat(url: string): string {
	const ext = /\.([a-z0-9]+)$/i.exec(url)?.[1]?.toLowerCase();
	if (ext === 'png') return 'image/png';
	if (ext === 'webp') return 'image/webp';
	return 'image/jpeg';
}

export function styleSourceFromCard(card: StyleCard, weight: number): StyleSource {
	const file = card.files[0];
	if (!file) throw new TypeError(`style ${card.id} has no image file`);
	return {
		id: card.id,
		title: card.title,
		artist: card.artist,
		date: card.date,
		format: imageFormat(file.url),
		sha256: file.sha256,
		weight,
		rights: { status: card.rightsStatus, note: card.rightsNote, creditLine: card.creditLine },
		license: { ...card.license },
		url: file.url
	};
}
