-- Hardening: who hid an image (the owner's own hide and a moderator's are separate; only a moderator lifts
-- the second), open reports (one per user and image), the thumbnail's size for the storage quota, and the
-- public listing's index over images neither hidden by their owner nor by a moderator.
ALTER TABLE images ADD COLUMN moderator_hidden_at timestamptz(3);
--> statement-breakpoint
ALTER TABLE images ADD COLUMN moderator_hidden_by text REFERENCES users (id) ON DELETE SET NULL;
--> statement-breakpoint
-- Before this migration nothing recorded who hid an image: each hide is kept as a moderator's, so that
-- an owner cannot lift what may have been a moderator's decision.
UPDATE images SET moderator_hidden_at = now(), hidden = false WHERE hidden;
--> statement-breakpoint
ALTER TABLE images ADD COLUMN thumbnail_size integer NOT NULL DEFAULT 0;
--> statement-breakpoint
DROP INDEX images_public;
--> statement-breakpoint
CREATE INDEX images_listing ON images (created_at DESC, id DESC)
	WHERE visibility = 'public' AND NOT hidden AND moderator_hidden_at IS NULL;
--> statement-breakpoint
ALTER TABLE reports ADD COLUMN closed_at timestamptz(3);
--> statement-breakpoint
-- Earlier duplicates (same reporter, same image) are kept, closed: only the first stays open.
UPDATE reports r SET closed_at = now() FROM reports older
	WHERE r.image_id = older.image_id AND r.reporter_id = older.reporter_id
	AND (r.created_at, r.id) > (older.created_at, older.id);
--> statement-breakpoint
CREATE UNIQUE INDEX reports_open ON reports (image_id, reporter_id) WHERE closed_at IS NULL;
