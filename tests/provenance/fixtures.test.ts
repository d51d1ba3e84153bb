// Third-party Content Credentials (the fixtures of c2pa-rs and c2pa-ts): Rakkan's verifier must reach the
// same verdict as the reference validator on every one, and read what they say.
import { describe, expect, it } from 'vitest';
import { verifyImage } from '../../src/lib/provenance/c2pa/verify';
import {
	C2PA_FIXTURE_IDS,
	c2paFixtureBytes,
	c2paFixturePath,
	c2paValidate,
	expectedState,
	formatOf,
	type C2paFixtureId
} from './helpers';

/** What ../shared/ASSETS.md records for each fixture, as Rakkan's states. */
const DOCUMENTED: Record<C2paFixtureId, string> = {
	CA: 'untrusted',
	C: 'untrusted',
	C_with_CAWG_data: 'untrusted',
	XCA: 'tampered',
	'amazon-titan-g1': 'untrusted',
	'trustnxt-icon-signed-timestamp': 'untrusted',
	no_manifest: 'none',
	'libpng-test': 'none'
};

describe('verifyImage on third-party fixtures', () => {
	for (const id of C2PA_FIXTURE_IDS) {
		it(`agrees with c2pa-wasm on ${id}`, async () => {
			const file = await c2paFixturePath(id);
			const bytes = await c2paFixtureBytes(id);
			const reference = await c2paValidate(bytes, formatOf(file));
			const ours = await verifyImage(bytes);
			expect(ours.state, `${id}: ${ours.summary}`).toBe(expectedState(reference));
			expect(ours.state).toBe(DOCUMENTED[id]);
			if (reference.state === 'Valid' || reference.state === 'Invalid') {
				// The failures that decide the state are the same codes (c2pa-rs also checks CAWG identities,
				// which Rakkan does not).
				const decisive = (codes: string[]) =>
					codes.filter((c) => !c.startsWith('cawg.') && c !== 'signingCredential.untrusted').sort();
				expect(decisive(ours.failures.map((f) => f.code))).toEqual(decisive(reference.codes));
				expect(ours.activeManifest).toBe(reference.report?.active_manifest);
				expect(ours.signer?.name).toBeTruthy();
				expect(ours.claimGenerator).toBeTruthy();
			}
		});
	}

	it('reads the parent ingredient, actions and time-stamp of CA.jpg (PS256, v1 claim)', async () => {
		const result = await verifyImage(await c2paFixtureBytes('CA'));
		expect(result.signer?.alg).toBe('PS256');
		expect(result.signedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(result.actions.map((a) => a.action)).toEqual(['c2pa.opened', 'c2pa.color_adjustments']);
		expect(result.ingredients).toHaveLength(1);
		expect(result.ingredients[0]).toMatchObject({ title: 'A.jpg', relationship: 'parentOf' });
	});

	it('reads CAWG training-and-mining entries (C_with_CAWG_data.jpg)', async () => {
		const result = await verifyImage(await c2paFixtureBytes('C_with_CAWG_data'));
		expect(result.trainingMining).toEqual({
			'cawg.ai_inference': { use: 'notAllowed' },
			'cawg.ai_generative_training': { use: 'notAllowed' }
		});
		expect(result.actions[0]?.digitalSourceType).toBe(
			'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture'
		);
	});

	it('reads an AI-generated PNG signed with ES384 (amazon-titan-g1.png)', async () => {
		const result = await verifyImage(await c2paFixtureBytes('amazon-titan-g1'));
		expect(result.container).toBe('png');
		expect(result.signer?.alg).toBe('ES384');
		expect(result.actions[0]).toMatchObject({
			action: 'c2pa.created',
			digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia'
		});
	});

	it('says why XCA.jpg is tampered', async () => {
		const result = await verifyImage(await c2paFixtureBytes('XCA'));
		expect(result.failures.map((f) => f.code)).toContain('assertion.dataHash.mismatch');
		expect(result.summary).toMatch(/^Tampered: /);
	});
});
