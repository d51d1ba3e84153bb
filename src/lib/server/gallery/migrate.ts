// The gallery's numbered migrations (migrations/NNNN_name.sql, bundled by Vite), applied in one transaction
// under an advisory lock so that several server processes starting at once against one database apply each
// migration exactly once. Versions need not be consecutive: any not yet recorded is applied, in order.
import { sql } from 'drizzle-orm';
import type { GalleryDb } from './db';
import * as schema from './schema';

export interface Migration {
	version: number;
	name: string;
	/** The file split at drizzle's `--> statement-breakpoint` markers: one statement each. */
	statements: string[];
}

const files = import.meta.glob('./migrations/*.sql', { query: '?raw', import: 'default', eager: true });

/** Every migration in version order, from the numbered files (bundled into the build by Vite). */
export const MIGRATIONS: readonly Migration[] = Object.entries(files)
	.map(([file, text]) => {
		const match = /\/(\d+)_([\w-]+)\.sql$/.exec(file);
		if (!match) throw new Error(`migration file ${file} is not named NNNN_name.sql`);
		return {
			version: Number(match[1]),
			name: match[2]!,
			statements: String(text)
				.split('--> statement-breakpoint')
				.map((s) => s.trim())
				.filter(Boolean)
		};
	})
	.sort((a, b) => a.version - b.version);

/** Any 64-bit number the gallery owns: the advisory lock held while migrating. */
const MIGRATION_LOCK = 0x52616b6b616e;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, up to `to` (all by default), in one
 * transaction: a failure leaves the database as it was. Returns the versions applied.
 */
export async function migrate(db: GalleryDb, options: { to?: number } = {}): Promise<number[]> {
	const target = options.to ?? Number.POSITIVE_INFINITY;
	return db.transaction(async (tx) => {
		await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
		await tx.execute(sql`CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY,
			name text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`);
		const done = new Set(
			(await tx.select({ version: schema.schemaMigrations.version }).from(schema.schemaMigrations)).map(
				(r) => r.version
			)
		);
		const applied: number[] = [];
		for (const migration of MIGRATIONS) {
			if (migration.version > target || done.has(migration.version)) continue;
			for (const statement of migration.statements) await tx.execute(sql.raw(statement));
			await tx
				.insert(schema.schemaMigrations)
				.values({ version: migration.version, name: migration.name, appliedAt: new Date() });
			applied.push(migration.version);
		}
		return applied;
	});
}
