// A throwaway PostgreSQL cluster for tests: initdb in a temporary folder, postgres on a free loopback
// port, trust authentication for loopback only. As root, the server runs as the postgres user (initdb and
// postgres refuse to run as root). stop() shuts it down and deletes the folder.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

const run = promisify(execFile);

export interface TestPostgres {
	/** A connection string for the cluster's `postgres` database. */
	url: string;
	/** Creates a fresh database and returns its connection string. */
	createDatabase(name: string): Promise<string>;
	stop(): Promise<void>;
}

function binDir(): string {
	const root = '/usr/lib/postgresql';
	if (existsSync(root)) {
		const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
		for (const v of versions)
			if (existsSync(path.join(root, v, 'bin', 'initdb'))) return path.join(root, v, 'bin');
	}
	return '/usr/local/bin';
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

const asRoot = process.getuid?.() === 0;

/** The command line, run as the postgres user when this process is root. */
function command(bin: string, args: string[]): [string, string[]] {
	return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

async function waitForServer(url: string, server: ChildProcess, log: () => string): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (server.exitCode !== null) throw new Error(`postgres exited with ${server.exitCode}: ${log()}`);
		const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
		try {
			await sql`SELECT 1`;
			return;
		} catch (error) {
			if (Date.now() > deadline) throw new Error(`postgres did not start: ${log()}`, { cause: error });
			await new Promise((r) => setTimeout(r, 200));
		} finally {
			await sql.end({ timeout: 1 });
		}
	}
}

export async function startPostgres(): Promise<TestPostgres> {
	const bin = binDir();
	const dir = await mkdtemp(path.join(os.tmpdir(), 'rakkan-pg-'));
	const data = path.join(dir, 'data');
	if (asRoot) {
		const { stdout } = await run('id', ['-u', 'postgres']);
		const { stdout: gid } = await run('id', ['-g', 'postgres']);
		await chown(dir, Number(stdout.trim()), Number(gid.trim()));
	}
	await chmod(dir, 0o700);
	const [initdb, initArgs] = command(path.join(bin, 'initdb'), [
		'-D',
		data,
		'-U',
		'postgres',
		'--auth=trust',
		'--encoding=UTF8',
		'--no-sync'
	]);
	await run(initdb, initArgs);
	const port = await freePort();
	const [pg, pgArgs] = command(path.join(bin, 'postgres'), [
		'-D',
		data,
		'-p',
		String(port),
		'-h',
		'127.0.0.1',
		'-k',
		dir,
		'-c',
		'fsync=off',
		'-c',
		'max_connections=200'
	]);
	let output = '';
	const server = spawn(pg, pgArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
	server.stdout?.on('data', (c: Buffer) => (output += c.toString()));
	server.stderr?.on('data', (c: Buffer) => (output += c.toString()));
	const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
	await waitForServer(url, server, () => output);
	return {
		url,
		async createDatabase(name: string) {
			const sql = postgres(url, { max: 1, onnotice: () => {} });
			try {
				await sql.unsafe(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
			} finally {
				await sql.end({ timeout: 1 });
			}
			return `postgres://postgres@127.0.0.1:${port}/${name}`;
		},
		async stop() {
			const exited = new Promise((resolve) => server.once('exit', resolve));
			// SIGINT: PostgreSQL's fast shutdown (the child may be runuser, which passes it on).
			server.kill('SIGINT');
			await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
			if (server.exitCode === null) server.kill('SIGKILL');
			await rm(dir, { recursive: true, force: true });
		}
	};
}
