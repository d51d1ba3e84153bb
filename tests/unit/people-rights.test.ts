// People in the photo: the reasons the verdict gives from the face count and the model release, the
// "not checked" case, and how they reach XMP.
import { describe, expect, it } from 'vitest';
import {
	imagePeople,
	modelReleaseFrom,
	modelReleaseUri,
	peopleFinding,
	type PeopleRights,
	recordedFacesWords,
	releaseCovers,
	releaseWords
} from '../../src/lib/provenance/rights/people';
import { type ContentRights, ingredientsOf, rightsVerdict } from '../../src/lib/provenance/rights/rights';
import { buildXmpPacket, parseXmp } from '../../src/lib/provenance/xmp/xmp';
import { ingredientFromContent } from '../../src/lib/provenance/rights/rights';
import { readIngredientFacts } from '../../src/lib/provenance/c2pa/rakkan-assertions';

const DETECTOR = { id: 'face-blazeface', weightsSha256: 'a'.repeat(64) };
const found = (count: number, extra: Partial<PeopleRights> = {}): PeopleRights => ({
	faces: { checked: true, count, detector: DETECTOR },
	notARealPerson: false,
	...extra
});
const photo = (people: PeopleRights): ContentRights => ({
	origin: 'own-work',
	showsIdentifiablePerson: false,
	consentRecorded: false,
	people
});
const verdictOf = (people: PeopleRights) => rightsVerdict(ingredientsOf({ content: photo(people) }));

describe('people in the verdict', () => {
	it('says how many people are shown and that no release is recorded', () => {
		const verdict = verdictOf(found(2));
		expect(verdict.level).toBe('person-without-consent');
		expect(verdict.sentence).toBe('The photo shows 2 people; no model release recorded.');
		expect(verdictOf(found(1, { modelRelease: 'MR-NON' })).sentence).toBe(
			'The photo shows 1 person; no model release recorded.'
		);
	});

	it('is clear with a limited or unlimited release, or with no faces found', () => {
		for (const modelRelease of ['MR-LMR', 'MR-UMR'] as const) {
			const verdict = verdictOf(found(3, { modelRelease }));
			expect(verdict.level).toBe('publishable-commercial');
			expect(verdict.notes.join(' ')).toMatch(/consent is recorded/);
		}
		expect(verdictOf(found(0)).level).toBe('publishable-commercial');
	});

	it('takes "not applicable" only with the statement that it is not a real person', () => {
		expect(verdictOf(found(1, { modelRelease: 'MR-NAP', notARealPerson: true })).level).toBe(
			'publishable-commercial'
		);
		const without = verdictOf(found(1, { modelRelease: 'MR-NAP' }));
		expect(without.level).toBe('person-without-consent');
		expect(without.sentence).toMatch(/not applicable, but nobody stated/);
	});

	it('says faces were not checked when the detector did not run, never "no faces"', () => {
		const verdict = verdictOf({ faces: { checked: false, count: 0 }, notARealPerson: false });
		expect(verdict.level).toBe('rights-unclear');
		expect(verdict.reasons).toContain('faces in the photo were not checked');
		expect(verdict.sentence).not.toMatch(/no faces|no people/i);
		// A release the maker recorded covers the photo whatever the detector would have found.
		expect(
			verdictOf({ faces: { checked: false, count: 0 }, notARealPerson: false, modelRelease: 'MR-UMR' }).level
		).toBe('publishable-commercial');
	});

	it('takes the maker at their word when they say a person is shown that the detector missed', () => {
		const rights = { ...photo(found(0)), showsIdentifiablePerson: true };
		expect(rightsVerdict(ingredientsOf({ content: rights })).level).toBe('person-without-consent');
		const released = { ...photo(found(0, { modelRelease: 'MR-LMR' })), showsIdentifiablePerson: true };
		expect(rightsVerdict(ingredientsOf({ content: released })).level).toBe('publishable-commercial');
	});

	it('peopleFinding and releaseCovers agree', () => {
		expect(peopleFinding('the photo', found(2, { modelRelease: 'MR-LMR' }))).toBeNull();
		expect(releaseCovers({ modelRelease: 'MR-NAP', notARealPerson: false })).toBe(false);
		expect(releaseCovers({ modelRelease: undefined, notARealPerson: true })).toBe(false);
	});
});

describe('model release vocabulary', () => {
	it('uses the PLUS vocabulary URIs and reads codes or URIs back', () => {
		expect(modelReleaseUri('MR-NON')).toBe('http://ns.useplus.org/ldf/vocab/MR-NON');
		expect(modelReleaseFrom('http://ns.useplus.org/ldf/vocab/MR-UMR')).toBe('MR-UMR');
		expect(modelReleaseFrom(' mr-lmr ')).toBe('MR-LMR');
		expect(modelReleaseFrom('MR-YES')).toBeUndefined();
		expect(modelReleaseFrom(3)).toBeUndefined();
	});

	it('writes plus:ModelReleaseStatus and the number of people, and reads them back', () => {
		const packet = buildXmpPacket({ modelReleaseStatus: modelReleaseUri('MR-NON'), peopleShown: 2 });
		expect(packet).toContain(
			'<plus:ModelReleaseStatus>http://ns.useplus.org/ldf/vocab/MR-NON</plus:ModelReleaseStatus>'
		);
		expect(packet).not.toContain('PersonInImage');
		expect(parseXmp(packet)).toEqual({
			modelReleaseStatus: 'http://ns.useplus.org/ldf/vocab/MR-NON',
			peopleShown: 2
		});
	});
});

