import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	type Catalog,
	findModel,
	findStyle,
	type ModelCard,
	modelCardSchema,
	type StyleCard
} from '../../src/lib/assets/catalog';
import {
	type ContentRights,
	credentialStateFrom,
	type ImportedFile,
	type IncomingRights,
	ingredientFromContent,
	ingredientFromModel,
	ingredientFromParent,
	ingredientFromStyle,
	ingredientsOf,
	mergeIncomingRights,
	modelRightsFromCard,
	type RightsIngredient,
	rightsVerdict,
	styleRightsFromCard,
	styleUseGate,
	trainingMiningFromAssertion,
	type UploadedStyleRights,
	VERDICT_LEVELS
} from '../../src/lib/provenance/rights/rights';
import {
	blockedSentence,
	NOTHING_KNOWN_REASON,
	PERSON_WITHOUT_CONSENT_SENTENCE,
	PUBLISHABLE_COMMERCIAL_SENTENCE,
	REASONS,
	verdictSentence
} from '../../src/lib/provenance/rights/words';
import { loadProjectCatalog } from '../../src/lib/node/catalog-fs';
import { c2paFixtureBytes } from '../provenance/helpers';

let catalog: Catalog;
beforeAll(async () => {
	catalog = await loadProjectCatalog();
});

function style(id: string): StyleCard {
	const card = findStyle(catalog, id);
	if (!card) throw new Error(`no style ${id} in the catalog`);
	return card;
}

const COMMIT = 'c'.repeat(40);

/** A model card as the catalog would hold it (validated by the real schema), for models whose card may not exist. */
function testModelCard(fields: {
	id: string;
	family: ModelCard['family'];
	license: ModelCard['license'];
	trainingRights: string;
}): ModelCard {
	return modelCardSchema.parse({
		id: fields.id,
		kind: 'model',
		family: fields.family,
		title: fields.id,
		description: 'A model card made by the test.',
		files: [
			{
				url: `https://raw.githubusercontent.com/owner/repo/${COMMIT}/model.json`,
				sha256: 'd'.repeat(64),
				bytes: 100,
				role: 'model.json'
			}
		],
		license: fields.license,
		source: 'https://github.com/owner/repo',
		authors: ['Someone'],
		trainingData: { description: 'Some images.', rightsStatus: fields.trainingRights },
		citation: 'A paper.',
		io: { inputs: ['x'], outputs: ['y'] }
	});
}

const CARTOON_WHITEBOX = testModelCard({
	id: 'cartoon-whitebox',
	family: 'whitebox-cartoon',
	license: {
		name: 'CC BY-NC-SA 4.0',
		url: 'https://creativecommons.org/licenses/by-nc-sa/4.0/',
		commercialUse: 'prohibited'
	},
	trainingRights: 'copyrighted anime film frames'
});

const FAST_WAVE = testModelCard({
	id: 'fast-wave',
	family: 'fast-style',
	license: {
		name: 'Research use only (Engstrom)',
		url: 'https://github.com/lengstrom/fast-style-transfer',
		commercialUse: 'research-only'
	},
	trainingRights: 'COCO photos under their own Flickr licenses'
});

const OWN_PHOTO: ContentRights = {
	origin: 'own-work',
	showsIdentifiablePerson: false,
	consentRecorded: false
};

function upload(overrides: Partial<UploadedStyleRights> = {}): UploadedStyleRights {
	return { source: 'upload', id: 'upload-1', name: 'my-style.jpg', origin: 'own-work', ...overrides };
}

const CAWG_NOT_ALLOWED: IncomingRights = {
	credential: 'valid',
	trainingMining: {
		'cawg.ai_inference': { use: 'notAllowed' },
		'cawg.ai_generative_training': { use: 'notAllowed' },
		'cawg.ai_training': { use: 'allowed' }
	}
};
const PLUS_PROHIBITED: IncomingRights = {
	dataMining: 'http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING'
};

