// Moderator rights are granted and revoked by whoever runs the server (the `rakkan admin` command), never
// by signing up under some name. A revoked moderator is demoted at once: every request reads the flag anew.
import { asc, eq, sql } from 'drizzle-orm';
import type { GalleryDb } from './db';
import { users } from './schema';

/** Sets the flag; false when there is no such user. */
export async function setModerator(db: GalleryDb, username: string, isAdmin: boolean): Promise<boolean> {
	const updated = await db
		.update(users)
		.set({ isAdmin })
		.where(sql`lower(${users.username}) = ${username.toLowerCase()}`)
		.returning({ id: users.id });
	return updated.length > 0;
}

export async function listModerators(db: GalleryDb): Promise<string[]> {
	const rows = await db
		.select({ username: users.username })
		.from(users)
		.where(eq(users.isAdmin, true))
		.orderBy(asc(sql`lower(${users.username})`));
	return rows.map((r) => r.username);
}
