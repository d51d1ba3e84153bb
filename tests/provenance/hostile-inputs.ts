// Structure-aware generators of hostile inputs for every parser under provenance/ and for `.rakkan` project
// files: correctly signed manifest stores that are expensive to check (nested and cross-referencing manifests,
// one assertion named 100,000 times, deep CBOR, cycles), containers with absurd chunk counts and declared
// lengths, hostile COSE/DER, XMP and zip bombs. Shared by tests/provenance/hostile.test.ts and bench/hostile.ts.
import { strToU8, zipSync } from 'fflate';
import sharp from 'sharp';
import { ascii, concat, sha256, u16be, u32be, utf8 } from '../../src/lib/provenance/c2pa/bytes';
import { encodeCbor } from '../../src/lib/provenance/c2pa/cbor';
import { createLocalIdentity, derToPem } from '../../src/lib/provenance/c2pa/certificates';
import { signClaim } from '../../src/lib/provenance/c2pa/cose';
import { app11Segments, manifestInsertOffset } from '../../src/lib/provenance/c2pa/jpeg';
import { VERIFY_LIMITS } from '../../src/lib/provenance/c2pa/limits';
import { contentBox, superBox } from '../../src/lib/provenance/c2pa/jumbf';
import { pngChunk } from '../../src/lib/provenance/c2pa/png';
import { webCryptoSigner, type Signer } from '../../src/lib/provenance/c2pa/signer';
import { riffChunk, withRiffSize } from '../../src/lib/provenance/c2pa/webp';

/** Which parser an input is for; the runner (hostile-runner.ts) calls the matching entry point. */
export type HostileKind = 'verify' | 'jumbf' | 'cbor' | 'cose' | 'der' | 'xmp' | 'project';

export interface HostileInput {
	name: string;
	kind: HostileKind;
	bytes: Uint8Array;
	/** verify: the state it must end in; other kinds: `ok` or the error code it must end with. */
	expect: string;
	/** verify: a failure code the result (or a nested manifest) must carry. */
	code?: string;
	/** verify: PEM trust anchors (so the certificate chain is walked too). */
	trust?: string[];
	/** verify: stricter limits, to show a limit is not even approached (e.g. each box hashed once). */
	limits?: Record<string, number>;
}

// ------------------------------------------------------------------------------------------------------
// Signed manifests

export interface HostileSigner {
	signer: Signer;
	root: Uint8Array;
	rootPem: string;
}

export async function hostileSigner(): Promise<HostileSigner> {
	const identity = await createLocalIdentity('Hostile Painter');
	return {
		signer: webCryptoSigner(identity.privateKey, [identity.leaf]),
		root: identity.root,
		rootPem: derToPem(identity.root)
	};
}

export interface AssertionSpec {
	label: string;
	/** CBOR-encoded unless `payload` is given (already encoded, possibly hostile). */
	data?: unknown;
	payload?: Uint8Array;
}

export interface ManifestSpec {
	label?: string;
	assertions: AssertionSpec[];
	/** How many times the claim names each assertion (default once). */
	times?: number;
	/** A claim of these bytes instead (hostile CBOR); it is still signed. */
	claimPayload?: (refs: unknown[], label: string) => Uint8Array;
	/** Signs with this certificate chain instead of the signer's own (hostile certificates). */
	certChain?: Uint8Array[];
}

export function manifestLabel(): string {
	return `urn:c2pa:${crypto.randomUUID()}`;
}

