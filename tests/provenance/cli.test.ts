// `rakkan stylize --out x.png|x.jpg` writes Content Credentials and `rakkan verify` reads them, as a user
// runs them: real weights, real files, a local identity in a temporary folder. The reference validator
// (c2pa-wasm) and ExifTool check the files independently.
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalIdentity, derToPem, exportPkcs8Pem } from '../../src/lib/provenance/c2pa/certificates';
import { photoPath } from '../helpers/assets';
import { verifyImage } from '../../src/lib/provenance/c2pa/verify';
import { makeTempDir, removeDir } from '../helpers/images';
import { VERIFY_LIMITS } from '../../src/lib/provenance/c2pa/limits';
import { RECORD_LABEL } from '../../src/lib/provenance/c2pa/rakkan-assertions';
import { c2paFixturePath, c2paValidate, flipImageByte, formatOf, rakkan, type CliResult } from './helpers';
import { crossReferenced, hostileSigner } from './hostile-inputs';

const FAST = [
	'--model',
	'arbitrary-wyf',
	'--style',
	'rembrandt-night-watch',
	'--working-side',
	'128',
	'--max-side',
	'128'
];

let dir: string;
let env: Record<string, string>;
let chelsea: string;
const exiftool = new ExifTool({ maxProcs: 1, taskTimeoutMillis: 30_000 });
const outputs: Record<'png' | 'jpg' | 'webp', string> = { png: '', jpg: '', webp: '' };

function ok(result: CliResult): string {
	expect(result.stderr, 'stderr').toBe('');
	expect(result.code).toBe(0);
	return result.stdout;
}

async function stylize(out: string, extra: string[] = [], content = chelsea): Promise<CliResult> {
	return rakkan(['stylize', '--content', content, ...FAST, '--out', out, ...extra], env);
}

beforeAll(async () => {
	dir = await makeTempDir('rakkan-provenance-');
	env = { RAKKAN_IDENTITY_DIR: path.join(dir, 'identity') };
	chelsea = await photoPath('chelsea');
	for (const ext of ['png', 'jpg', 'webp'] as const) {
		outputs[ext] = path.join(dir, `painting.${ext}`);
		const line = ok(await stylize(outputs[ext], ['--creator', 'Jane Doe']));
		expect(line).toMatch(
			/Content Credentials signed by Jane Doe \((new )?local identity; trust root .*root\.pem\)\n$/
		);
	}
});

afterAll(async () => {
	await exiftool.end();
	await removeDir(dir);
});

