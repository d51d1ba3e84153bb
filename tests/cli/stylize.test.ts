// `rakkan stylize` as a user runs it: a real process, real weights, real files. Success prints one line
// and writes a PNG of the right size; every failure prints one readable line, exits non-zero and leaves
// no output file (nor a half-written one) behind.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/lib/assets/catalog';
import { loadProjectCatalog, PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import { CLI, photoPath } from '../helpers/assets';
import {
	BAD_IMAGES,
	makeTempDir,
	pattern,
	removeDir,
	VALID_IMAGES,
	writeBadImage,
	writeValidImage
} from '../helpers/images';

interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs `node bin/rakkan.js ...args` from the project root; resolves with whatever exit code it had. */
function rakkan(args: string[]): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			[CLI, ...args],
			{ cwd: PROJECT_ROOT, env: { ...process.env }, timeout: 90_000, maxBuffer: 1 << 20 },
			(error, stdout, stderr) => {
				if (error && typeof error.code !== 'number') {
					reject(new Error(`rakkan did not run to an exit code: ${error.message}\n${stderr}`));
					return;
				}
				resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
			}
		);
	});
}

const STYLE = 'rembrandt-night-watch';
/** Small enough for two CPU cores; the output is still written at the content's own size. */
const FAST = ['--model', 'arbitrary-wyf', '--working-side', '128'];

/** `rakkan stylize` with the photo, the style and the output, quickly (FAST), plus any extra flags. */
function paint(content: string, style: string, out: string, extra: string[] = []): Promise<CliResult> {
	return rakkan(['stylize', '--content', content, '--style', style, ...FAST, ...extra, '--out', out]);
}

let tempDir: string;
let chelsea: string;
let catalog: Catalog;
let outCount = 0;

/** A fresh, empty folder for one run's output, so leftovers are easy to see. */
async function outDir(): Promise<string> {
	const dir = path.join(tempDir, `out-${++outCount}`);
	await mkdir(dir);
	return dir;
}

function stdoutLine(result: CliResult): string {
	expect(result.stderr, 'stderr of a successful run').toBe('');
	expect(result.code).toBe(0);
	expect(result.stdout).toMatch(/^[^\n]+\n$/);
	return result.stdout.trimEnd();
}

/** One readable line on stderr, nothing on stdout, a non-zero exit code, no stack trace. */
function expectOneLineError(result: CliResult, message: RegExp): void {
	expect(result.code, `exit code; stderr: ${result.stderr}`).not.toBe(0);
	expect(result.stdout).toBe('');
	expect(result.stderr).not.toMatch(/^\s+at /m);
	expect(result.stderr, 'exactly one line on stderr').toMatch(/^rakkan stylize: [^\n]+\n$/);
	expect(result.stderr.length).toBeLessThan(600);
	expect(result.stderr).toMatch(message);
}

async function rgb(file: string): Promise<{ width: number; height: number; data: Buffer }> {
	const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
	return { width: info.width, height: info.height, data };
}

beforeAll(async () => {
	tempDir = await makeTempDir('rakkan-cli-');
	chelsea = await photoPath('chelsea');
	catalog = await loadProjectCatalog();
});

afterAll(async () => {
	if (tempDir) await removeDir(tempDir);
});

