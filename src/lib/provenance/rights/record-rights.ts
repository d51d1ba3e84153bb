// The rights model applied to the record of a document: one ingredient per source whose pixels reach the
// export (with what was declared and read about it), per style image and per model, each naming the layers
// it is in. The studio's Rights panel, its share gate and the signed export all take their verdict from
// here. Pure.
import { type Catalog, findStyle } from '../../assets/catalog';
import type { DocumentRecord } from '../record';
import {
	type ContentRights,
	type ImportedFile,
	type RightsIngredient,
	type UploadedStyleRights,
	type Verdict,
	ingredientFromContent,
	ingredientFromModel,
	ingredientFromStyle,
	rightsVerdict
} from './rights';

/** What the user declared about a picture and what the file says about itself. */
export type SourceRights = ContentRights & ImportedFile;

/** Nothing declared yet: origin unknown, no person. */
export const UNDECLARED: ContentRights = {
	origin: 'unknown',
	showsIdentifiablePerson: false,
	consentRecorded: false
};

export interface RecordRightsFacts {
	catalog: Catalog;
	/** By source key; a source without an entry counts as undeclared. */
	sources: Readonly<Record<string, SourceRights | undefined>>;
	/** Uploaded style images by sha256; one without an entry counts as of unknown origin. */
	uploadedStyles?: Readonly<Record<string, Omit<UploadedStyleRights, 'source' | 'id'> | undefined>>;
}

function withLayers(ing: RightsIngredient, layers: readonly { name: string }[]): RightsIngredient {
	return { ...ing, layers: layers.map((l) => l.name) };
}

/** The ingredients of a record: its sources bottom layer first, then each style, then each model. */
export function recordIngredients(record: DocumentRecord, facts: RecordRightsFacts): RightsIngredient[] {
	const out: RightsIngredient[] = [];
	for (const source of record.sources) {
		const rights = facts.sources[source.key] ?? UNDECLARED;
		const ing = ingredientFromContent(
			{ ...rights, name: source.name },
			{ role: source.kind === 'import' ? 'import' : 'content', id: source.key }
		);
		out.push(withLayers(ing, source.layers));
	}
	for (const style of record.styles) {
		const card = style.catalogId ? findStyle(facts.catalog, style.catalogId) : undefined;
		const upload = facts.uploadedStyles?.[style.sha256];
		const ing = card
			? ingredientFromStyle(card)
			: ingredientFromStyle({
					source: 'upload',
					id: style.sha256,
					name: upload?.name ?? style.title,
					origin: upload?.origin ?? 'unknown',
					...(upload?.license ? { license: upload.license } : {}),
					...(upload?.incoming ? { incoming: upload.incoming } : {}),
					...(upload?.confirmed !== undefined ? { confirmed: upload.confirmed } : {})
				});
		out.push(withLayers(ing, style.layers));
	}
	for (const model of record.models) {
		const card = facts.catalog.models.find((m) => m.id === model.id);
		const ing = ingredientFromModel(
			card ?? {
				id: model.id,
				title: model.id,
				license: { name: 'not in this catalog', url: '', commercialUse: 'unknown' },
				trainingDataRights: ''
			}
		);
		out.push(withLayers(ing, model.layers));
	}
	return out;
}

export function recordVerdict(record: DocumentRecord, facts: RecordRightsFacts): Verdict {
	return rightsVerdict(recordIngredients(record, facts));
}
