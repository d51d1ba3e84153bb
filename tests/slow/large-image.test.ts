// A 24-megapixel photo (6000 x 4000) painted at full resolution through the CLI: tiles keep the
// memory bounded, so it completes. Slow (minutes on two cores); .ci/run runs it with everything else.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, photoPath } from '../helpers/assets';
import { makeTempDir, removeDir } from '../helpers/images';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
	dir = await makeTempDir('rakkan-24mp-');
});

afterAll(async () => {
	await removeDir(dir);
});

describe('a 24 MP photo', () => {
	it('is painted at 6000x4000 in tiles by the CLI', async () => {
		const photo = path.join(dir, 'rocket-24mp.jpg');
		await sharp(await photoPath('rocket'))
			.resize(6000, 4000, { fit: 'fill' })
			.jpeg({ quality: 90 })
			.toFile(photo);
		const out = path.join(dir, 'painted.png');
		const { stdout } = await run(
			process.execPath,
			[
				CLI,
				'stylize',
				'--content',
				photo,
				'--style',
				'van-gogh-starry-night',
				'--working-side',
				'6000',
				'--out',
				out
			],
			{ maxBuffer: 1 << 20 }
		);
		console.info(stdout.trim());
		expect(stdout).toMatch(/\(6000x4000\).* \d+ tiles of 768 px/);
		const meta = await sharp(out).metadata();
		expect([meta.width, meta.height]).toEqual([6000, 4000]);
		const stats = await sharp(out).stats();
		// Painted, not blank: the channels vary across the picture.
		expect(stats.channels.slice(0, 3).every((c) => c.stdev > 10)).toBe(true);
	});
});