/** A signed `c2ma` manifest box (header included). */
export async function signedManifest(
	spec: ManifestSpec,
	signer: Signer,
	/** Named once, whatever `times` says (the hard binding). */
	once: AssertionSpec[] = []
): Promise<{ label: string; box: Uint8Array }> {
	const label = spec.label ?? manifestLabel();
	const built = await Promise.all(
		[...spec.assertions, ...once].map(async (a) => {
			const payload = a.payload ?? encodeCbor(a.data);
			const box = superBox('cbor', a.label, [contentBox('cbor', payload)]);
			return {
				box,
				uri: {
					url: `self#jumbf=c2pa.assertions/${a.label}`,
					alg: 'sha256',
					hash: await sha256(box.subarray(8))
				}
			};
		})
	);
	const refs: unknown[] = [];
	built.forEach((a, index) => {
		const times = index < spec.assertions.length ? (spec.times ?? 1) : 1;
		for (let i = 0; i < times; i++) refs.push(a.uri);
	});
	const claim =
		spec.claimPayload?.(refs, label) ??
		encodeCbor({
			instanceID: `xmp:iid:${crypto.randomUUID()}`,
			claim_generator_info: { name: 'Hostile', version: '1' },
			signature: `self#jumbf=/c2pa/${label}/c2pa.signature`,
			created_assertions: refs,
			'dc:title': 'hostile.png',
			alg: 'sha256'
		});
	const cose = await signClaim(claim, spec.certChain ? { ...signer, certChain: spec.certChain } : signer);
	const box = superBox('c2ma', label, [
		superBox(
			'c2as',
			'c2pa.assertions',
			built.map((a) => a.box)
		),
		superBox('c2cl', 'c2pa.claim.v2', [contentBox('cbor', claim)]),
		superBox('c2cs', 'c2pa.signature', [contentBox('cbor', cose)])
	]);
	return { label, box };
}

/** An ingredient naming another manifest of the store (hash omitted for a cycle, which no hash can describe). */
export async function ingredient(
	index: number,
	target: { label: string; box?: Uint8Array },
	relationship = 'componentOf'
): Promise<AssertionSpec> {
	const activeManifest: Record<string, unknown> = { url: `self#jumbf=/c2pa/${target.label}` };
	if (target.box) {
		activeManifest.alg = 'sha256';
		activeManifest.hash = await sha256(target.box.subarray(8));
	}
	return {
		label: index === 0 ? 'c2pa.ingredient.v3' : `c2pa.ingredient.v3__${index}`,
		data: { relationship, 'dc:title': `ingredient ${index}`, 'dc:format': 'image/png', activeManifest }
	};
}

const CREATED = {
	label: 'c2pa.actions.v2',
	data: {
		actions: [
			{
				action: 'c2pa.created',
				digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture'
			}
		]
	}
};

let basePng: Uint8Array | undefined;

export async function smallPng(): Promise<Uint8Array> {
	basePng ??= new Uint8Array(
		await sharp({ create: { width: 16, height: 12, channels: 3, background: '#a05030' } })
			.png()
			.toBuffer()
	);
	return basePng;
}

/** Right after the PNG signature (8) and IHDR (25): where the `caBX` chunk goes. */
const AFTER_IHDR = 33;

/**
 * A PNG whose manifest store holds `earlier` manifests and then an active one made from `active`, with a
 * correct data hash: the file is as valid as its manifests make it.
 */
export async function signedPng(
	earlier: Uint8Array[],
	active: ManifestSpec,
	signer: Signer
): Promise<Uint8Array> {
	const png = await smallPng();
	const hash = await sha256(png);
	const label = active.label ?? manifestLabel();
	let excluded = 0;
	for (let round = 0; round < 8; round++) {
		const binding = {
			label: 'c2pa.hash.data',
			data: {
				exclusions: [{ start: AFTER_IHDR, length: excluded }],
				name: 'jumbf manifest',
				alg: 'sha256',
				hash,
				pad: new Uint8Array(0)
			}
		};
		const manifest = await signedManifest({ ...active, label }, signer, [binding]);
		const store = superBox('c2pa', 'c2pa', [...earlier, manifest.box]);
		const chunk = pngChunk('caBX', store);
		if (chunk.length === excluded)
			return concat([png.subarray(0, AFTER_IHDR), chunk, png.subarray(AFTER_IHDR)]);
		excluded = chunk.length;
	}
	throw new Error('the manifest size did not settle');
}