describe('rakkan stylize with Content Credentials', () => {
	it('keeps the local identity outside the repository, the key readable by its owner only', async () => {
		const key = await stat(path.join(dir, 'identity', 'signing-key.pem'));
		expect(key.mode & 0o777).toBe(0o600);
		expect(await readFile(path.join(dir, 'identity', 'root.pem'), 'utf8')).toMatch(
			/^-----BEGIN CERTIFICATE-----/
		);
	});

	for (const ext of ['png', 'jpg', 'webp'] as const) {
		it(`${ext}: c2pa-rs says Valid with exactly one failure, signingCredential.untrusted`, async () => {
			const bytes = new Uint8Array(await readFile(outputs[ext]));
			const verdict = await c2paValidate(bytes, formatOf(outputs[ext]));
			expect(verdict.state).toBe('Valid');
			expect(verdict.codes).toEqual(['signingCredential.untrusted']);
		});

		it(`${ext}: records the ISCC code of its own pixels as its soft binding, as rakkan fingerprint prints it`, async () => {
			const printed = ok(await rakkan(['fingerprint', outputs[ext]])).trim();
			expect(printed).toMatch(/^ISCC:EEA[Q-Z2-7][A-Z2-7]{12}$/);
			const verdict = await verifyImage(new Uint8Array(await readFile(outputs[ext])));
			expect(verdict.softBindings).toEqual([{ alg: 'io.iscc.v0', value: printed }]);
		});

		it(`${ext}: the record reads back the same in c2pa-rs and in our reader, by the same rules as the studio`, async () => {
			const bytes = new Uint8Array(await readFile(outputs[ext]));
			const c2pa = await c2paValidate(bytes, formatOf(outputs[ext]));
			const manifest = c2pa.report!.manifests[c2pa.report!.active_manifest!]!;
			const written = manifest.assertions?.find((a) => a.label === RECORD_LABEL)?.data;
			const ours = await verifyImage(bytes);
			expect(ours.record).toEqual({ ok: true, data: written });
			expect(written).toMatchObject({
				sourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia',
				layers: [{ kind: 'stylized' }],
				sources: [{ kind: 'photo', title: path.basename(chelsea) }],
				stylizations: [
					{
						model: { id: 'arbitrary-wyf', license: 'MIT' },
						styles: [{ id: 'rembrandt-night-watch', weight: 1 }],
						region: null,
						mask: null
					}
				],
				// Nothing is declared on the command line, and the verdict says so.
				verdict: { level: 'rights-unclear', reasons: [{ reason: "the photo's origin is unknown" }] }
			});
		});

		it(`${ext}: c2pa-rs says Trusted with the generated root as trust anchor`, async () => {
			const root = await readFile(path.join(dir, 'identity', 'root.pem'), 'utf8');
			const bytes = new Uint8Array(await readFile(outputs[ext]));
			const verdict = await c2paValidate(bytes, formatOf(outputs[ext]), root);
			expect(verdict.state).toBe('Trusted');
		});

		it(`${ext}: ExifTool reads the XMP written before signing`, async () => {
			const tags = (await exiftool.readRaw(outputs[ext], ['-XMP:all', '-n'])) as Record<string, unknown>;
			expect(tags).toMatchObject({
				// The output is one stylization covering the photo: made by a trained model, as the studio says.
				DigitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia',
				AISystemUsed: 'Arbitrary style transfer (whatsyourface)',
				AISystemVersionUsed: expect.stringMatching(/^Rakkan \d+\.\d+\.\d+/),
				Creator: 'Jane Doe',
				Rights: expect.stringMatching(/^© \d{4} Jane Doe$/),
				Marked: true,
				LicensorName: 'Jane Doe',
				DataMining: 'DMI-PROHIBITED-AIMLTRAINING'
			});
		});

		it(`${ext}: rakkan verify says valid (unknown signer), and trusted with --trust`, async () => {
			const words = await rakkan(['verify', outputs[ext]]);
			expect(words.code).toBe(0);
			expect(words.stdout).toMatch(
				/Content Credentials valid, signed by Jane Doe, but the signer is not on your trust list/
			);
			expect(words.stdout).toMatch(/c2pa\.created \(made by a trained AI model\)/);
			expect(words.stdout).toMatch(/inputTo "The Night Watch"/);
			const json = await rakkan([
				'verify',
				'--json',
				'--trust',
				path.join(dir, 'identity', 'root.pem'),
				outputs[ext]
			]);
			expect(json.code).toBe(0);
			const result = JSON.parse(json.stdout) as { state: string; recipe: { workingSide: number } };
			expect(result.state).toBe('trusted');
			expect(result.recipe.workingSide).toBe(128);
		});

		it(`${ext}: one flipped byte of image data is tampering, for c2pa-rs and for rakkan verify`, async () => {
			const bytes = flipImageByte(new Uint8Array(await readFile(outputs[ext])));
			const changed = path.join(dir, `tampered.${ext}`);
			await writeFile(changed, bytes);
			const verdict = await c2paValidate(bytes, formatOf(changed));
			expect(verdict.state).toBe('Invalid');
			expect(verdict.codes).toContain('assertion.dataHash.mismatch');
			const result = await rakkan(['verify', '--json', changed]);
			expect(result.code).not.toBe(0);
			expect((JSON.parse(result.stdout) as { state: string }).state).toBe('tampered');
			const words = await rakkan(['verify', changed]);
			expect(words.code).toBe(4);
			expect(words.stdout).toMatch(/^[^\n]*: Tampered: /);
		});
	}

	it('remix: stylizing a signed painting keeps its manifest as the parentOf ingredient', async () => {
		const remix = path.join(dir, 'remix.jpg');
		ok(await stylize(remix, [], outputs.png));
		const bytes = new Uint8Array(await readFile(remix));
		const verdict = await c2paValidate(bytes, 'image/jpeg');
		expect(verdict.state).toBe('Valid');
		expect(verdict.codes).toEqual(['signingCredential.untrusted']);
		const report = verdict.report!;
		const parents = (report.manifests[report.active_manifest!]!.ingredients ?? []).filter(
			(i) => i.relationship === 'parentOf'
		);
		expect(parents).toHaveLength(1);
		expect(parents[0]!.active_manifest).toBeTruthy();
		expect(report.manifests[parents[0]!.active_manifest!]?.title).toBe('painting.png');
		const json = JSON.parse((await rakkan(['verify', '--json', remix])).stdout) as {
			ingredients: { relationship: string; manifest?: { title: string } }[];
		};
		expect(json.ingredients.find((i) => i.relationship === 'parentOf')?.manifest?.title).toBe('painting.png');
	});

	it('signs with --key and --cert, and refuses a key that does not match the certificate', async () => {
		const mine = await createLocalIdentity('Studio Key', { extractable: true });
		const other = await createLocalIdentity('Someone Else', { extractable: true });
		const key = path.join(dir, 'key.pem');
		const cert = path.join(dir, 'chain.pem');
		const otherKey = path.join(dir, 'other-key.pem');
		await writeFile(key, await exportPkcs8Pem(mine.privateKey));
		await writeFile(cert, derToPem(mine.leaf) + derToPem(mine.root));
		await writeFile(otherKey, await exportPkcs8Pem(other.privateKey));
		const out = path.join(dir, 'own-key.png');
		const line = ok(await stylize(out, ['--key', key, '--cert', cert]));
		expect(line).toMatch(/Content Credentials signed by Studio Key\n$/);
		const verdict = await c2paValidate(new Uint8Array(await readFile(out)), 'image/png', derToPem(mine.root));
		expect(verdict.state).toBe('Trusted');

		const refused = await stylize(path.join(dir, 'refused.png'), ['--key', otherKey, '--cert', cert]);
		expect(refused.code).not.toBe(0);
		expect(refused.stderr).toMatch(
			/^rakkan stylize: The private key does not belong to the first certificate of the chain\n$/
		);
		const half = await stylize(path.join(dir, 'half.png'), ['--key', key]);
		expect(half.stderr).toMatch(/--key and --cert go together/);
	});

	it('--allow-training records allowed training and mining', async () => {
		const out = path.join(dir, 'open.jpg');
		ok(await stylize(out, ['--allow-training']));
		const tags = (await exiftool.readRaw(out, ['-XMP:all', '-n'])) as Record<string, unknown>;
		expect(tags.DataMining).toBe('DMI-ALLOWED');
		const json = JSON.parse((await rakkan(['verify', '--json', out])).stdout) as {
			trainingMining: Record<string, { use: string }>;
		};
		expect(Object.values(json.trainingMining).every((e) => e.use === 'allowed')).toBe(true);
	});
});

