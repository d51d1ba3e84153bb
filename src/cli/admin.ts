// `rakkan admin grant|revoke NAME`, `rakkan admin list`: moderator rights in the gallery's database, found
// from the server's own settings (DATABASE_URL, or the embedded database in RAKKAN_DATA_DIR, ./data by
// default). With the embedded database, stop the server first: PGlite serves one process at a time.
import { sql } from 'drizzle-orm';
import { configFromEnv, databaseFor } from '../lib/server/gallery/config';
import type { GalleryDb } from '../lib/server/gallery/db';
import { listModerators, setModerator } from '../lib/server/gallery/moderators';

const USAGE = 'usage: rakkan admin grant NAME | revoke NAME | list';

/** Whether the server has made its tables here (the command never creates or migrates a database). */
async function hasAccounts(db: GalleryDb): Promise<boolean> {
	const result = (await db.execute(sql`SELECT to_regclass('users') IS NOT NULL AS ready`)) as unknown;
	// postgres.js answers with the rows, PGlite with {rows}.
	const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
		ready: boolean;
	}[];
	return rows[0]?.ready === true;
}

export async function runAdmin(argv: string[]): Promise<number> {
	const [action, name, ...extra] = argv;
	const needsName = action === 'grant' || action === 'revoke';
	if (!(needsName || action === 'list') || (needsName ? !name : !!name) || extra.length > 0) {
		throw new Error(USAGE);
	}
	const config = configFromEnv();
	const database = await databaseFor(config);
	try {
		if (!(await hasAccounts(database.db))) {
			const where = config.databaseUrl ? 'DATABASE_URL' : config.dataDir;
			throw new Error(`the gallery database (${where}) has no accounts yet: start the server once first`);
		}
		if (action === 'list') {
			const names = await listModerators(database.db);
			for (const moderator of names) console.log(moderator);
			if (names.length === 0) console.error('No moderators.');
			return 0;
		}
		if (!(await setModerator(database.db, name!, action === 'grant'))) {
			throw new Error(`there is no user "${name}"`);
		}
		console.error(action === 'grant' ? `${name} is a moderator.` : `${name} is no longer a moderator.`);
		return 0;
	} finally {
		await database.close();
	}
}
