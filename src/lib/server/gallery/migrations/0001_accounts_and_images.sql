-- Accounts, server-side sessions and shared images with their recorded credentials.
CREATE TABLE users (
	id text PRIMARY KEY,
	username text NOT NULL,
	password_hash text NOT NULL,
	is_admin boolean NOT NULL DEFAULT false,
	created_at timestamptz(3) NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
--> statement-breakpoint
CREATE TABLE sessions (
	id text PRIMARY KEY,
	user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	expires_at timestamptz(3) NOT NULL
);
--> statement-breakpoint
CREATE INDEX sessions_user ON sessions (user_id);
--> statement-breakpoint
CREATE TABLE images (
	id text PRIMARY KEY,
	owner_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	title text NOT NULL,
	description text NOT NULL DEFAULT '',
	visibility text NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private')),
	rights_confirmed boolean NOT NULL DEFAULT false,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	mime_type text NOT NULL,
	byte_size integer NOT NULL,
	width integer NOT NULL,
	height integer NOT NULL,
	sha256 text NOT NULL,
	instance_id text,
	object_key text NOT NULL UNIQUE,
	thumbnail_key text NOT NULL UNIQUE,
	credential_state text NOT NULL,
	credentials jsonb NOT NULL,
	rights_level text,
	rights jsonb NOT NULL,
	attribution text NOT NULL DEFAULT '',
	labels jsonb NOT NULL DEFAULT '[]',
	style_ids text[] NOT NULL DEFAULT '{}',
	model_ids text[] NOT NULL DEFAULT '{}'
);
--> statement-breakpoint
CREATE INDEX images_owner ON images (owner_id, created_at DESC, id DESC);