describe('rakkan stylize and the people in the photo', () => {
	it('warns once when the photo shows a person and no release is given, and records "no model release"', async () => {
		const out = path.join(dir, 'astronaut.png');
		const result = await stylize(out, [], await photoPath('astronaut'));
		expect(result.code).toBe(0);
		expect(result.stderr).toBe(
			'Warning: the photo shows 1 person; no model release recorded (give --consent MR-LMR or MR-UMR if you have one).\n'
		);
		const tags = (await exiftool.readRaw(out, ['-XMP:all'])) as Record<string, unknown>;
		// ExifTool knows the PLUS vocabulary and says it in words; the count is Rakkan's own property.
		expect(tags.ModelReleaseStatus).toBe('None');
		expect(tags.PeopleShown).toBe(1);
		expect(tags).not.toHaveProperty('PersonInImage');
		const json = JSON.stringify(JSON.parse((await rakkan(['verify', '--json', out])).stdout));
		expect(json).toContain('"modelRelease":"MR-NON"');
		expect(json).toContain('"id":"face-blazeface"');
		expect(json).toContain('dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72');
		expect(json).toContain('"plus:ModelReleaseStatus":"http://ns.useplus.org/ldf/vocab/MR-NON"');
	});

	it('records the release given with --consent, without a warning', async () => {
		const out = path.join(dir, 'astronaut-released.jpg');
		ok(await stylize(out, ['--consent', 'MR-UMR'], await photoPath('astronaut')));
		const tags = (await exiftool.readRaw(out, ['-XMP:all', '-n'])) as Record<string, unknown>;
		expect(tags.ModelReleaseStatus).toBe('MR-UMR');
		expect(tags.PeopleShown).toBe(1);
	});

	it('writes no people facts for a cat, and refuses an unknown --consent', async () => {
		const tags = (await exiftool.readRaw(outputs.png, ['-XMP:all'])) as Record<string, unknown>;
		expect(tags).not.toHaveProperty('ModelReleaseStatus');
		expect(tags).not.toHaveProperty('PeopleShown');
		const refused = await stylize(path.join(dir, 'nope.png'), ['--consent', 'yes']);
		expect(refused.code).not.toBe(0);
		expect(refused.stderr).toMatch(/--consent must be one of MR-NON, MR-NAP, MR-LMR, MR-UMR, got "yes"/);
	});
});

describe('rakkan verify on other files', () => {
	it('says there are no Content Credentials, and exits 3', async () => {
		const result = await rakkan(['verify', await c2paFixturePath('no_manifest')]);
		expect(result.code).toBe(3);
		expect(result.stdout).toMatch(/No Content Credentials/);
	});

	it('reads a third-party manifest in words', async () => {
		const result = await rakkan(['verify', await c2paFixturePath('CA')]);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(
			/signed by C2PA Signer on \d{4}-\d\d-\d\d, but the signer is not on your trust list/
		);
		expect(result.stdout).toMatch(/parentOf "A\.jpg"/);
	});

	it('says credentials too complex to check were not fully checked, and exits 6', async () => {
		const { signer } = await hostileSigner();
		const file = path.join(dir, 'deep.png');
		await writeFile(file, await crossReferenced(VERIFY_LIMITS.nesting + 1, 2, signer));
		const result = await rakkan(['verify', file]);
		expect(result.code).toBe(6);
		expect(result.stdout).toContain(
			`Content Credentials not fully checked: the credentials are too complex to check: ${VERIFY_LIMITS.nesting + 1} nested manifests, limit ${VERIFY_LIMITS.nesting}.`
		);
		expect(result.stdout).toMatch(/rakkan\.limit\.nesting/);
		const json = await rakkan(['verify', file, '--json']);
		expect(json.code).toBe(6);
		expect((JSON.parse(json.stdout) as { state: string }).state).toBe('unchecked');
	});

	it('prints one line and exits 1 for a missing file', async () => {
		const result = await rakkan(['verify', path.join(dir, 'missing.png')]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^rakkan verify: .*missing\.png: no such file\n$/);
	});
});
