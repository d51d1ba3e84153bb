// The gallery's database: PostgreSQL at DATABASE_URL (postgres.js), or else PGlite (PostgreSQL compiled to
// wasm) in a folder of the data directory. One SQL dialect and one schema either way (drizzle pg-core); the
// migrations are in migrate.ts.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type GalleryDb = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
	db: GalleryDb;
	kind: 'pglite' | 'postgres';
	/**
	 * Calls `onNotice` for each NOTIFY on `channel`, and also whenever the listening connection is (re)made
	 * (notices sent while it was down are lost, so a listener must assume it missed some).
	 */
	listen(channel: string, onNotice: () => void): Promise<void>;
	close(): Promise<void>;
}

export interface DatabaseOptions {
	/** A PostgreSQL connection string; PGlite in `pgliteDir` when absent. */
	url?: string;
	pgliteDir?: string;
	/** Connections per process (PostgreSQL only). */
	maxConnections?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
	if (options.url) {
		const client = postgres(options.url, { max: options.maxConnections ?? 10, onnotice: () => {} });
		return {
			db: drizzlePostgres({ client, schema }) as unknown as GalleryDb,
			kind: 'postgres',
			async listen(channel, onNotice) {
				await client.listen(channel, onNotice, onNotice);
			},
			close: () => client.end({ timeout: 5 })
		};
	}
	if (!options.pgliteDir) throw new Error('openDatabase needs a PostgreSQL URL or a PGlite folder');
	await mkdir(options.pgliteDir, { recursive: true });
	const client = new PGlite(options.pgliteDir);
	await client.waitReady;
	return {
		db: drizzlePglite({ client, schema }) as unknown as GalleryDb,
		kind: 'pglite',
		async listen(channel, onNotice) {
			await client.listen(channel, onNotice);
		},
		close: () => client.close()
	};
}
