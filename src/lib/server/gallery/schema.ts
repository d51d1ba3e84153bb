// The gallery's tables (drizzle pg-core). The SQL that creates them lives in migrations/; this file
// mirrors the schema after the last migration and is what queries are written against.
import type { ImageCredentials, ImageMimeType, ImagePeople, Visibility } from '../../gallery-api';
import { boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull();

export const schemaMigrations = pgTable('schema_migrations', {
	version: integer('version').primaryKey(),
	name: text('name').notNull(),
	appliedAt: timestamp('applied_at', { withTimezone: true, mode: 'date' }).notNull()
});

export const users = pgTable('users', {
	id: text('id').primaryKey(),
	username: text('username').notNull(),
	passwordHash: text('password_hash').notNull(),
	isAdmin: boolean('is_admin').notNull(),
	createdAt: createdAt()
});

export const sessions = pgTable('sessions', {
	/** sha256 (hex) of the cookie value: a database leak gives no usable session. */
	id: text('id').primaryKey(),
	userId: text('user_id').notNull(),
	createdAt: createdAt(),
	expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3, mode: 'date' }).notNull()
});

export const apiTokens = pgTable('api_tokens', {
	id: text('id').primaryKey(),
	userId: text('user_id').notNull(),
	name: text('name').notNull(),
	/** sha256 (hex) of the token; the token itself is shown once and never stored. */
	tokenHash: text('token_hash').notNull(),
	createdAt: createdAt(),
	lastUsedAt: timestamp('last_used_at', { withTimezone: true, precision: 3, mode: 'date' })
});

export const rateLimits = pgTable('rate_limits', {
	key: text('key').primaryKey(),
	windowStart: timestamp('window_start', { withTimezone: true, precision: 3, mode: 'date' }).notNull(),
	count: integer('count').notNull()
});

export const images = pgTable('images', {
	id: text('id').primaryKey(),
	ownerId: text('owner_id').notNull(),
	title: text('title').notNull(),
	description: text('description').notNull(),
	visibility: text('visibility').$type<Visibility>().notNull(),
	/** Hidden by its owner (who may show it again). */
	hidden: boolean('hidden').notNull(),
	/** Hidden by a moderator: when, and who (null once that account is gone); only a moderator lifts it. */
	moderatorHiddenAt: timestamp('moderator_hidden_at', { withTimezone: true, precision: 3, mode: 'date' }),
	moderatorHiddenBy: text('moderator_hidden_by'),
	rightsConfirmed: boolean('rights_confirmed').notNull(),
	createdAt: createdAt(),
	mimeType: text('mime_type').$type<ImageMimeType>().notNull(),
	byteSize: integer('byte_size').notNull(),
	width: integer('width').notNull(),
	height: integer('height').notNull(),
	/** sha256 (hex) of the original bytes: how a remix names its parent. */
	sha256: text('sha256').notNull(),
	/** The active manifest's claim instanceID, when the image has credentials. */
	instanceId: text('instance_id'),
	objectKey: text('object_key').notNull(),
	thumbnailKey: text('thumbnail_key').notNull(),
	/** Bytes of the thumbnail (0 for images stored before it was recorded): counts toward the quota. */
	thumbnailSize: integer('thumbnail_size').notNull(),
	credentialState: text('credential_state').notNull(),
	credentials: jsonb('credentials').$type<ImageCredentials>().notNull(),
	rightsLevel: text('rights_level'),
	rights: jsonb('rights').$type<StoredRights>().notNull(),
	attribution: text('attribution').notNull(),
	labels: jsonb('labels').$type<string[]>().notNull(),
	styleIds: text('style_ids').array().notNull(),
	modelIds: text('model_ids').array().notNull(),
	parentId: text('parent_id'),
	/** The gallery's face check and the credentials' claim (migration 0005); null for older images. */
	people: jsonb('people').$type<ImagePeople>()
});

export const reports = pgTable('reports', {
	id: text('id').primaryKey(),
	imageId: text('image_id').notNull(),
	reporterId: text('reporter_id').notNull(),
	reason: text('reason').notNull(),
	createdAt: createdAt(),
	/** Open while null: one open report per reporter and image. */
	closedAt: timestamp('closed_at', { withTimezone: true, precision: 3, mode: 'date' })
});

/** The verdict as recorded at upload; `confirmedByOwner` lives in its own column. */
export interface StoredRights {
	verdict: string | null;
	label: string | null;
	nonCommercial: boolean;
	/** True when the verdict keeps the image from public listing until the owner confirms their right. */
	needsConfirmation: boolean;
	/** Every reason of the verdict in words, worst first, naming ingredient and layers (absent in older rows). */
	reasons?: string[];
}

export type ImageRow = typeof images.$inferSelect;
export type UserRow = typeof users.$inferSelect;
