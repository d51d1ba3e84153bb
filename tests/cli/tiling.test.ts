// Tiles through the CLI: the same picture whatever the number of painter threads.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { psnr } from '../../src/lib/kernels/tiling';
import { CLI, photoPath } from '../helpers/assets';
import { makeTempDir, removeDir } from '../helpers/images';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
	dir = await makeTempDir('rakkan-tiles-');
});

afterAll(async () => {
	await removeDir(dir);
});

describe('rakkan stylize --tile', () => {
	it('paints the same picture on one thread and on two, and says how it tiled', async () => {
		const photo = await photoPath('astronaut');
		const paint = async (threads: number) => {
			const out = path.join(dir, `threads-${threads}.png`);
			const args = [
				'stylize',
				'--content',
				photo,
				'--style',
				'rembrandt-night-watch',
				'--working-side',
				'384'
			];
			const { stdout } = await run(process.execPath, [
				CLI,
				...args,
				'--tile',
				'128',
				'--threads',
				String(threads),
				'--out',
				out
			]);
			// The files differ (each carries its own signed credentials); the painted pixels barely do.
			return { stdout, pixels: await sharp(out).ensureAlpha().raw().toBuffer() };
		};
		const one = await paint(1);
		const two = await paint(2);
		expect(one.stdout).toMatch(/16 tiles of 128 px on 1 threads/);
		expect(two.stdout).toMatch(/16 tiles of 128 px on 2 threads/);
		// The tiles read the whole-image statistics together, on one thread or spread over two: the same
		// moments reduced in the same order, so the same picture to the bit.
		const db = psnr(one.pixels, two.pixels);
		console.info(`--threads 2 vs --threads 1: ${db.toFixed(2)} dB`);
		expect(db).toBe(Infinity);
	});

	it('paints in a single pass with --tile 0, and refuses tiles under 64 px', async () => {
		const photo = await photoPath('chelsea');
		const out = path.join(dir, 'single.png');
		const { stdout } = await run(process.execPath, [
			CLI,
			...['stylize', '--content', photo, '--style', 'klimt-the-kiss', '--working-side', '128', '--tile', '0'],
			...['--out', out]
		]);
		expect(stdout).toContain('single pass');
		await expect(
			run(process.execPath, [
				CLI,
				'stylize',
				'--content',
				photo,
				'--style',
				'klimt-the-kiss',
				'--tile',
				'32',
				'--out',
				out
			])
		).rejects.toMatchObject({ stderr: expect.stringMatching(/tile size must be 0 .* at least 64 px/) });
	});
});
