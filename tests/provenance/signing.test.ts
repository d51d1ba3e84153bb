// Signing and embedding, checked by the reference validator (c2pa-rs as c2pa-wasm) and by Rakkan's own
// verifier: valid with an unknown signer, trusted with the local root, tampering found, the remix chain kept.
import { beforeAll, describe, expect, it } from 'vitest';
import { readJpegXmp, parseJpeg, readJpegManifest } from '../../src/lib/provenance/c2pa/jpeg';
import {
	DIGITAL_SOURCE_TYPES,
	signImage,
	signJpeg,
	signPng,
	signWebp,
	trainingMiningFor
} from '../../src/lib/provenance/c2pa/manifest';
import { readXmp } from '../../src/lib/provenance/c2pa/container';
import { parsePng } from '../../src/lib/provenance/c2pa/png';
import { riffChunks } from '../../src/lib/provenance/c2pa/webp';
import { verifyImage } from '../../src/lib/provenance/c2pa/verify';
import { isccBinding } from '../../src/lib/provenance/c2pa/soft-binding';
import { imageCode } from '../../src/lib/kernels/iscc';
import { decodeImage } from '../../src/lib/node/image-io';
import {
	c2paFixtureBytes,
	c2paValidate,
	flipImageByte,
	sampleInput,
	smallJpeg,
	smallPng,
	smallWebps,
	testIdentity,
	type C2paManifest,
	type TestIdentity
} from './helpers';

let id: TestIdentity;
let png: Uint8Array;
let jpeg: Uint8Array;
let webp: { lossy: Uint8Array; lossless: Uint8Array; alpha: Uint8Array };

beforeAll(async () => {
	id = await testIdentity();
	png = await smallPng();
	jpeg = await smallJpeg();
	webp = await smallWebps();
});

function activeManifest(verdict: Awaited<ReturnType<typeof c2paValidate>>): C2paManifest {
	const report = verdict.report!;
	return report.manifests[report.active_manifest!]!;
}

function assertionData(manifest: C2paManifest, label: string): unknown {
	return manifest.assertions?.find((a) => a.label === label)?.data;
}

