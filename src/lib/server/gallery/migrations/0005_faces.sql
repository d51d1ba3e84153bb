-- What the gallery's own face detector found in each upload, beside what its Content Credentials claim
-- about the people shown and their model release (null for images uploaded before the detector).
ALTER TABLE images ADD COLUMN people jsonb;
