-- Personal API tokens, sign-in rate limits shared by every server process, rights reports, hiding by
-- moderators, remix parents, and the index the public listing pages through.
CREATE TABLE api_tokens (
	id text PRIMARY KEY,
	user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name text NOT NULL,
	token_hash text NOT NULL UNIQUE,
	created_at timestamptz(3) NOT NULL DEFAULT now(),
	last_used_at timestamptz(3)
);
--> statement-breakpoint
CREATE INDEX api_tokens_user ON api_tokens (user_id);
--> statement-breakpoint
CREATE TABLE rate_limits (
	key text PRIMARY KEY,
	window_start timestamptz(3) NOT NULL,
	count integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE reports (
	id text PRIMARY KEY,
	image_id text NOT NULL REFERENCES images (id) ON DELETE CASCADE,
	reporter_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	reason text NOT NULL,
	created_at timestamptz(3) NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX reports_image ON reports (image_id, created_at);
--> statement-breakpoint
ALTER TABLE images ADD COLUMN hidden boolean NOT NULL DEFAULT false;
--> statement-breakpoint
ALTER TABLE images ADD COLUMN parent_id text REFERENCES images (id) ON DELETE SET NULL;
--> statement-breakpoint
CREATE INDEX images_public ON images (created_at DESC, id DESC) WHERE visibility = 'public' AND NOT hidden;
--> statement-breakpoint
CREATE INDEX images_sha256 ON images (sha256);
--> statement-breakpoint
CREATE INDEX images_instance ON images (instance_id);
