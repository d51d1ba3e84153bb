// End-to-end harness: the production build served by server.js on a free loopback port, driven by
// Debian's Chromium through playwright-core. `npm run build` must have run first.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import { makeTempDir, removeDir } from '../helpers/images';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags TOOLCHAIN.md lists: no outside traffic, SwiftShader WebGL, WebGPU allowed. */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--enable-unsafe-webgpu',
	'--use-angle=swiftshader',
	'--enable-unsafe-swiftshader',
	'--use-gl=angle',
	'--ignore-gpu-blocklist'
];

export interface Studio {
	url: string;
	browser: Browser;
	stop(): Promise<void>;
}

export interface StudioOptions {
	/** More environment for the server process (e.g. its data directory). */
	env?: Record<string, string>;
	/** More Chromium switches (e.g. a fake camera). */
	chromiumArgs?: string[];
}

export async function startStudio(options: StudioOptions = {}): Promise<Studio> {
	if (!existsSync(path.join(PROJECT_ROOT, 'build', 'handler.js'))) {
		throw new Error('No production build: run `npm run build` before the e2e tests.');
	}
	const server: ChildProcess = spawn(process.execPath, ['server.js'], {
		cwd: PROJECT_ROOT,
		env: { ...process.env, ...options.env, HOST: '127.0.0.1', PORT: '0' },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		server.stdout?.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /listening on (http:\/\/[^\s]+)\/studio/.exec(out);
			if (match?.[1]) resolve(match[1]);
		});
		server.once('exit', (code) => reject(new Error(`server.js exited with ${code}: ${out}`)));
	});
	let browser: Browser;
	try {
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: [...CHROMIUM_ARGS, ...(options.chromiumArgs ?? [])]
		});
	} catch (error) {
		server.kill('SIGTERM');
		throw error;
	}
	return {
		url,
		browser,
		async stop() {
			await browser.close();
			// Wait for the server to end, so whoever removes its data next finds nothing still writing.
			if (server.exitCode === null && server.signalCode === null) {
				const exited = once(server, 'exit');
				server.kill('SIGTERM');
				await exited;
			}
		}
	};
}

/**
 * The studio with the gallery: a server whose data (database, stored images) lives in a fresh temporary
 * directory, removed again by stop(), so each test file starts with an empty gallery.
 */
export async function startGallery(): Promise<Studio> {
	const dataDir = await makeTempDir('rakkan-e2e-gallery-');
	let studio: Studio;
	try {
		// Nothing shared from the environment: an embedded database and a file store in the fresh directory.
		studio = await startStudio({ env: { RAKKAN_DATA_DIR: dataDir, DATABASE_URL: '', S3_BUCKET: '' } });
	} catch (error) {
		await removeDir(dataDir);
		throw error;
	}
	return {
		...studio,
		async stop() {
			await studio.stop();
			await removeDir(dataDir);
		}
	};
}

export const STUDIO_VIEWPORT = { width: 1280, height: 800 };

/** A page object for /studio, speaking the automation contract's data-testids. */
export class StudioPage {
	readonly errors: string[] = [];

	constructor(readonly page: Page) {
		page.on('pageerror', (error) => this.errors.push(error.message));
	}

	/** Opens /studio (or `path`, e.g. `/studio?remix=<id>`), in its own browser context unless given one. */
	static async open(
		studio: Studio,
		options: { context?: BrowserContext; path?: string } = {}
	): Promise<StudioPage> {
		const page = options.context
			? await options.context.newPage()
			: await studio.browser.newPage({ viewport: STUDIO_VIEWPORT, acceptDownloads: true });
		const studioPage = new StudioPage(page);
		await page.goto(`${studio.url}${options.path ?? '/studio'}`);
		await page
			.locator('[data-testid=backend][data-backend]:not([data-backend=""])')
			.waitFor({ timeout: 60_000 });
		return studioPage;
	}

	byTestId(id: string): Locator {
		return this.page.getByTestId(id);
	}

	async setContent(file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
		await this.byTestId('content-input').setInputFiles(file);
	}

	async status(): Promise<string | null> {
		return this.byTestId('job-status').getAttribute('data-status');
	}

	async waitForStatus(...statuses: string[]): Promise<string> {
		const selector = statuses.map((s) => `[data-testid=job-status][data-status=${s}]`).join(', ');
		await this.page.locator(selector).waitFor({ timeout: 150_000 });
		return (await this.status()) ?? '';
	}

	/** Clicks Download PNG and returns the file's bytes. */
	async exportPng(): Promise<Buffer> {
		return this.download('export-png');
	}

	/** Clicks the button with this test id and returns the bytes of the file it downloads. */
	async download(testId: string): Promise<Buffer> {
		return downloadOf(this.byTestId(testId));
	}
}

/** Clicks `link` (a download link or button) and returns the bytes the browser saved. */
export async function downloadOf(link: Locator): Promise<Buffer> {
	const [download] = await Promise.all([link.page().waitForEvent('download'), link.click()]);
	const chunks: Buffer[] = [];
	for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

interface AxeViolation {
	id: string;
	impact?: string | null;
	nodes: { target: string[] }[];
}

/**
 * Runs axe-core on the page and returns its serious and critical violations, one line each. axe is
 * injected as a script, which the pages' Content-Security-Policy rightly refuses: open the page in a
 * context made with `bypassCSP: true`.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
	await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
	return page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
		const report = await axe.run();
		return report.violations
			.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	});
}
