// `rakkan stylize` over many photos: a folder and single files in, `<name>-rakkan.<ext>` out, one bad
// file reported and skipped without ending the batch, a summary line, plain progress lines when stderr
// is not a terminal, and a second run that keeps the finished outputs (they verify) and repaints a
// damaged one.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import { verifyImage } from '../../src/lib/provenance/c2pa/verify';
import { CLI, photoPath } from '../helpers/assets';
import { makeTempDir, removeDir } from '../helpers/images';

let dir: string;

function rakkan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			[CLI, ...args],
			{ cwd: PROJECT_ROOT, timeout: 100_000, maxBuffer: 1 << 20 },
			(error, stdout, stderr) => {
				if (error && typeof error.code !== 'number') reject(error);
				else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
			}
		);
	});
}

beforeAll(async () => {
	dir = await makeTempDir('rakkan-batch-');
	await mkdir(path.join(dir, 'photos'));
	await mkdir(path.join(dir, 'out'));
	for (const id of ['coffee', 'chelsea'] as const) {
		await sharp(await photoPath(id))
			.resize(96)
			.toFile(path.join(dir, 'photos', `${id}.${id === 'coffee' ? 'png' : 'jpg'}`));
	}
	// Named like an image, but not one: the batch must report it and go on.
	await writeFile(path.join(dir, 'photos', 'broken.png'), 'not a picture');
	await writeFile(path.join(dir, 'photos', 'notes.txt'), 'not an image name, not an input');
	await sharp(await photoPath('rocket'))
		.resize(80)
		.toFile(path.join(dir, 'rocket.webp'));
});

afterAll(async () => {
	await removeDir(dir);
});

const batchArgs = () => [
	'stylize',
	...['--content', path.join(dir, 'photos'), '--content', path.join(dir, 'rocket.webp')],
	...['--model', 'manga-ink', '--working-side', '96', '--out-dir', path.join(dir, 'out'), '--format', 'webp']
];

describe('rakkan stylize --out-dir (batch)', () => {
	it('paints every photo of a folder and the single files, reports the bad one and goes on', async () => {
		const { code, stdout, stderr } = await rakkan(batchArgs());
		expect(code).toBe(1); // one file failed
		expect(stdout).toMatch(/Batch: 4 files, 3 painted, 0 already done, 1 failed; \d+\.\d\d MP in [\d.]+ s/);
		expect(stderr).toMatch(/broken\.png FAILED: /);
		expect(stderr).toMatch(/^failed: .*broken\.png: /m);
		// Not a terminal: plain lines, one per file, no bar.
		expect(stderr).not.toContain('\r');
		expect(stderr.match(/^\[\d\/4\] /gm)).toHaveLength(4);
		expect((await readdir(path.join(dir, 'out'))).sort()).toEqual([
			'chelsea-rakkan.webp',
			'coffee-rakkan.webp',
			'rocket-rakkan.webp'
		]);
		const coffee = await readFile(path.join(dir, 'out', 'coffee-rakkan.webp'));
		expect(await sharp(coffee).metadata()).toMatchObject({ format: 'webp', width: 96 });
		expect((await verifyImage(new Uint8Array(coffee))).state).toBe('untrusted');
	});

	it('resumes: keeps the outputs that verify and repaints a damaged one', async () => {
		await truncate(path.join(dir, 'out', 'chelsea-rakkan.webp'), 200);
		const { stdout, stderr } = await rakkan(batchArgs());
		expect(stdout).toMatch(/Batch: 4 files, 1 painted, 2 already done, 1 failed/);
		expect(stderr).toMatch(/coffee\.png skipped: .* already there and its credentials verify/);
		const chelsea = await readFile(path.join(dir, 'out', 'chelsea-rakkan.webp'));
		expect((await verifyImage(new Uint8Array(chelsea))).state).toBe('untrusted');
	});

	it('needs --out-dir for several inputs and refuses an unknown --format', async () => {
		const photo = path.join(dir, 'rocket.webp');
		const several = await rakkan([
			'stylize',
			'--content',
			photo,
			'--content',
			photo,
			'--model',
			'manga-ink',
			'--out',
			'x.png'
		]);
		expect(several.code).toBe(1);
		expect(several.stderr).toMatch(/--out names one output: with several inputs give --out-dir/);
		const format = await rakkan([
			'stylize',
			'--content',
			photo,
			'--model',
			'manga-ink',
			'--out-dir',
			dir,
			'--format',
			'gif'
		]);
		expect(format.stderr).toMatch(/--format must be png, jpg or webp, got "gif"/);
	});
});