describe.each([
	['PNG', 'image/png', () => png, signPng],
	['JPEG', 'image/jpeg', () => jpeg, signJpeg],
	['lossy WebP', 'image/webp', () => webp.lossy, signWebp],
	['lossless WebP', 'image/webp', () => webp.lossless, signWebp],
	['extended WebP with alpha', 'image/webp', () => webp.alpha, signWebp]
] as const)('%s export', (_name, format, source, sign) => {
	let signed: Uint8Array;
	let code: string;

	beforeAll(async () => {
		code = imageCode(await decodeImage(source()));
		signed = await sign(source(), sampleInput(png, { softBinding: isccBinding(code) }), id.signer);
	});

	it('records the ISCC code of its pixels as a soft binding, and claims no watermark', async () => {
		const manifest = activeManifest(await c2paValidate(signed, format));
		expect(assertionData(manifest, 'c2pa.soft-binding')).toEqual({
			alg: 'io.iscc.v0',
			blocks: [{ scope: {}, value: code }]
		});
		const actions = (assertionData(manifest, 'c2pa.actions.v2') as { actions: { action: string }[] }).actions;
		expect(actions.map((a) => a.action)).not.toContain('c2pa.watermarked');
		expect((await verifyImage(signed)).softBindings).toEqual([{ alg: 'io.iscc.v0', value: code }]);
		// The code is of the signed file's pixels: signing adds metadata only.
		expect(imageCode(await decodeImage(signed))).toBe(code);
	});

	it('is Valid for c2pa-rs with exactly one failure: an unknown signer', async () => {
		const verdict = await c2paValidate(signed, format);
		expect(verdict.state).toBe('Valid');
		expect(verdict.codes).toEqual(['signingCredential.untrusted']);
	});

	it('is Trusted for c2pa-rs when the local root is its trust anchor', async () => {
		const verdict = await c2paValidate(signed, format, id.rootPem);
		expect(verdict.state).toBe('Trusted');
		expect(verdict.codes).toEqual([]);
	});

	it('is untrusted for Rakkan without the root and trusted with it', async () => {
		const plain = await verifyImage(signed);
		expect(plain.state).toBe('untrusted');
		expect(plain.failures.map((f) => f.code)).toEqual(['signingCredential.untrusted']);
		expect(plain.signer?.name).toBe('Test Painter');
		const trusted = await verifyImage(signed, { trustAnchors: [id.rootPem] });
		expect(trusted.state).toBe('trusted');
		expect(trusted.failures).toEqual([]);
	});

	it('records the painting: actions, ingredients, training and mining, metadata, recipe', async () => {
		const manifest = activeManifest(await c2paValidate(signed, format));
		const actions = (assertionData(manifest, 'c2pa.actions.v2') as { actions: Record<string, unknown>[] })
			.actions;
		expect(actions.map((a) => a.action)).toEqual(['c2pa.created', 'c2pa.color_adjustments']);
		expect(actions[0]).toMatchObject({
			digitalSourceType: DIGITAL_SOURCE_TYPES.compositeWithTrainedAlgorithmicMedia,
			softwareAgent: { name: 'Rakkan', version: '0.1.0' }
		});
		const ingredients = manifest.ingredients ?? [];
		expect(ingredients.map((i) => [i.title, i.relationship])).toEqual([
			['photo.png', 'componentOf'],
			['The Night Watch', 'inputTo'],
			['The Starry Night', 'inputTo'],
			['Arbitrary style transfer (whatsyourface)', 'inputTo']
		]);
		expect(ingredients[1]?.description).toMatch(/70% of the style blend.*public-domain/);
		expect(ingredients[3]?.description).toMatch(/MIT.*sha256 a{64}/);
		expect(assertionData(manifest, 'cawg.training-mining')).toEqual({
			entries: {
				'cawg.ai_training': { use: 'notAllowed' },
				'cawg.ai_generative_training': { use: 'notAllowed' },
				'cawg.data_mining': { use: 'notAllowed' },
				'cawg.ai_inference': { use: 'allowed' }
			}
		});
		expect(assertionData(manifest, 'cawg.metadata')).toMatchObject({
			'dc:creator': ['Test Painter'],
			'dc:rights': '© 2026 Test Painter',
			'plus:DataMining': 'http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING'
		});
		expect(assertionData(manifest, 'org.rakkan.recipe')).toMatchObject({
			strength: 0.8,
			preserveColors: true,
			workingSide: 128,
			styleSide: 256,
			backend: 'wasm',
			styles: [
				{ id: 'rembrandt-night-watch', weight: 0.7 },
				{ id: 'van-gogh-starry-night', weight: 0.3 }
			]
		});
	});

	it('carries XMP written before signing, with the claim instanceID', async () => {
		const xmp = readXmp(signed);
		expect(xmp).toContain(DIGITAL_SOURCE_TYPES.compositeWithTrainedAlgorithmicMedia);
		const ours = await verifyImage(signed);
		expect(xmp).toContain(`<xmpMM:InstanceID>${ours.instanceId}</xmpMM:InstanceID>`);
	});

	it('is tampered when one byte of the image data changes', async () => {
		const changed = flipImageByte(signed);
		const verdict = await c2paValidate(changed, format);
		expect(verdict.state).toBe('Invalid');
		expect(verdict.codes).toContain('assertion.dataHash.mismatch');
		const ours = await verifyImage(changed);
		expect(ours.state).toBe('tampered');
	});

	it('replaces an earlier manifest and XMP instead of adding a second', async () => {
		const again = await sign(signed, sampleInput(png), id.signer);
		expect((await c2paValidate(again, format)).codes).toEqual(['signingCredential.untrusted']);
		const text = new TextDecoder('latin1').decode(again);
		expect(text.split('http://ns.adobe.com/xap/1.0/\0').length - 1).toBe(format === 'image/jpeg' ? 1 : 0);
		expect(text.split('<x:xmpmeta').length - 1).toBe(1);
		const stores =
			format === 'image/png'
				? parsePng(again).filter((c) => c.type === 'caBX').length
				: format === 'image/webp'
					? riffChunks(again).filter((c) => c.fourcc === 'C2PA').length
					: 1;
		expect(stores).toBe(1);
	});
});

describe('WebP chunk padding', () => {
	it('validates whether the manifest store has an odd or an even length', async () => {
		const parities = new Set<number>();
		for (const title of ['painting.webp', 'painting2.webp']) {
			const signed = await signWebp(webp.lossy, sampleInput(png, { title }), id.signer);
			parities.add(riffChunks(signed).find((c) => c.fourcc === 'C2PA')!.data.length % 2);
			expect((await c2paValidate(signed, 'image/webp')).codes).toEqual(['signingCredential.untrusted']);
			expect((await verifyImage(signed)).state).toBe('untrusted');
		}
		expect([...parities].sort()).toEqual([0, 1]);
	});
});