describe('rakkan stylize: success', () => {
	it('paints a photo after a catalog style at the photo size and says what it did in one line', async () => {
		const dir = await outDir();
		const out = path.join(dir, 'cat.png');
		const result = await paint(chelsea, STYLE, out);
		const line = stdoutLine(result);
		expect(line).toContain(chelsea);
		expect(line).toContain('(451x300)');
		expect(line).toContain('"The Night Watch" (Rembrandt van Rijn, 1642)');
		expect(line).toContain('arbitrary-wyf (MIT, commercial use allowed)');
		expect(line).toMatch(/ in \d+(\.\d+)? s /);
		expect(line).toContain(`-> ${out} (451x300, `);

		const meta = await sharp(out).metadata();
		expect([meta.format, meta.width, meta.height]).toEqual(['png', 451, 300]);
		expect(await readdir(dir)).toEqual(['cat.png']);

		// The painting is clearly not the photo (the engine test measured about 73 on this pair).
		const [painted, photo] = await Promise.all([rgb(out), rgb(chelsea)]);
		let sum = 0;
		for (let i = 0; i < photo.data.length; i++) sum += Math.abs(painted.data[i]! - photo.data[i]!);
		expect(sum / photo.data.length).toBeGreaterThan(25);
	});

	it('--max-side 64 gives a long side of 64 with the aspect ratio kept', async () => {
		const out = path.join(await outDir(), 'small.png');
		const result = await paint(chelsea, STYLE, out, ['--max-side', '64']);
		expect(stdoutLine(result)).toContain('(64x43, ');
		const meta = await sharp(out).metadata();
		expect([meta.width, meta.height]).toEqual([64, Math.round((300 * 64) / 451)]);
	});

	it('--max-side never enlarges a small photo', async () => {
		const webp = VALID_IMAGES.find((spec) => spec.name === 'WebP')!;
		const content = await writeValidImage(path.join(tempDir, 'in'), webp);
		const out = path.join(await outDir(), 'webp.png');
		stdoutLine(await paint(content, STYLE, out, ['--max-side', '4000']));
		const meta = await sharp(out).metadata();
		expect([meta.width, meta.height]).toEqual([180, 120]);
	});

	it('takes a local image file as the style, even a 1x1 one', async () => {
		const coffee = await photoPath('coffee');
		const out = path.join(await outDir(), 'coffee-style.png');
		const line = stdoutLine(await paint(chelsea, coffee, out, ['--max-side', '96']));
		expect(line).toContain(`after ${coffee} with arbitrary-wyf`);
		expect((await sharp(out).metadata()).width).toBe(96);

		// A tiny style image once crashed the wasm backend ("memory access out of bounds").
		const dot = path.join(tempDir, 'in', 'dot.png');
		await mkdir(path.dirname(dot), { recursive: true });
		await pattern(1, 1).png().toFile(dot);
		const tiny = path.join(await outDir(), 'dot-style.png');
		stdoutLine(await paint(chelsea, dot, tiny, ['--max-side', '96']));
		expect((await sharp(tiny).metadata()).width).toBe(96);
	});

	it.each(VALID_IMAGES)('reads a $name ($width x $height as displayed)', async (spec) => {
		const content = await writeValidImage(path.join(tempDir, 'in'), spec);
		const dir = await outDir();
		const out = path.join(dir, 'out.png');
		// Strength below 1 also runs the photo itself through the style network.
		const result = await paint(content, STYLE, out, ['--strength', '0.5']);
		expect(stdoutLine(result)).toContain(`(${spec.width}x${spec.height})`);
		const meta = await sharp(out).metadata();
		expect([meta.format, meta.width, meta.height]).toEqual(['png', spec.width, spec.height]);
		expect(await readdir(dir)).toEqual(['out.png']);
	});
});

describe('rakkan stylize: controls', () => {
	it('blends two styles with --weights and keeps the colours with --preserve-colors', async () => {
		const dir = await outDir();
		const blended = path.join(dir, 'blend.png');
		const line = stdoutLine(
			await rakkan([
				'stylize',
				'--content',
				chelsea,
				'--style',
				STYLE,
				'--style',
				'van-gogh-starry-night',
				'--weights',
				'0.7,0.3',
				'--style-scale',
				'192',
				...FAST,
				'--max-side',
				'96',
				'--out',
				blended
			])
		);
		expect(line).toMatch(/"The Night Watch" .* x0\.70 \+ "The Starry Night" .* x0\.30/);

		const kept = path.join(dir, 'kept.png');
		expect(
			stdoutLine(
				await rakkan([
					'stylize',
					'--content',
					chelsea,
					'--style',
					'van-gogh-starry-night',
					'--preserve-colors',
					...FAST,
					'--max-side',
					'96',
					'--out',
					kept
				])
			)
		).toContain('original colours');
		expect((await sharp(kept).metadata()).width).toBe(96);
	});

	it('refuses weights that do not match the styles, or are not positive', async () => {
		const out = path.join(await outDir(), 'never.png');
		const base = ['stylize', '--content', chelsea, '--style', STYLE, '--style', 'klimt-the-kiss', ...FAST];
		expectOneLineError(await rakkan([...base, '--weights', '1', '--out', out]), /1 numbers for 2 --style/);
		expectOneLineError(await rakkan([...base, '--weights', '1,0', '--out', out]), /positive/);
		expectOneLineError(await rakkan([...base, '--weights', '1,x', '--out', out]), /positive/);
	});
});