describe('people as per-picture facts', () => {
	it('names the imported image whose faces have no release, beside the photo that has one', () => {
		const verdict = rightsVerdict([
			ingredientFromContent({ ...photo(found(1, { modelRelease: 'MR-UMR' })), name: 'me.jpg' }),
			ingredientFromContent({ ...photo(found(2)), name: 'crowd.jpg' }, { role: 'import', id: 'b'.repeat(64) })
		]);
		expect(verdict.level).toBe('person-without-consent');
		expect(verdict.findings.map((f) => [f.ingredient, f.reason])).toEqual([
			['crowd.jpg', 'the imported image "crowd.jpg" shows 2 people; no model release recorded']
		]);
	});

	it('says the faces of an imported image were not checked when the detector did not run', () => {
		const ing = ingredientFromContent(
			{ ...photo({ faces: { checked: false, count: 0 }, notARealPerson: false }), name: 'scan.png' },
			{ role: 'import', id: 'c'.repeat(64) }
		);
		expect(rightsVerdict([ing]).reasons).toContain('faces in the imported image "scan.png" were not checked');
	});

	it('carries the people facts in the signed ingredient facts, and refuses malformed ones', () => {
		const declared = photo(found(2, { modelRelease: 'MR-LMR' }));
		const facts = { role: 'content', sha256: 'd'.repeat(64), bytes: 10, declared };
		expect(readIngredientFacts({ 'org.rakkan.ingredient': facts })).toMatchObject({ declared });
		const bad = { ...declared, people: { ...declared.people, faces: { checked: true, count: -1 } } };
		expect(readIngredientFacts({ 'org.rakkan.ingredient': { ...facts, declared: bad } })).toBeNull();
	});
});

describe('the people of an image made of several pictures (XMP)', () => {
	const none = (extra: Partial<PeopleRights> = {}) => found(0, extra);
	const unchecked: PeopleRights = { faces: { checked: false, count: 0 }, notARealPerson: false };

	it('says the weakest release among the pictures that show people, and counts them all', () => {
		expect(imagePeople([found(1, { modelRelease: 'MR-UMR' }), found(2, { modelRelease: 'MR-LMR' })])).toEqual(
			{
				modelRelease: 'MR-LMR',
				peopleShown: 3
			}
		);
		// An imported crowd with no release pulls the photo's unlimited release down to none.
		expect(imagePeople([found(1, { modelRelease: 'MR-UMR' }), found(2)])).toEqual({
			modelRelease: 'MR-NON',
			peopleShown: 3
		});
	});

	it("never lets a picture without people decide, nor one picture's release speak for unknown people", () => {
		// The studio's default "none" on a landscape says nothing about the person in the imported picture.
		expect(imagePeople([none({ modelRelease: 'MR-NON' }), found(1, { modelRelease: 'MR-UMR' })])).toEqual({
			modelRelease: 'MR-UMR',
			peopleShown: 1
		});
		// A picture whose faces were not checked may show people: with no release of its own, none.
		expect(imagePeople([unchecked, found(1, { modelRelease: 'MR-UMR' })])).toEqual({
			modelRelease: 'MR-NON',
			peopleShown: 1
		});
		// Nothing shows faces and nothing is released: nothing is said (no count is not "no people").
		expect(imagePeople([unchecked, none({ modelRelease: 'MR-NON' })])).toEqual({});
	});

	it('says "not applicable" only when no picture needs a release, and leaves statues out of the count', () => {
		const statue = found(1, { modelRelease: 'MR-NAP', notARealPerson: true });
		expect(imagePeople([statue, none()])).toEqual({ modelRelease: 'MR-NAP' });
		expect(imagePeople([statue, found(2, { modelRelease: 'MR-LMR' })])).toEqual({
			modelRelease: 'MR-LMR',
			peopleShown: 2
		});
		// "Not applicable" on faces nobody stated are not a real person covers nothing.
		expect(imagePeople([found(1, { modelRelease: 'MR-NAP' }), found(1, { modelRelease: 'MR-UMR' })])).toEqual(
			{
				modelRelease: 'MR-NON',
				peopleShown: 2
			}
		);
	});
});

describe('people facts in words (/verify, the gallery)', () => {
	it('says what was found and by which detector, or that faces were not checked, and the release', () => {
		expect(recordedFacesWords(found(2).faces)).toBe(
			'2 faces found by face-blazeface (weights sha256 aaaaaaaaaaaaaaaa…).'
		);
		expect(recordedFacesWords({ checked: true, count: 0 })).toBe('No faces found.');
		expect(recordedFacesWords({ checked: false, count: 0 })).toBe(
			'Faces were not checked (the detector could not run).'
		);
		expect(releaseWords('MR-LMR')).toBe('Limited or incomplete model releases (MR-LMR)');
		expect(releaseWords(undefined)).toBe('none recorded');
	});
});
