// End-to-end harness: the production build served by server.js on a free loopback port, driven by
// Debian's Chromium through playwright-core. `npm run build` must have run first.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/lib/server/catalog-fs';

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

export async function startStudio(): Promise<Studio> {
	if (!existsSync(path.join(PROJECT_ROOT, 'build', 'handler.js'))) {
		throw new Error('No production build: run `npm run build` before the e2e tests.');
	}
	const server: ChildProcess = spawn(process.execPath, ['server.js'], {
		cwd: PROJECT_ROOT,
		env: { ...process.env, HOST: '127.0.0.1', PORT: '0' },
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
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
	return {
		url,
		browser,
		async stop() {
			await browser.close();
			server.kill('SIGTERM');
		}
	};
}

/** A page object for /studio, speaking the automation contract's data-testids. */
export class StudioPage {
	readonly errors: string[] = [];

	constructor(readonly page: Page) {
		page.on('pageerror', (error) => this.errors.push(error.message));
	}

	static async open(studio: Studio): Promise<StudioPage> {
		const page = await studio.browser.newPage({
			viewport: { width: 1280, height: 800 },
			acceptDownloads: true
		});
		const studioPage = new StudioPage(page);
		await page.goto(`${studio.url}/studio`);
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
		const [download] = await Promise.all([this.page.waitForEvent('download'), this.byTestId(testId).click()]);
		const stream = await download.createReadStream();
		const chunks: Buffer[] = [];
		for await (const chunk of stream) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks);
	}
}
