// The gallery's fingerprint index: the ISCC image code v0 of every upload, computed by the server from the
// decoded pixels (never taken from the credentials, which could claim anything), compared with the code the
// credentials record, and searched by Hamming distance for the soft-binding resolution API.
//
// Search is multi-index hashing: the 64 bits are four 16-bit chunks, each an indexed column. Two codes
// within distance d share at least one chunk within distance floor(d/4) (pigeonhole), so looking up every
// chunk value within CHUNK_RADIUS of the query's four chunks finds every code within MATCH_THRESHOLD; the
// exact distance (bit_count of the XOR) then filters the candidates. The same SQL runs on PostgreSQL and
// PGlite.
import { and, asc, eq, isNotNull, or, sql } from 'drizzle-orm';
import { bigint, integer, pgTable, text } from 'drizzle-orm/pg-core';
import type { GalleryUser } from '../../gallery-api';
import {
	chunkNeighbours,
	decodeImageCode,
	digestChunks,
	hammingDistance,
	IMAGE_CODE_BITS,
	ISCC_ALG,
	similarityScore
} from '../../kernels/iscc';
import { readManifestStore } from '../../provenance/c2pa/container';
import type { VerifyResult } from '../../provenance/c2pa/verify';
import type { SoftBindingMatch } from '../../soft-binding-api';
import type { GalleryDb } from './db';
import { GalleryError } from './repository';
import { images } from './schema';
import type { ObjectStore } from './store';

export const imageFingerprints = pgTable('image_fingerprints', {
	imageId: text('image_id').primaryKey(),
	alg: text('alg').notNull(),
	code: text('code').notNull(),
	/** The 64-bit digest as a signed bigint (PostgreSQL has no unsigned 64-bit type). */
	bits: bigint('bits', { mode: 'bigint' }).notNull(),
	chunk0: integer('chunk0').notNull(),
	chunk1: integer('chunk1').notNull(),
	chunk2: integer('chunk2').notNull(),
	chunk3: integer('chunk3').notNull(),
	/** The active manifest's label, when the upload has credentials. */
	manifestId: text('manifest_id'),
	/** The io.iscc.v0 value the credentials record, if any. */
	claimedCode: text('claimed_code'),
	/** Bits between the claimed code and the computed one; null when none is claimed or it is unreadable. */
	claimedDistance: integer('claimed_distance')
});

/**
 * Largest Hamming distance (of 64 bits) that counts as the same picture. Measured by the softBinding
 * section of `npm run bench`: the transformations a copy must survive (strip, JPEG q90-60, resize 50% and
 * 150%, WebP, brightness +-5%, PNG to JPEG) moved the code of 60 exports by at most 4 bits; no pair of
 * 1060 unrelated pictures came closer than 12 (README "Durable Content Credentials"). 7 also keeps the
 * index probes small: with chunk radius 1, 68 chunk values are looked up, exact up to distance 7.
 */
export const MATCH_THRESHOLD = 7;
/** Chunk radius that makes the multi-index search exact up to MATCH_THRESHOLD: 4 * (radius + 1) > threshold. */
export const CHUNK_RADIUS = Math.floor(MATCH_THRESHOLD / 4);
/**
 * Bits by which a claimed code may differ from the server's and still agree: browsers and libjpeg builds
 * may round a lossy file's pixels differently by one level, which can flip a bit near the median.
 */
export const CLAIM_TOLERANCE = 2;

/** What the server found about an upload's pixels. */
export interface UploadFingerprint {
	code: string;
	digest: Uint8Array;
	claimedCode: string | null;
	claimedDistance: number | null;
}

/** The code of an upload's decoded pixels (computed by the upload worker), compared with what its credentials claim. */
export function fingerprintUpload(
	code: string,
	verified: Pick<VerifyResult, 'softBindings'>
): UploadFingerprint {
	const digest = decodeImageCode(code)!;
	const claimed = verified.softBindings?.find((b) => b.alg === ISCC_ALG)?.value ?? null;
	const claimedDigest = claimed ? decodeImageCode(claimed) : null;
	return {
		code,
		digest,
		claimedCode: claimed,
		claimedDistance:
			claimedDigest && claimedDigest.length === digest.length ? hammingDistance(claimedDigest, digest) : null
	};
}

/** Does the claimed code agree with the pixels? null when the credentials claim none. */
export function claimAgrees(row: {
	claimedCode: string | null;
	claimedDistance: number | null;
}): boolean | null {
	if (row.claimedCode === null) return null;
	return row.claimedDistance !== null && row.claimedDistance <= CLAIM_TOLERANCE;
}