/** The same store in a JPEG (APP11) or a WebP (`C2PA` chunk): the data hash no longer matches. */
export async function inJpegAndWebp(png: Uint8Array): Promise<{ jpeg: Uint8Array; webp: Uint8Array }> {
	const store = storeOfPng(png);
	const picture = sharp({ create: { width: 16, height: 12, channels: 3, background: '#3050a0' } });
	const jpeg = new Uint8Array(await picture.clone().jpeg().toBuffer());
	const webp = new Uint8Array(await picture.clone().webp().toBuffer());
	const at = manifestInsertOffset(jpeg);
	const withStore = concat([webp, riffChunk('C2PA', store)]);
	return {
		jpeg: concat([jpeg.subarray(0, at), app11Segments(store), jpeg.subarray(at)]),
		webp: withRiffSize(withStore, withStore.length)
	};
}

function storeOfPng(png: Uint8Array): Uint8Array {
	const length = new DataView(png.buffer, png.byteOffset).getUint32(AFTER_IHDR);
	return png.subarray(AFTER_IHDR + 8, AFTER_IHDR + 8 + length);
}

/** A PNG carrying this (unsigned, possibly broken) store as it is. */
export async function pngWithStore(store: Uint8Array): Promise<Uint8Array> {
	const png = await smallPng();
	return concat([png.subarray(0, AFTER_IHDR), pngChunk('caBX', store), png.subarray(AFTER_IHDR)]);
}

/**
 * `levels` levels of `perLevel` manifests; every manifest of a level names every manifest of the next one
 * as an ingredient, so the tree has perLevel^levels paths; the active manifest names the first level.
 */
export async function crossReferenced(levels: number, perLevel: number, signer: Signer): Promise<Uint8Array> {
	let below: { label: string; box: Uint8Array }[] = [];
	const boxes: Uint8Array[] = [];
	for (let level = 0; level < levels; level++) {
		const here: { label: string; box: Uint8Array }[] = [];
		for (let k = 0; k < perLevel; k++) {
			const ingredients = await Promise.all(below.map((m, i) => ingredient(i, m)));
			here.push(await signedManifest({ assertions: [CREATED, ...ingredients] }, signer));
		}
		boxes.push(...here.map((m) => m.box));
		below = here;
	}
	const ingredients = await Promise.all(below.map((m, i) => ingredient(i, m)));
	return signedPng(boxes, { assertions: [CREATED, ...ingredients] }, signer);
}

/** CBOR nested `depth` arrays deep around one integer. */
export function deepCbor(depth: number): Uint8Array {
	const out = new Uint8Array(depth + 1).fill(0x81);
	out[depth] = 0x01;
	return out;
}

// ------------------------------------------------------------------------------------------------------
// Containers

/** A PNG with `count` empty private chunks before IEND. */
export async function manyPngChunks(count: number): Promise<Uint8Array> {
	const png = await smallPng();
	const empty = pngChunk('prVt', new Uint8Array(0));
	const filler = new Uint8Array(empty.length * count);
	for (let i = 0; i < count; i++) filler.set(empty, i * empty.length);
	return concat([png.subarray(0, AFTER_IHDR), filler, png.subarray(AFTER_IHDR)]);
}

/** A JPEG with `count` empty COM segments after SOI. */
export function manyJpegSegments(count: number): Uint8Array {
	const out = new Uint8Array(2 + count * 4 + 2);
	out.set([0xff, 0xd8]);
	for (let i = 0; i < count; i++) out.set([0xff, 0xfe, 0x00, 0x02], 2 + i * 4);
	out.set([0xff, 0xd9], out.length - 2);
	return out;
}

/** A WebP with `count` empty chunks. */
export function manyWebpChunks(count: number): Uint8Array {
	const body = new Uint8Array(count * 8);
	for (let i = 0; i < count; i++) body.set(ascii('prVt'), i * 8);
	const all = concat([ascii('RIFF'), new Uint8Array(4), ascii('WEBP'), body]);
	return withRiffSize(all, all.length);
}

// ------------------------------------------------------------------------------------------------------
// DER

