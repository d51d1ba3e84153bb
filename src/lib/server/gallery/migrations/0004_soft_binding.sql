-- The fingerprint index: the ISCC image code v0 the server computed from each upload's decoded pixels,
-- split into four 16-bit chunks for multi-index Hamming search (a code within distance d of another
-- shares a chunk within distance floor(d/4) of it), what the credentials claimed, and the manifest label.
CREATE TABLE image_fingerprints (
	image_id text PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
	alg text NOT NULL,
	code text NOT NULL,
	bits bigint NOT NULL,
	chunk0 integer NOT NULL,
	chunk1 integer NOT NULL,
	chunk2 integer NOT NULL,
	chunk3 integer NOT NULL,
	manifest_id text,
	claimed_code text,
	claimed_distance integer
);
--> statement-breakpoint
CREATE INDEX image_fingerprints_chunk0 ON image_fingerprints (chunk0);
--> statement-breakpoint
CREATE INDEX image_fingerprints_chunk1 ON image_fingerprints (chunk1);
--> statement-breakpoint
CREATE INDEX image_fingerprints_chunk2 ON image_fingerprints (chunk2);
--> statement-breakpoint
CREATE INDEX image_fingerprints_chunk3 ON image_fingerprints (chunk3);
--> statement-breakpoint
CREATE INDEX image_fingerprints_manifest ON image_fingerprints (manifest_id);