/** The 64-bit digest as PostgreSQL's signed bigint. */
export function digestBits(digest: Uint8Array): bigint {
	let value = 0n;
	for (const byte of digest) value = (value << 8n) | BigInt(byte);
	return BigInt.asIntN(64, value);
}

export type FingerprintRow = typeof imageFingerprints.$inferSelect;

export function fingerprintRow(
	imageId: string,
	manifestId: string | null,
	found: UploadFingerprint
): FingerprintRow {
	const [chunk0, chunk1, chunk2, chunk3] = digestChunks(found.digest);
	return {
		imageId,
		alg: ISCC_ALG,
		code: found.code,
		bits: digestBits(found.digest),
		chunk0,
		chunk1,
		chunk2,
		chunk3,
		manifestId,
		claimedCode: found.claimedCode,
		claimedDistance: found.claimedDistance
	};
}

/** A query code: the 64-bit digest of an `ISCC:` image code; 400 otherwise. */
export function queryDigest(value: string): Uint8Array {
	const digest = decodeImageCode(value);
	if (!digest) throw new GalleryError(400, 'value must be an ISCC image code (ISCC:EE...).');
	if (digest.length * 8 !== IMAGE_CODE_BITS) {
		throw new GalleryError(400, `value must be a ${IMAGE_CODE_BITS}-bit ISCC image code (ISCC:EEA...).`);
	}
	return digest;
}

/** Anyone's public images that are not hidden, and the viewer's own. */
function matchable(viewer: GalleryUser | null) {
	const shared = and(eq(images.visibility, 'public'), eq(images.hidden, false))!;
	return viewer ? or(shared, eq(images.ownerId, viewer.id))! : shared;
}

export class FingerprintIndex {
	constructor(
		private readonly db: GalleryDb,
		private readonly store: ObjectStore
	) {}

	/** Images whose code is within MATCH_THRESHOLD bits of `digest`, nearest (then earliest) first. */
	async matches(
		digest: Uint8Array,
		viewer: GalleryUser | null,
		maxResults: number
	): Promise<{ imageId: string; manifestId: string; distance: number }[]> {
		const chunks = digestChunks(digest);
		const f = imageFingerprints;
		const columns = [f.chunk0, f.chunk1, f.chunk2, f.chunk3];
		const distance = sql<number>`bit_count((${f.bits} # ${digestBits(digest).toString()}::bigint)::bit(64))::int`;
		const rows = await this.db
			.select({ imageId: f.imageId, manifestId: f.manifestId, distance })
			.from(f)
			.innerJoin(images, eq(images.id, f.imageId))
			.where(
				and(
					or(...columns.map((column, i) => sql`${column} IN ${chunkNeighbours(chunks[i]!, CHUNK_RADIUS)}`)),
					sql`${distance} <= ${MATCH_THRESHOLD}`,
					isNotNull(f.manifestId),
					matchable(viewer)
				)
			)
			.orderBy(asc(distance), asc(images.createdAt), asc(images.id))
			.limit(maxResults);
		return rows.map((r) => ({ imageId: r.imageId, manifestId: r.manifestId!, distance: r.distance }));
	}

	/** The matches as the API answers them, with the gallery page of each under `origin`. */
	async apiMatches(
		digest: Uint8Array,
		viewer: GalleryUser | null,
		maxResults: number,
		origin: string
	): Promise<SoftBindingMatch[]> {
		return (await this.matches(digest, viewer, maxResults)).map((m) => ({
			manifestId: m.manifestId,
			similarityScore: similarityScore(m.distance),
			imageId: m.imageId,
			endpoint: `${origin}/gallery/${encodeURIComponent(m.imageId)}`
		}));
	}

	/** The stored manifest store of a matchable image, by its manifest label; 404 otherwise. */
	async manifestStore(manifestId: string, viewer: GalleryUser | null): Promise<Uint8Array> {
		const [row] = await this.db
			.select({ objectKey: images.objectKey })
			.from(imageFingerprints)
			.innerJoin(images, eq(images.id, imageFingerprints.imageId))
			.where(and(eq(imageFingerprints.manifestId, manifestId), matchable(viewer)))
			.orderBy(asc(images.createdAt), asc(images.id))
			.limit(1);
		const bytes = row ? await this.store.get(row.objectKey) : null;
		const found = bytes ? readManifestStore(bytes) : null;
		if (!found) throw new GalleryError(404, 'No such manifest.');
		return found.store;
	}

	/** What the server computed for an image (the caller checks that the viewer may see the image). */
	async fingerprintOf(imageId: string): Promise<FingerprintRow | null> {
		const [row] = await this.db
			.select()
			.from(imageFingerprints)
			.where(eq(imageFingerprints.imageId, imageId));
		return row ?? null;
	}
}