describe('choices the input makes', () => {
	it('says trainedAlgorithmicMedia when no photo was used', async () => {
		const signed = await signPng(png, sampleInput(undefined), id.signer);
		const result = await verifyImage(signed);
		expect(result.state).toBe('untrusted');
		expect(result.actions[0]?.digitalSourceType).toBe(DIGITAL_SOURCE_TYPES.trainedAlgorithmicMedia);
		expect(readXmp(signed)).toContain(DIGITAL_SOURCE_TYPES.trainedAlgorithmicMedia);
	});

	it('allows training and mining when asked to', async () => {
		const signed = await signJpeg(
			jpeg,
			sampleInput(png, { trainingMining: trainingMiningFor(true) }),
			id.signer
		);
		const result = await verifyImage(signed);
		expect(Object.values(result.trainingMining ?? {}).map((e) => e.use)).toEqual([
			'allowed',
			'allowed',
			'allowed',
			'allowed'
		]);
		expect(readJpegXmp(signed)).toContain('http://ns.useplus.org/ldf/vocab/DMI-ALLOWED');
	});

	it('signs with a key that cannot be exported', async () => {
		expect(id.identity.privateKey.extractable).toBe(false);
		const signed = await signImage(jpeg, sampleInput(png), id.signer);
		expect((await verifyImage(signed)).state).toBe('untrusted');
	});

	it('keeps an XMP packet that was already there as one packet', async () => {
		const withXmp = await c2paFixtureBytes('no_manifest');
		const signed = await signJpeg(withXmp, sampleInput(png), id.signer);
		const xmpSegments = parseJpeg(signed).segments.filter(
			(s) =>
				s.marker === 0xe1 &&
				new TextDecoder('latin1').decode(s.payload.subarray(0, 28)) === 'http://ns.adobe.com/xap/1.0/'
		);
		expect(xmpSegments).toHaveLength(1);
		expect((await c2paValidate(signed, 'image/jpeg')).codes).toEqual(['signingCredential.untrusted']);
	});
});

describe('remix: a photo that carries its own manifest', () => {
	it('keeps a Rakkan parent as the parentOf ingredient with its manifest embedded', async () => {
		const parent = await signPng(png, sampleInput(png, { title: 'first.png' }), id.signer);
		const parentLabel = (await verifyImage(parent)).activeManifest!;
		const remix = await signPng(png, sampleInput(parent, { title: 'second.png' }), id.signer);
		const verdict = await c2paValidate(remix, 'image/png');
		expect(verdict.state).toBe('Valid');
		expect(verdict.codes).toEqual(['signingCredential.untrusted']);
		const manifest = activeManifest(verdict);
		const parents = (manifest.ingredients ?? []).filter((i) => i.relationship === 'parentOf');
		expect(parents).toHaveLength(1);
		expect(parents[0]?.active_manifest).toBe(parentLabel);
		expect(Object.keys(verdict.report!.manifests)).toContain(parentLabel);
		const actions = (assertionData(manifest, 'c2pa.actions.v2') as { actions: { action: string }[] }).actions;
		expect(actions.map((a) => a.action)).toEqual(['c2pa.opened', 'c2pa.edited', 'c2pa.color_adjustments']);

		const ours = await verifyImage(remix);
		expect(ours.state).toBe('untrusted');
		const node = ours.ingredients.find((i) => i.relationship === 'parentOf');
		expect(node?.manifest).toMatchObject({ label: parentLabel, title: 'first.png', state: 'untrusted' });
	});

	it('records that a parent was tampered with when it was used, and still validates', async () => {
		const remix = await signPng(png, sampleInput(await c2paFixtureBytes('XCA')), id.signer);
		expect((await c2paValidate(remix, 'image/png')).codes).toEqual(['signingCredential.untrusted']);
		const parent = (await verifyImage(remix)).ingredients.find((i) => i.relationship === 'parentOf');
		expect(parent?.recordedFailures?.map((f) => f.code)).toContain('assertion.dataHash.mismatch');
	});

	it('keeps a third-party chain (CA.jpg, PS256, with its own ingredient) across APP11 segments', async () => {
		const parent = await c2paFixtureBytes('CA');
		const remix = await signJpeg(jpeg, sampleInput(parent), id.signer);
		expect(readJpegManifest(remix)!.segments.length).toBeGreaterThan(1);
		const verdict = await c2paValidate(remix, 'image/jpeg');
		expect(verdict.state).toBe('Valid');
		expect(verdict.codes).toEqual(['signingCredential.untrusted']);
		const ours = await verifyImage(remix);
		const node = ours.ingredients.find((i) => i.relationship === 'parentOf');
		expect(node?.manifest?.ingredients[0]).toMatchObject({ title: 'A.jpg', relationship: 'parentOf' });
	});
});
