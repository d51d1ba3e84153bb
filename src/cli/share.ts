// `rakkan share FILE --server URL --token T [--title T] [--description D] [--visibility V]
// [--rights-confirmed]`: uploads an image to a Rakkan gallery with a personal API token and prints the
// address of its page. The server verifies the credentials and keeps the file's bytes unchanged.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { VISIBILITIES, type GalleryImage } from '../lib/gallery-api';

/** A gallery's address given as `flag`; readable errors otherwise. */
export function serverUrl(value: string | undefined, flag = '--server'): URL {
	if (!value) throw new Error(`${flag} URL is missing (the gallery, e.g. http://127.0.0.1:3000)`);
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new Error(`${flag} must be an http(s) address, got "${value}"`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new Error(`${flag} must be an http(s) address, got "${value}"`);
	}
	return url;
}

/** fetch, with "cannot reach" as the one-line error when the server does not answer. */
export async function reach(url: URL, init?: RequestInit): Promise<Response> {
	try {
		return await fetch(url, init);
	} catch (error) {
		throw new Error(`cannot reach ${url.origin} (${(error as Error).cause ?? (error as Error).message})`, {
			cause: error
		});
	}
}

async function readImage(file: string): Promise<Uint8Array> {
	try {
		return new Uint8Array(await readFile(file));
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new Error(`${file} cannot be read (${code === 'ENOENT' ? 'no such file' : code})`, {
			cause: error
		});
	}
}

export async function runShare(argv: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			server: { type: 'string' },
			token: { type: 'string' },
			title: { type: 'string' },
			description: { type: 'string' },
			visibility: { type: 'string' },
			'rights-confirmed': { type: 'boolean' }
		}
	});
	const [file, ...extra] = positionals;
	if (!file) throw new Error('FILE is missing: rakkan share FILE --server URL --token T');
	if (extra.length) throw new Error(`one file at a time, got also ${extra.join(' ')}`);
	const server = serverUrl(values.server);
	const token = values.token ?? process.env.RAKKAN_TOKEN;
	if (!token) throw new Error('--token is missing (create one in the gallery, or set RAKKAN_TOKEN)');
	const visibility = values.visibility ?? 'public';
	if (!(VISIBILITIES as readonly string[]).includes(visibility)) {
		throw new Error(`--visibility must be public, unlisted or private, got "${visibility}"`);
	}
	const bytes = await readImage(file);
	const form = new FormData();
	form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), path.basename(file));
	form.set('title', values.title ?? path.basename(file).replace(/\.[^.]*$/, ''));
	if (values.description) form.set('description', values.description);
	form.set('visibility', visibility);
	form.set('rightsConfirmed', values['rights-confirmed'] ? 'true' : 'false');

	const response = await reach(new URL('/api/images', server), {
		method: 'POST',
		headers: { authorization: `Bearer ${token}` },
		body: form
	});
	const body = (await response.json().catch(() => null)) as (GalleryImage & { message?: string }) | null;
	if (response.status !== 201 || !body?.id) {
		throw new Error(
			`the server refused the image (${response.status}): ${body?.message ?? response.statusText}`
		);
	}
	console.log(new URL(`/gallery/${body.id}`, server).href);
	console.error(`Shared "${body.title}" (${body.visibility}): ${body.credentials.summary}`);
	return 0;
}