describe('the verdicts the issue names', () => {
	it('arbitrary-wyf (MIT) + The Night Watch + own photo: may be published, commercial use allowed', () => {
		const ingredients = ingredientsOf({
			content: { ...OWN_PHOTO, name: 'me.jpg' },
			styles: [style('rembrandt-night-watch')],
			model: findModel(catalog, 'arbitrary-wyf')
		});
		expect(ingredients.map((i) => [i.role, i.id, i.status])).toEqual([
			['content', 'content', 'clear'],
			['style', 'rembrandt-night-watch', 'clear'],
			['model', 'arbitrary-wyf', 'clear']
		]);
		expect(ingredients[2]?.license).toEqual({
			name: 'MIT',
			url: 'https://github.com/macobo/whatsyourface/blob/4b4b0f6a26a4c73e259c7439313df5530d4890a1/LICENSE'
		});
		expect(ingredients[1]?.license?.name).toBe('Public domain');

		const verdict = rightsVerdict(ingredients);
		expect(verdict.level).toBe('publishable-commercial');
		expect(verdict.sentence).toBe('May be published; commercial use allowed.');
		expect(verdict.sentence).toBe(PUBLISHABLE_COMMERCIAL_SENTENCE);
		expect(verdict.reasons).toEqual([]);
		expect(verdict.causes).toEqual([]);
		// The undocumented training data is told, but does not change the verdict.
		expect(verdict.notes).toEqual([
			'Training data of model arbitrary-wyf: undocumented: the authors did not list the training images or their licenses.'
		]);
	});

	it('non-commercial only, because model cartoon-whitebox is CC BY-NC-SA 4.0', () => {
		const verdict = rightsVerdict(ingredientsOf({ content: OWN_PHOTO, model: CARTOON_WHITEBOX }));
		expect(verdict.level).toBe('non-commercial-only');
		expect(verdict.sentence).toBe(
			'Non-commercial use only, because model cartoon-whitebox is CC BY-NC-SA 4.0.'
		);
		expect(verdict.reasons).toEqual(['model cartoon-whitebox is CC BY-NC-SA 4.0']);
		expect(verdict.causes).toEqual(['cartoon-whitebox']);
	});

	it('a non-commercial license whose name does not say so is explained in words', () => {
		const card = testModelCard({
			id: 'some-model',
			family: 'animegan-tflite',
			license: { name: 'Custom terms', url: 'https://example.com/terms', commercialUse: 'prohibited' },
			trainingRights: 'unknown'
		});
		expect(rightsVerdict([ingredientFromModel(card)]).sentence).toBe(
			'Non-commercial use only, because the license of model some-model (Custom terms) does not allow commercial use.'
		);
	});

	it('research use only for fast-wave', () => {
		const verdict = rightsVerdict(ingredientsOf({ content: OWN_PHOTO, model: FAST_WAVE }));
		expect(verdict.level).toBe('research-only');
		expect(verdict.sentence).toBe(
			'Research use only, because model fast-wave is licensed for research use only.'
		);
	});

	it("rights unclear: the style image's origin is unknown", () => {
		const verdict = rightsVerdict(
			ingredientsOf({
				content: OWN_PHOTO,
				styles: [upload({ origin: 'unknown' })],
				model: findModel(catalog, 'arbitrary-wyf')
			})
		);
		expect(verdict.level).toBe('rights-unclear');
		expect(verdict.sentence).toBe("Rights unclear: the style image's origin is unknown.");
		expect(verdict.causes).toEqual(['upload-1']);
	});

	it('shows an identifiable person without recorded consent; with consent it does not', () => {
		const recipe = { styles: [style('rembrandt-night-watch')], model: findModel(catalog, 'arbitrary-wyf') };
		const without = rightsVerdict(
			ingredientsOf({ ...recipe, content: { ...OWN_PHOTO, showsIdentifiablePerson: true } })
		);
		expect(without.level).toBe('person-without-consent');
		expect(without.sentence).toBe('Shows an identifiable person without recorded consent.');
		expect(without.sentence).toBe(PERSON_WITHOUT_CONSENT_SENTENCE);
		expect(without.reasons).toEqual(['the photo shows an identifiable person and no consent is recorded']);
		expect(without.causes).toEqual(['content']);

		const withConsent = rightsVerdict(
			ingredientsOf({
				...recipe,
				content: { ...OWN_PHOTO, showsIdentifiablePerson: true, consentRecorded: true }
			})
		);
		expect(withConsent.level).toBe('publishable-commercial');
		expect(withConsent.sentence).toBe(PUBLISHABLE_COMMERCIAL_SENTENCE);
		expect(withConsent.notes).toContain('The photo shows an identifiable person; their consent is recorded.');
	});

	it('Monet (public domain in most countries) gets a jurisdiction note and is not blocked', () => {
		const monet = style('monet-water-lilies');
		expect(monet.rightsStatus).toBe('public-domain-in-most-countries');
		const ingredients = ingredientsOf({
			content: OWN_PHOTO,
			styles: [monet],
			model: findModel(catalog, 'arbitrary-wyf')
		});
		expect(ingredients[1]?.status).toBe('clear');
		const verdict = rightsVerdict(ingredients);
		expect(verdict.level).toBe('publishable-commercial');
		expect(verdict.sentence).toBe(PUBLISHABLE_COMMERCIAL_SENTENCE);
		const note = verdict.notes.find((n) => n.startsWith('Jurisdiction note:'));
		expect(note).toBe(
			`Jurisdiction note: style monet-water-lilies (Claude Monet, Water Lilies) is public domain in most countries, not everywhere. ${monet.rightsNote}`
		);
		expect(note).toContain('2027');
	});
});