/** `depth` nested SEQUENCEs with long-form lengths: a "certificate" of nothing but structure. */
export function deepDer(depth: number): Uint8Array {
	let inner: Uint8Array = new Uint8Array([0x05, 0x00]);
	for (let i = 0; i < depth; i++)
		inner = concat([new Uint8Array([0x30, 0x83]), u32be(inner.length).subarray(1), inner]);
	return inner;
}

// ------------------------------------------------------------------------------------------------------
// XMP

export function xmpPacket(body: string): Uint8Array {
	return utf8(
		`<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${body}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
	);
}

// ------------------------------------------------------------------------------------------------------
// .rakkan zips

/** A zip whose end record (zip64) claims 2^32-1 entries in a central directory that is not there. */
export function zip64EntryBomb(): Uint8Array {
	const zip = zipSync({ 'project.json': strToU8('{}') });
	// Locate the end of central directory record and put a zip64 locator and record before it.
	const eocd = zip.length - 22;
	const cdOffset = new DataView(zip.buffer).getUint32(eocd + 16, true);
	const record = new Uint8Array(56);
	const r = new DataView(record.buffer);
	r.setUint32(0, 0x06064b50, true);
	r.setBigUint64(4, 44n, true);
	r.setUint16(12, 45, true);
	r.setUint16(14, 45, true);
	r.setBigUint64(24, 0xffffffffn, true);
	r.setBigUint64(32, 0xffffffffn, true);
	r.setBigUint64(40, 46n, true);
	r.setBigUint64(48, BigInt(cdOffset), true);
	const locator = new Uint8Array(20);
	const l = new DataView(locator.buffer);
	l.setUint32(0, 0x07064b50, true);
	l.setBigUint64(8, BigInt(eocd), true);
	l.setUint32(16, 1, true);
	const end = zip.slice(eocd);
	const e = new DataView(end.buffer);
	e.setUint16(8, 0xffff, true);
	e.setUint16(10, 0xffff, true);
	e.setUint32(16, 0xffffffff, true);
	return concat([zip.subarray(0, eocd), record, locator, end]);
}

/** A zip of `count` empty files besides project.json. */
export function manyEntries(count: number): Uint8Array {
	const files: Record<string, Uint8Array> = { 'project.json': strToU8('{"format":"rakkan-project"}') };
	for (let i = 0; i < count; i++) files[`blobs/${i}`] = new Uint8Array(0);
	return zipSync(files, { level: 0 });
}

/** project.json as `bytes` zeros (deflated to about a thousandth), or with its declared size rewritten. */
export function deflateBomb(bytes: number, declared?: number): Uint8Array {
	const zip = zipSync({ 'project.json': new Uint8Array(bytes) }, { level: 9 });
	if (declared === undefined) return zip;
	const view = new DataView(zip.buffer);
	// The local header's and the central directory's uncompressed sizes.
	view.setUint32(22, declared, true);
	const eocd = zip.length - 22;
	const cd = view.getUint32(eocd + 16, true);
	view.setUint32(cd + 24, declared, true);
	return zip;
}

/** A blob entry deflated far beyond what an image (already compressed) ever deflates. */
export function blobBomb(bytes: number): Uint8Array {
	return zipSync(
		{
			'project.json': strToU8('{"format":"rakkan-project"}'),
			[`blobs/${'0'.repeat(64)}`]: new Uint8Array(bytes)
		},
		{ level: 9 }
	);
}

/** project.json nested `depth` arrays deep. */
export function deepJsonProject(depth: number): Uint8Array {
	return zipSync({ 'project.json': strToU8(`${'['.repeat(depth)}${']'.repeat(depth)}`) }, { level: 9 });
}

// ------------------------------------------------------------------------------------------------------
// The suite

/** What the cases are made with: one signer (and its root, to trust) for the whole suite. */
export interface HostileContext {
	signer: Signer;
	/** The signer's root certificate (DER) and, to trust, its PEM. */
	root: Uint8Array;
	trust: string[];
	/** The PEM of a root that signed none of the cases. */
	otherTrust: string[];
}

export interface HostileCase extends Omit<HostileInput, 'bytes' | 'trust'> {
	/** Verify with the suite's root as a trust anchor (so the certificate chain is walked too). */
	trusted?: boolean;
	/** Verify with a root that signed nothing as the trust anchor (every chain is walked to its end). */
	otherRoot?: boolean;
	make(ctx: HostileContext): Promise<Uint8Array> | Uint8Array;
}

export async function hostileContext(): Promise<HostileContext> {
	const { signer, rootPem, root } = await hostileSigner();
	const other = await hostileSigner();
	return { signer, root, trust: [rootPem], otherTrust: [other.rootPem] };
}

export async function hostileInput(item: HostileCase, ctx: HostileContext): Promise<HostileInput> {
	const { make, trusted, otherRoot, ...rest } = item;
	const trust = trusted ? ctx.trust : otherRoot ? ctx.otherTrust : undefined;
	return { ...rest, bytes: await make(ctx), trust };
}

const L = VERIFY_LIMITS;
const ingredientLabel = (i: number) => (i === 0 ? 'c2pa.ingredient.v3' : `c2pa.ingredient.v3__${i}`);
const LARGE = { label: 'org.example.large', data: { blob: new Uint8Array(1024 * 1024) } };
const WIDE = new WeakMap<Signer, Promise<Uint8Array>>();
/** 15 levels of 4 manifests, each naming all 4 of the level below: 4^15 paths, 60 manifests. */
function wide(signer: Signer): Promise<Uint8Array> {
	let made = WIDE.get(signer);
	if (!made) WIDE.set(signer, (made = crossReferenced(15, 4, signer)));
	return made;
}

const ROOT_CHAINS = new WeakMap<Signer, Promise<Uint8Array>>();
/** 40 ingredient manifests whose chains are the leaf and copies of its root: long walks, the same pairs. */
function rootChains({ signer, root }: HostileContext): Promise<Uint8Array> {
	let made = ROOT_CHAINS.get(signer);
	if (!made) {
		made = (async () => {
			const chain = [signer.certChain[0]!, ...Array.from({ length: L.certificates - 1 }, () => root)];
			const nested = await Promise.all(
				Array.from({ length: 40 }, () => signedManifest({ assertions: [CREATED], certChain: chain }, signer))
			);
			const ingredients = await Promise.all(nested.map((m, i) => ingredient(i, m)));
			return signedPng(
				nested.map((m) => m.box),
				{ assertions: ingredients },
				signer
			);
		})();
		ROOT_CHAINS.set(signer, made);
	}
	return made;
}

/** Every hostile case, each with what its parser must answer. */
export const HOSTILE_CASES: HostileCase[] = [
	// Nested and cross-referencing manifests.
	{
		name: '15 levels x 4 manifests, each naming all 4 below (4^15 paths)',
		kind: 'verify',
		expect: 'trusted',
		trusted: true,
		make: ({ signer }) => wide(signer)
	},
	{
		name: `${L.nesting + 4} levels x 3 cross-referencing manifests`,
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.nesting',
		trusted: true,
		make: ({ signer }) => crossReferenced(L.nesting + 4, 3, signer)
	},
	{
		name: 'the 4^15 store in a JPEG (its data hash does not match)',
		kind: 'verify',
		expect: 'tampered',
		make: async ({ signer }) => (await inJpegAndWebp(await wide(signer))).jpeg
	},
	{
		name: 'the 4^15 store in a WebP (its data hash does not match)',
		kind: 'verify',
		expect: 'tampered',
		make: async ({ signer }) => (await inJpegAndWebp(await wide(signer))).webp
	},
	{
		name: `${L.manifests + 1} manifests in one store`,
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.manifests',
		make: async ({ signer }) => {
			const many = await Promise.all(
				Array.from({ length: L.manifests }, () => signedManifest({ assertions: [CREATED] }, signer))
			);
			return signedPng(
				many.map((m) => m.box),
				{ assertions: [CREATED] },
				signer
			);
		}
	},

	// Cycles (without hashes: no hash can describe a cycle).
	{
		name: 'two manifests naming each other',
		kind: 'verify',
		expect: 'untrusted',
		code: 'rakkan.manifest.cycle',
		make: async ({ signer }) => {
			const a = { label: manifestLabel() };
			const b = await signedManifest({ assertions: [CREATED, await ingredient(0, a)] }, signer);
			const cycle = await signedManifest(
				{ label: a.label, assertions: [CREATED, await ingredient(0, b)] },
				signer
			);
			return signedPng(
				[b.box, cycle.box],
				{ assertions: [CREATED, await ingredient(0, cycle, 'parentOf')] },
				signer
			);
		}
	},
	{
		name: 'an active manifest naming itself',
		kind: 'verify',
		expect: 'untrusted',
		code: 'rakkan.manifest.cycle',
		make: async ({ signer }) => {
			const label = manifestLabel();
			return signedPng([], { label, assertions: [CREATED, await ingredient(0, { label })] }, signer);
		}
	},

	// Repeated references.
	{
		name: 'a 1 MiB assertion named 100,000 times by the claim',
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.assertionReferences',
		make: ({ signer }) => signedPng([], { assertions: [LARGE], times: 100_000 }, signer)
	},
	{
		name: 'a 1 MiB assertion named 1,000 times, with 4 MiB to hash at most',
		kind: 'verify',
		expect: 'untrusted',
		limits: { hashedBytes: 4 * 1024 * 1024 },
		make: ({ signer }) => signedPng([], { assertions: [LARGE], times: 1000 }, signer)
	},
	{
		name: `${L.ingredients + 1} ingredients in two manifests`,
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.ingredients',
		make: async ({ signer }) => {
			const styles = (from: number, count: number) =>
				Array.from({ length: count }, (_, i) => ({
					label: ingredientLabel(from + i),
					data: { relationship: 'inputTo', 'dc:title': `style ${from + i}` }
				}));
			const half = Math.ceil(L.ingredients / 2);
			const nested = await signedManifest({ assertions: styles(0, half) }, signer);
			const parent = await ingredient(0, nested, 'parentOf');
			return signedPng([nested.box], { assertions: [parent, ...styles(1, L.ingredients - half)] }, signer);
		}
	},
	{
		name: `${L.actions + 1} actions`,
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.actions',
		make: ({ signer }) =>
			signedPng(
				[],
				{
					assertions: [
						{
							label: 'c2pa.actions.v2',
							data: { actions: Array.from({ length: L.actions + 1 }, () => ({ action: 'c2pa.edited' })) }
						}
					]
				},
				signer
			)
	},

	// Deep, long and many CBOR items, signed.
	{
		name: 'a recipe assertion nested 100,000 arrays deep',
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.cborDepth',
		make: ({ signer }) =>
			signedPng(
				[],
				{ assertions: [CREATED, { label: 'org.rakkan.recipe', payload: deepCbor(100_000) }] },
				signer
			)
	},
	{
		name: 'a claim nested 100,000 arrays deep',
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.cborDepth',
		make: ({ signer }) =>
			signedPng(
				[],
				{
					assertions: [CREATED],
					claimPayload: () => concat([new Uint8Array([0xa1, 0x61, 0x78]), deepCbor(100_000)])
				},
				signer
			)
	},
	{
		name: 'a claim title of 1 MiB',
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.stringBytes',
		make: ({ signer }) =>
			signedPng(
				[],
				{
					assertions: [CREATED],
					claimPayload: (refs, label) =>
						encodeCbor({
							signature: `self#jumbf=/c2pa/${label}/c2pa.signature`,
							created_assertions: refs,
							'dc:title': 'x'.repeat(1 << 20)
						})
				},
				signer
			)
	},
	{
		name: 'an actions assertion of a million integers',
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.cborItems',
		make: ({ signer }) => {
			const items = new Uint8Array(L.cborItems + 10).fill(0x01);
			items[0] = 0x9f;
			items[items.length - 1] = 0xff;
			return signedPng([], { assertions: [{ label: 'c2pa.actions.v2', payload: items }] }, signer);
		}
	},

	// COSE and certificates.
	{
		name: `${L.certificates + 1} certificates in the chain`,
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.certificates',
		make: ({ signer }) =>
			signedPng(
				[],
				{
					assertions: [CREATED],
					certChain: Array.from({ length: L.certificates + 1 }, () => signer.certChain[0]!)
				},
				signer
			)
	},
	{
		name: `a chain of ${L.certificates} copies of the leaf, walked to a trust anchor`,
		kind: 'verify',
		expect: 'trusted',
		trusted: true,
		make: ({ signer }) =>
			signedPng(
				[],
				{
					assertions: [CREATED],
					certChain: Array.from({ length: L.certificates }, () => signer.certChain[0]!)
				},
				signer
			)
	},
	{
		name: `40 ingredient manifests, each signed with the leaf and ${L.certificates - 1} copies of its root, against another root`,
		kind: 'verify',
		expect: 'untrusted',
		otherRoot: true,
		make: (ctx) => rootChains(ctx)
	},
	{
		name: 'the same, allowed only 32 signature checks',
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.signatureChecks',
		otherRoot: true,
		limits: { signatureChecks: 32 },
		make: (ctx) => rootChains(ctx)
	},
	{
		name: 'a leaf "certificate" of 13,000 nested sequences',
		kind: 'verify',
		expect: 'invalid',
		code: 'claimSignature.mismatch',
		make: ({ signer }) => signedPng([], { assertions: [CREATED], certChain: [deepDer(13_000)] }, signer)
	},
	{
		name: 'a COSE_Sign1 nested 100,000 tags deep',
		kind: 'cose',
		expect: 'rakkan.limit.cborDepth',
		make: () => concat([new Uint8Array(100_000).fill(0xd2), new Uint8Array([0x01])])
	},
	{
		name: 'a COSE_Sign1 declaring a 2^64-1 byte signature',
		kind: 'cose',
		expect: 'cbor.invalid',
		make: () => concat([new Uint8Array([0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x5b]), new Uint8Array(8).fill(0xff)])
	},
	{
		name: 'a certificate declaring 4 GiB',
		kind: 'der',
		expect: 'cose.der',
		make: () => concat([new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), new Uint8Array(64)])
	},
	{ name: 'DER nested 10,000 deep', kind: 'der', expect: 'ok', make: () => deepDer(10_000) },

	// CBOR on its own.
	{
		name: 'CBOR declaring a map of 2^32-1 entries',
		kind: 'cbor',
		expect: 'cbor.invalid',
		make: () => new Uint8Array([0xba, 0xff, 0xff, 0xff, 0xff, 0x61, 0x61, 0x01])
	},
	{
		name: 'CBOR declaring a text of 2^64-1 bytes',
		kind: 'cbor',
		expect: 'cbor.invalid',
		make: () => concat([new Uint8Array([0x7b]), new Uint8Array(8).fill(0xff)])
	},
	{
		name: 'CBOR of 1,000,000 nested indefinite arrays',
		kind: 'cbor',
		expect: 'rakkan.limit.cborDepth',
		make: () => new Uint8Array(1_000_000).fill(0x9f)
	},

	// JUMBF.
	{
		name: 'JUMBF superboxes nested 1,000 deep',
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.jumbfDepth',
		make: () => {
			let nested = superBox('cbor', 'leaf', []);
			for (let i = 0; i < 1000; i++) nested = superBox('c2pa', 'c2pa', [nested]);
			return pngWithStore(nested);
		}
	},
	{
		name: `${L.jumbfBoxes + 1} JUMBF boxes`,
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.jumbfBoxes',
		make: () => {
			const box = contentBox('cbor', new Uint8Array(0));
			const boxes = new Uint8Array(box.length * (L.jumbfBoxes + 1));
			for (let i = 0; i <= L.jumbfBoxes; i++) boxes.set(box, i * box.length);
			return pngWithStore(superBox('c2pa', 'c2pa', [boxes]));
		}
	},
	{
		name: 'a JUMBF box declaring 2^53-1 bytes',
		kind: 'jumbf',
		expect: 'jumbf.length',
		make: () => concat([u32be(1), ascii('jumb'), u32be(0x1fffff), u32be(0xffffffff), new Uint8Array(32)])
	},

	// Containers.
	{
		name: `a PNG of ${L.containerChunks + 1} chunks`,
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.containerChunks',
		make: () => manyPngChunks(L.containerChunks + 1)
	},
	{
		name: `a JPEG of ${L.containerChunks + 1} segments`,
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.containerChunks',
		make: () => manyJpegSegments(L.containerChunks + 1)
	},
	{
		name: `a WebP of ${L.containerChunks + 1} chunks`,
		kind: 'verify',
		expect: 'unchecked',
		code: 'rakkan.limit.containerChunks',
		make: () => manyWebpChunks(L.containerChunks + 1)
	},
	{
		name: 'a PNG caBX chunk declaring 2 GiB',
		kind: 'verify',
		expect: 'invalid',
		code: 'general.error',
		make: async () => {
			const png = await smallPng();
			return concat([png.subarray(0, AFTER_IHDR), u32be(0x7fffffff), ascii('caBX'), new Uint8Array(16)]);
		}
	},
	{
		name: 'a JPEG APP11 segment running past the end',
		kind: 'verify',
		expect: 'invalid',
		code: 'general.error',
		make: () =>
			concat([new Uint8Array([0xff, 0xd8, 0xff, 0xeb]), u16be(0xffff), ascii('JP'), new Uint8Array(30)])
	},
	{
		name: 'a WebP declaring 4 GiB',
		kind: 'verify',
		expect: 'invalid',
		code: 'general.error',
		make: () => concat([ascii('RIFF'), u32be(0xffffffff), ascii('WEBP'), ascii('C2PA'), u32be(0xffffffff)])
	},

	// XMP.
	{
		name: 'XMP: 200,000 nested elements',
		kind: 'xmp',
		expect: 'ok',
		make: () => xmpPacket('<rdf:Description>'.repeat(200_000))
	},
	{
		name: 'XMP: 100,000 namespaces, then 50,000 elements',
		kind: 'xmp',
		expect: 'ok',
		make: () => {
			const namespaces = Array.from({ length: 100_000 }, (_, i) => `xmlns:n${i}="urn:n${i}"`).join(' ');
			return xmpPacket(`<rdf:Description ${namespaces}>${'<n1:a/>'.repeat(50_000)}</rdf:Description>`);
		}
	},
	{
		name: 'XMP: elements of 100,000 attributes each',
		kind: 'xmp',
		expect: 'ok',
		make: () => {
			const attributes = Array.from({ length: 100_000 }, (_, i) => `a${i}="v"`).join(' ');
			return xmpPacket(`<rdf:Description ${attributes}/>`.repeat(3));
		}
	},
	{
		name: 'XMP: 4 MiB of entities',
		kind: 'xmp',
		expect: 'ok',
		make: () =>
			xmpPacket(`<rdf:Description><dc:title>${'&amp;'.repeat(800_000)}</dc:title></rdf:Description>`)
	},

	// .rakkan projects.
	{
		name: 'a zip64 end record claiming 2^32-1 entries',
		kind: 'project',
		expect: 'damaged',
		make: zip64EntryBomb
	},
	{ name: '20,001 entries', kind: 'project', expect: 'tooLarge', make: () => manyEntries(20_001) },
	{
		name: 'project.json declaring 3 GiB',
		kind: 'project',
		expect: 'tooLarge',
		make: () => deflateBomb(1024, 0xc0000000)
	},
	{
		name: 'project.json of 1 MiB declared as 100 bytes',
		kind: 'project',
		expect: 'invalidJson',
		make: () => deflateBomb(1 << 20, 100)
	},
	{
		name: 'an image of 64 MiB of zeros, deflated 1000:1',
		kind: 'project',
		expect: 'tooLarge',
		make: () => blobBomb(64 << 20)
	},
	{
		name: 'project.json nested 1,000,000 arrays deep',
		kind: 'project',
		expect: 'invalid',
		make: () => deepJsonProject(1_000_000)
	}
];