describe('rakkan stylize: failures', () => {
	it.each(BAD_IMAGES)('refuses a $name as the photo, in one line, writing nothing', async (spec) => {
		const content = await writeBadImage(path.join(tempDir, 'bad'), spec);
		const dir = await outDir();
		const result = await paint(content, STYLE, path.join(dir, 'out.png'));
		expectOneLineError(result, spec.message);
		expect(result.stderr).toContain(content);
		expect(await readdir(dir)).toEqual([]);
	});

	it.each(BAD_IMAGES.filter((s) => ['SVG', 'truncated JPEG (first 60%)', 'empty file'].includes(s.name)))(
		'refuses a $name as the style image, in one line, writing nothing',
		async (spec) => {
			const style = await writeBadImage(path.join(tempDir, 'bad-style'), spec);
			const dir = await outDir();
			const result = await paint(chelsea, style, path.join(dir, 'out.png'));
			expectOneLineError(result, spec.message);
			expect(result.stderr).toContain(style);
			expect(await readdir(dir)).toEqual([]);
		}
	);

	it('leaves an existing output file untouched when the run fails', async () => {
		const dir = await outDir();
		const out = path.join(dir, 'keep.png');
		const before = await pattern(8, 8).png().toBuffer();
		await writeFile(out, before);
		const bad = await writeBadImage(
			path.join(tempDir, 'bad'),
			BAD_IMAGES.find((spec) => spec.name.startsWith('truncated JPEG'))!
		);
		expectOneLineError(await paint(bad, STYLE, out), /truncated or corrupt/);
		expect((await readFile(out)).equals(before)).toBe(true);
		expect(await readdir(dir)).toEqual(['keep.png']);
	});

	it('names every known style when the style is neither an id nor a file', async () => {
		const dir = await outDir();
		const result = await paint(chelsea, 'van-gogh-sunflowers', path.join(dir, 'out.png'));
		expectOneLineError(result, /"van-gogh-sunflowers" is neither a style id \(.*\) nor an image file/);
		expect(catalog.styles.length).toBeGreaterThan(1);
		for (const style of catalog.styles) expect(result.stderr).toContain(style.id);
		expect(await readdir(dir)).toEqual([]);
	});

	it('names the known models for an unknown model, and refuses a style for a fixed-look model', async () => {
		const dir = await outDir();
		const result = await rakkan([
			'stylize',
			'--content',
			chelsea,
			'--style',
			STYLE,
			'--model',
			'no-such-model',
			'--out',
			path.join(dir, 'out.png')
		]);
		expectOneLineError(
			result,
			/"no-such-model" is not a known model \(known: [^)]*arbitrary-wyf[^)]*fast-wave/
		);
		expect(await readdir(dir)).toEqual([]);
		const fixed = await rakkan([
			'stylize',
			'--content',
			chelsea,
			'--style',
			STYLE,
			'--model',
			'fast-wave',
			'--out',
			path.join(dir, 'out.png')
		]);
		expectOneLineError(fixed, /fast-wave has its own fixed look and takes no --style/);
		expect(await readdir(dir)).toEqual([]);
	});

	it.each(['1.5', '-0.1', 'strong', 'NaN'])(
		'refuses --strength=%s, saying it must be 0 to 1',
		async (strength) => {
			const dir = await outDir();
			const result = await paint(chelsea, STYLE, path.join(dir, 'out.png'), [`--strength=${strength}`]);
			expectOneLineError(result, /strength must be a number from 0 to 1, got /);
			expect(await readdir(dir)).toEqual([]);
		}
	);

	it('explains `--strength -0.1` (a value that looks like a flag) in one line', async () => {
		// node:util parseArgs says this in three lines; the CLI must still print one.
		const result = await rakkan(['stylize', '--content', chelsea, '--style', STYLE, '--strength', '-0.1']);
		expectOneLineError(result, /'--strength' argument is ambiguous\..*'--strength=-XYZ'/);
	});

	it('asks for --out when it is missing, and for a .png name', async () => {
		expectOneLineError(
			await rakkan(['stylize', '--content', chelsea, '--style', STYLE, ...FAST]),
			/--content and --out are required/
		);
		expectOneLineError(
			await rakkan(['stylize', '--content', chelsea, ...FAST, '--out', path.join(tempDir, 'no-style.png')]),
			/arbitrary-wyf paints after a style image: give --style/
		);
		const dir = await outDir();
		expectOneLineError(
			await paint(chelsea, STYLE, path.join(dir, 'out.gif')),
			/--out must name a \.png, \.jpg, \.jpeg or \.webp file/
		);
		expect(await readdir(dir)).toEqual([]);
	});

	it('refuses an output folder that does not exist before doing any work', async () => {
		const missing = path.join(tempDir, 'no-such-folder');
		const result = await paint(chelsea, STYLE, path.join(missing, 'out.png'));
		expectOneLineError(result, /--out: the folder .*no-such-folder does not exist/);
		expect(result.stderr).not.toContain('.partial-');
		expect(await readdir(tempDir)).not.toContain('no-such-folder');
	});

	it('refuses a working side too small to paint at, and sizes that are not whole numbers', async () => {
		const dir = await outDir();
		const out = path.join(dir, 'out.png');
		expectOneLineError(
			await rakkan(['stylize', '--content', chelsea, '--style', STYLE, '--working-side', '2', '--out', out]),
			/--working-side must be a whole number of pixels, at least 4, got "2"/
		);
		expectOneLineError(
			await paint(chelsea, STYLE, out, ['--max-side', '1.5']),
			/--max-side must be a whole number of pixels, at least 1, got "1.5"/
		);
		expect(await readdir(dir)).toEqual([]);
	});
});