describe('the style-use gate', () => {
	it('blocks a style image whose Content Credentials say notAllowed, naming the source', () => {
		const gate = styleUseGate(CAWG_NOT_ALLOWED, 'wave-photo.jpg');
		expect(gate.blocked).toBe(true);
		expect(gate.confirmed).toBe(false);
		expect(gate.forbidden).toEqual([
			'generative AI training (cawg.ai_generative_training: notAllowed)',
			'AI inference (cawg.ai_inference: notAllowed)'
		]);
		expect(gate.warning).toBe(
			'Style image "wave-photo.jpg" carries a do-not-use notice: its rights holder does not allow ' +
				'generative AI training (cawg.ai_generative_training: notAllowed) and AI inference ' +
				'(cawg.ai_inference: notAllowed). Use it only if you have the right to, and confirm that you do.'
		);
	});

	it('blocks a style image whose XMP says PLUS DMI-PROHIBITED*', () => {
		for (const value of [
			'http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING',
			'http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-GENAIMLTRAINING',
			'http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED',
			'DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING',
			'http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-SOMETHING-NEW'
		]) {
			const gate = styleUseGate({ dataMining: value }, 'scan.png');
			expect(gate.blocked, value).toBe(true);
			expect(gate.warning, value).toContain('Style image "scan.png"');
			expect(gate.forbidden[0], value).toContain(`(PLUS ${value.split('/').pop() ?? ''})`);
		}
		expect(styleUseGate(PLUS_PROHIBITED, 'scan.png').forbidden).toEqual([
			'AI/ML training (PLUS DMI-PROHIBITED-AIMLTRAINING)'
		]);
	});

	it('confirming lifts the block and keeps the warning', () => {
		for (const incoming of [CAWG_NOT_ALLOWED, PLUS_PROHIBITED]) {
			const before = styleUseGate(incoming, 'x.jpg');
			const after = styleUseGate(incoming, 'x.jpg', { confirmed: true });
			expect(before.blocked).toBe(true);
			expect(after.blocked).toBe(false);
			expect(after.confirmed).toBe(true);
			expect(after.warning).not.toBeNull();
			expect(after.warning).toBe(before.warning);
		}
	});

	it('does not gate allowed uses, DMI-ALLOWED, or a file with no facts; constrained only warns', () => {
		const allowed: IncomingRights = {
			trainingMining: { 'cawg.ai_inference': { use: 'allowed' }, 'cawg.data_mining': { use: 'allowed' } },
			dataMining: 'http://ns.useplus.org/ldf/vocab/DMI-ALLOWED'
		};
		for (const incoming of [allowed, {}, undefined]) {
			expect(styleUseGate(incoming, 'a.jpg')).toMatchObject({ blocked: false, warning: null });
		}
		const constrained = styleUseGate(
			{ trainingMining: { 'cawg.ai_training': { use: 'constrained', constraintInfo: 'ask first' } } },
			'c.jpg'
		);
		expect(constrained.blocked).toBe(false);
		expect(constrained.warning).toBe(
			'Style image "c.jpg" allows AI training (cawg.ai_training: constrained: ask first) only under conditions: check them before using it.'
		);
	});

	it('says when the notice sits in credentials that did not validate', () => {
		const gate = styleUseGate({ ...CAWG_NOT_ALLOWED, credential: 'invalid' }, 'x.jpg');
		expect(gate.blocked).toBe(true);
		expect(gate.warning).toContain('Its Content Credentials did not validate');
	});

	it('an unconfirmed notice blocks the verdict; a confirmed one is kept in the notes', () => {
		const recipe = (confirmed: boolean) =>
			ingredientsOf({
				content: OWN_PHOTO,
				styles: [upload({ name: 'wave-photo.jpg', incoming: CAWG_NOT_ALLOWED, confirmed })],
				model: findModel(catalog, 'arbitrary-wyf')
			});
		const blocked = rightsVerdict(recipe(false));
		expect(blocked.level).toBe('blocked');
		expect(blocked.sentence).toBe(
			'Blocked: the rights holder of the style image "wave-photo.jpg" does not allow generative AI training ' +
				'(cawg.ai_generative_training: notAllowed) and AI inference (cawg.ai_inference: notAllowed), ' +
				'and you have not confirmed your right to use it.'
		);
		const confirmed = rightsVerdict(recipe(true));
		expect(confirmed.level).toBe('publishable-commercial');
		const warning = styleUseGate(CAWG_NOT_ALLOWED, 'wave-photo.jpg').warning ?? '';
		expect(confirmed.notes).toContain(`${warning} You confirmed that you have the right to use it.`);
	});

	it('reads the real cawg.training-mining of C_with_CAWG_data.jpg (via c2pa-rs) and blocks it', async () => {
		const require = createRequire(import.meta.url);
		const c2pa = await import('@contentauth/c2pa-wasm');
		c2pa.initSync({ module: readFileSync(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });
		const reader = await c2pa.WasmReader.fromBytes('image/jpeg', await c2paFixtureBytes('C_with_CAWG_data'));
		const store = JSON.parse(reader.json()) as {
			active_manifest: string;
			manifests: Record<string, { assertions: { label: string; data: unknown }[] }>;
			validation_state?: string;
		};
		const assertion = store.manifests[store.active_manifest]?.assertions.find(
			(a) => a.label === 'cawg.training-mining'
		);
		const incoming: IncomingRights = {
			credential: credentialStateFrom(store.validation_state),
			trainingMining: trainingMiningFromAssertion(assertion?.data)
		};
		expect(incoming).toEqual({
			credential: 'valid',
			trainingMining: {
				'cawg.ai_inference': { use: 'notAllowed' },
				'cawg.ai_generative_training': { use: 'notAllowed' }
			}
		});
		const gate = styleUseGate(incoming, 'C_with_CAWG_data.jpg');
		expect(gate.blocked).toBe(true);
		expect(gate.warning).toContain('Style image "C_with_CAWG_data.jpg"');
		expect(styleUseGate(incoming, 'C_with_CAWG_data.jpg', { confirmed: true }).blocked).toBe(false);
	});
});

describe('precedence', () => {
	/** One ingredient that alone produces each level. */
	function representative(level: (typeof VERDICT_LEVELS)[number]): RightsIngredient {
		switch (level) {
			case 'blocked':
				return ingredientFromStyle(upload({ id: 'noticed', incoming: PLUS_PROHIBITED }));
			case 'person-without-consent':
				return ingredientFromContent({ ...OWN_PHOTO, showsIdentifiablePerson: true });
			case 'rights-unclear':
				return ingredientFromStyle(upload({ id: 'unknown-origin', origin: 'unknown' }));
			case 'research-only':
				return ingredientFromModel(FAST_WAVE);
			case 'non-commercial-only':
				return ingredientFromModel(CARTOON_WHITEBOX);
			case 'publishable-commercial':
				return ingredientFromStyle(style('rembrandt-night-watch'));
		}
	}

	it('each representative alone gives its level', () => {
		for (const level of VERDICT_LEVELS) expect(rightsVerdict([representative(level)]).level).toBe(level);
	});

	it('the most restrictive level wins in every pair, in either order, and all reasons are listed', () => {
		VERDICT_LEVELS.forEach((stricter, i) => {
			for (const looser of VERDICT_LEVELS.slice(i + 1)) {
				const a = representative(stricter);
				const b = representative(looser);
				for (const order of [
					[a, b],
					[b, a]
				]) {
					const verdict = rightsVerdict(order);
					expect(verdict.level, `${stricter} vs ${looser}`).toBe(stricter);
					expect(verdict.sentence).toBe(rightsVerdict([a]).sentence);
					expect(verdict.reasons).toEqual([...rightsVerdict([a]).reasons, ...rightsVerdict([b]).reasons]);
				}
			}
		});
	});

	it('all at once: blocked, with every reason listed most restrictive first', () => {
		const verdict = rightsVerdict([...VERDICT_LEVELS].reverse().map(representative));
		expect(verdict.level).toBe('blocked');
		expect(verdict.reasons).toEqual([
			'the rights holder of the style image "my-style.jpg" does not allow AI/ML training (PLUS DMI-PROHIBITED-AIMLTRAINING), and you have not confirmed your right to use it',
			'the photo shows an identifiable person and no consent is recorded',
			"the style image's origin is unknown",
			'model fast-wave is licensed for research use only',
			'model cartoon-whitebox is CC BY-NC-SA 4.0'
		]);
	});

	it('several causes at the same level are all named', () => {
		const verdict = rightsVerdict(
			ingredientsOf({
				content: {
					...OWN_PHOTO,
					origin: 'licensed',
					license: { name: 'CC BY-NC 4.0', allowsCommercialUse: false, allowsDerivatives: true }
				},
				model: CARTOON_WHITEBOX
			})
		);
		expect(verdict.sentence).toBe(
			'Non-commercial use only, because the photo is CC BY-NC 4.0 and model cartoon-whitebox is CC BY-NC-SA 4.0.'
		);
		expect(verdict.causes).toEqual(['content', 'cartoon-whitebox']);
	});

	it('an empty list is not publishable', () => {
		expect(rightsVerdict([])).toMatchObject({
			level: 'rights-unclear',
			sentence: `Rights unclear: ${NOTHING_KNOWN_REASON}.`
		});
	});

	it('sentence builders match the levels', () => {
		expect(verdictSentence('blocked', ['a', 'b', 'c'])).toBe(blockedSentence(['a', 'b', 'c']));
		expect(blockedSentence(['a', 'b', 'c'])).toBe('Blocked: a, b and c.');
		expect(verdictSentence('person-without-consent', ['ignored'])).toBe(PERSON_WITHOUT_CONSENT_SENTENCE);
	});
});

describe('declarations', () => {
	const licensed = (
		name: string,
		allowsCommercialUse: boolean,
		allowsDerivatives: boolean
	): ContentRights => ({
		...OWN_PHOTO,
		origin: 'licensed',
		license: { name, url: 'https://example.com/license', allowsCommercialUse, allowsDerivatives }
	});

	it('licensed content: commercial → clear, NC → non-commercial, ND → blocked, no terms → unclear', () => {
		expect(ingredientFromContent(licensed('CC BY 4.0', true, true))).toMatchObject({
			status: 'clear',
			license: { name: 'CC BY 4.0', url: 'https://example.com/license' }
		});
		expect(ingredientFromContent(licensed('CC BY-NC 4.0', false, true))).toMatchObject({
			status: 'non-commercial',
			reasons: ['the photo is CC BY-NC 4.0']
		});
		expect(ingredientFromContent(licensed('CC BY-NC-ND 4.0', false, false))).toMatchObject({
			status: 'blocked',
			reasons: [
				'the license of the photo (CC BY-NC-ND 4.0) does not allow derivative works',
				'the photo is CC BY-NC-ND 4.0'
			]
		});
		expect(ingredientFromContent({ ...OWN_PHOTO, origin: 'licensed' })).toMatchObject({
			status: 'unclear',
			reasons: [REASONS.licenseTermsMissing('the photo')]
		});
		expect(ingredientFromContent({ ...OWN_PHOTO, origin: 'public-domain' }).status).toBe('clear');
		expect(rightsVerdict([ingredientFromContent({ ...OWN_PHOTO, origin: 'unknown' })]).sentence).toBe(
			"Rights unclear: the photo's origin is unknown."
		);
	});

	it('an uploaded style under a no-derivatives license is unclear, not blocked', () => {
		const ing = ingredientFromStyle(
			upload({
				origin: 'licensed',
				license: { name: 'CC BY-ND 4.0', allowsCommercialUse: true, allowsDerivatives: false }
			})
		);
		expect(ing.status).toBe('unclear');
		expect(ing.license).toEqual({ name: 'CC BY-ND 4.0' });
	});

	it('what an imported file says about itself becomes notes', () => {
		const photo: ContentRights & ImportedFile = {
			...OWN_PHOTO,
			name: 'p.jpg',
			incoming: {
				credential: 'invalid',
				rights: '© 2024 Someone',
				digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia'
			}
		};
		const ing = ingredientFromContent(photo);
		expect(ing.status).toBe('clear');
		expect(ing.notes).toEqual([
			'The Content Credentials of the photo did not validate.',
			'The photo says (dc:rights): "© 2024 Someone"',
			'The photo says it was made with AI (trainedAlgorithmicMedia).'
		]);
		// A photo with a do-not-use notice is gated like a style image.
		const noticed = ingredientFromContent({ ...photo, incoming: PLUS_PROHIBITED });
		expect(noticed.status).toBe('blocked');
		expect(noticed.reasons[0]).toContain('the photo "p.jpg"');
	});
});

describe('cards', () => {
	it('every catalog style is clear (all public domain), Monet with a note', () => {
		for (const card of catalog.styles) {
			const ing = ingredientFromStyle(card);
			expect(ing, card.id).toMatchObject({ role: 'style', id: card.id, title: card.title, status: 'clear' });
			expect(ing.notes.length > 0, card.id).toBe(card.rightsStatus === 'public-domain-in-most-countries');
			expect(ingredientFromStyle(styleRightsFromCard(card))).toEqual(ing);
		}
	});

	it('every catalog model gets the status its commercialUse implies', () => {
		const expected = {
			allowed: 'clear',
			prohibited: 'non-commercial',
			'research-only': 'research-only',
			unknown: 'unclear'
		} as const;
		for (const card of catalog.models) {
			const ing = ingredientFromModel(card);
			expect(ing.status, card.id).toBe(expected[card.license.commercialUse]);
			expect(ingredientFromModel(modelRightsFromCard(card))).toEqual(ing);
		}
		// The real cards, where they exist, give the verdicts the test cards give.
		const real = (id: string) => catalog.models.find((m) => m.id === id);
		for (const [id, testCard] of [
			['cartoon-whitebox', CARTOON_WHITEBOX],
			['fast-wave', FAST_WAVE]
		] as const) {
			const card = real(id);
			if (card)
				expect(rightsVerdict([ingredientFromModel(card)]).level).toBe(
					rightsVerdict([ingredientFromModel(testCard)]).level
				);
		}
	});

	it('a licensed catalog style with unknown commercial terms is unclear; unknown rights status is unclear', () => {
		const base = style('rembrandt-night-watch');
		const licensedUnknown: StyleCard = {
			...base,
			rightsStatus: 'licensed',
			license: { ...base.license, commercialUse: 'unknown' }
		};
		expect(ingredientFromStyle(licensedUnknown).reasons).toEqual([
			'the license of style rembrandt-night-watch does not say whether commercial use is allowed'
		]);
		expect(ingredientFromStyle({ ...base, rightsStatus: 'unknown' }).reasons).toEqual([
			'the rights status of style rembrandt-night-watch is unknown'
		]);
	});
});

describe('parents (the remix chain)', () => {
	it('carries over the recorded level, and is unclear without a record or with invalid credentials', () => {
		expect(ingredientFromParent({ id: 'p', title: 'Old', level: 'publishable-commercial' }).status).toBe(
			'clear'
		);
		const nc = rightsVerdict([ingredientFromParent({ id: 'p', title: 'Old', level: 'non-commercial-only' })]);
		expect(nc.sentence).toBe(
			'Non-commercial use only, because the earlier work "Old" is for non-commercial use only.'
		);
		expect(ingredientFromParent({ id: 'p', title: 'Old' })).toMatchObject({
			status: 'unclear',
			reasons: ['the earlier work "Old" carries no rights record']
		});
		expect(
			ingredientFromParent({
				id: 'p',
				title: 'Old',
				level: 'publishable-commercial',
				incoming: { credential: 'invalid' }
			}).reasons
		).toEqual(['the Content Credentials of the earlier work "Old" did not validate']);
		expect(
			rightsVerdict([ingredientFromParent({ id: 'p', title: 'Old', level: 'person-without-consent' })]).level
		).toBe('person-without-consent');
	});
});

describe('incoming facts', () => {
	it('reads cawg.training-mining tolerantly, including the older c2pa.* keys', () => {
		expect(
			trainingMiningFromAssertion({
				entries: {
					'cawg.ai_training': { use: 'notAllowed' },
					'c2pa.data_mining': { use: 'constrained', constraint_info: 'ask' },
					'cawg.ai_inference': { use: 'allowed' },
					'cawg.unknown': { use: 'notAllowed' },
					'cawg.ai_generative_training': { use: 'maybe' }
				}
			})
		).toEqual({
			'cawg.ai_training': { use: 'notAllowed' },
			'cawg.data_mining': { use: 'constrained', constraintInfo: 'ask' },
			'cawg.ai_inference': { use: 'allowed' }
		});
		for (const garbage of [
			null,
			undefined,
			42,
			'x',
			[],
			{ entries: 7 },
			{ entries: { 'cawg.ai_training': null } }
		]) {
			expect(trainingMiningFromAssertion(garbage)).toEqual({});
		}
	});

	it('maps validation states', () => {
		expect(['Trusted', 'Valid', 'Invalid', undefined, null, 'weird'].map(credentialStateFrom)).toEqual([
			'trusted',
			'valid',
			'invalid',
			'none',
			'none',
			'none'
		]);
	});

	it('merges C2PA and XMP facts, keeping the most restrictive CAWG entry', () => {
		expect(
			mergeIncomingRights(
				{ credential: 'valid', trainingMining: { 'cawg.ai_training': { use: 'allowed' } } },
				{ dataMining: 'x', trainingMining: { 'cawg.ai_training': { use: 'notAllowed' } }, credential: 'none' }
			)
		).toEqual({
			credential: 'valid',
			dataMining: 'x',
			trainingMining: { 'cawg.ai_training': { use: 'notAllowed' } }
		});
		expect(mergeIncomingRights()).toEqual({});
	});

	it('ingredients and verdicts survive JSON', () => {
		const ingredients = ingredientsOf({
			content: { ...OWN_PHOTO, showsIdentifiablePerson: true, consentRecorded: true },
			styles: [style('monet-water-lilies'), upload({ incoming: CAWG_NOT_ALLOWED, confirmed: true })],
			model: CARTOON_WHITEBOX,
			parents: [{ id: 'p', title: 'Old', level: 'research-only' }]
		});
		const verdict = rightsVerdict(ingredients);
		expect(verdict.level).toBe('research-only');
		expect(JSON.parse(JSON.stringify({ ingredients, verdict }))).toEqual({ ingredients, verdict });
	});
});
