// The production build (server.js) as a child process with its own data folder or database, and a small
// HTTP client that keeps a session cookie and sends the Origin a browser page of the site would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import type { GalleryImage } from '../../src/lib/gallery-api';

export interface RunningServer {
	url: string;
	stop(): Promise<void>;
}

export async function startServer(env: Record<string, string>): Promise<RunningServer> {
	if (!existsSync(path.join(PROJECT_ROOT, 'build', 'handler.js'))) {
		throw new Error('No production build: run `npm run build` before the gallery tests.');
	}
	const server: ChildProcess = spawn(process.execPath, ['server.js'], {
		cwd: PROJECT_ROOT,
		env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	server.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
	const url = await new Promise<string>((resolve, reject) => {
		server.stdout?.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /listening on (http:\/\/[^\s]+)\/studio/.exec(out);
			if (match?.[1]) resolve(match[1]);
		});
		server.once('exit', (code) => reject(new Error(`server.js exited with ${code}: ${out}`)));
	});
	return {
		url,
		async stop() {
			if (server.exitCode !== null) return;
			const exited = new Promise((resolve) => server.once('exit', resolve));
			server.kill('SIGTERM');
			await exited;
		}
	};
}

export interface ApiResponse<T = unknown> {
	status: number;
	headers: Headers;
	body: T;
}

/**
 * The header a test server started with `ADDRESS_HEADER: CLIENT_HEADER` takes the client address from, so
 * that each ApiClient can stand for a different machine (servers started without it ignore it).
 */
export const CLIENT_HEADER = 'x-test-client';

let clients = 0;

/** One browser (or CLI) talking to the server: keeps the session cookie it is given. */
export class ApiClient {
	cookie: string | null = null;
	/** The address this client appears to come from (see CLIENT_HEADER): its own unless given. */
	readonly address: string;

	constructor(
		readonly base: string,
		readonly options: { origin?: string | null; token?: string; address?: string } = {}
	) {
		clients += 1;
		this.address = options.address ?? `10.${process.pid % 250}.${(clients >> 8) % 256}.${clients % 256}`;
	}

	async request<T = Record<string, unknown>>(
		method: string,
		pathname: string,
		body?: unknown,
		headers: Record<string, string> = {}
	): Promise<ApiResponse<T>> {
		const all: Record<string, string> = { [CLIENT_HEADER]: this.address, ...headers };
		const origin = this.options.origin === undefined ? this.base : this.options.origin;
		if (origin && method !== 'GET') all.origin = origin;
		if (this.cookie) all.cookie = this.cookie;
		if (this.options.token) all.authorization = `Bearer ${this.options.token}`;
		let payload: BodyInit | undefined;
		if (body instanceof FormData) payload = body;
		else if (body !== undefined) {
			all['content-type'] = 'application/json';
			payload = JSON.stringify(body);
		}
		const response = await fetch(this.base + pathname, { method, headers: all, body: payload });
		const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('rakkan_session='));
		if (setCookie) {
			const value = setCookie.split(';')[0]!;
			this.cookie = value === 'rakkan_session=' ? null : value;
		}
		const type = response.headers.get('content-type') ?? '';
		const parsed = type.includes('application/json')
			? await response.json()
			: new Uint8Array(await response.arrayBuffer());
		return { status: response.status, headers: response.headers, body: parsed as T };
	}

	get<T = Record<string, unknown>>(pathname: string): Promise<ApiResponse<T>> {
		return this.request<T>('GET', pathname);
	}

	async signup(username: string, password = 'a long enough password'): Promise<ApiResponse> {
		return this.request('POST', '/api/auth/signup', { username, password });
	}

	upload(
		bytes: Uint8Array,
		fields: Record<string, string> = {},
		name = 'painting.png'
	): Promise<ApiResponse<GalleryImage & { message?: string }>> {
		const form = new FormData();
		form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
		for (const [key, value] of Object.entries(fields)) form.set(key, value);
		return this.request('POST', '/api/images', form);
	}
}

/** A fresh user name per call: tests share one server. */
let counter = 0;
export function uniqueName(prefix = 'user'): string {
	counter += 1;
	return `${prefix}${process.pid % 1000}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}
