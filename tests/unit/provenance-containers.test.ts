// The container layer of Content Credentials: PNG chunks, JPEG segments (APP11 JUMBF, APP1 XMP), JUMBF
// boxes and CBOR. Round trips, exact layouts, and a typed error with a clear message for broken input.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ascii, concat, toHex, u16be, u32be } from '../../src/lib/provenance/c2pa/bytes';
import {
	cborBudget,
	decodeCbor,
	decodeCborMaps,
	encodeCbor,
	Tagged
} from '../../src/lib/provenance/c2pa/cbor';
import { ProvenanceError } from '../../src/lib/provenance/c2pa/errors';
import { LimitError, VERIFY_LIMITS } from '../../src/lib/provenance/c2pa/limits';
import {
	app11Segments,
	app11Size,
	manifestInsertOffset,
	parseJpeg,
	readJpegManifest,
	readJpegXmp,
	removeJpegManifest,
	setJpegXmp
} from '../../src/lib/provenance/c2pa/jpeg';
import {
	childByLabel,
	contentBox,
	parseJumbf,
	superBox,
	typeUuid
} from '../../src/lib/provenance/c2pa/jumbf';
import { crc32 } from '../../src/lib/kernels/crc32';
import {
	parsePng,
	pngChunk,
	readPngManifest,
	readPngXmp,
	removePngManifest,
	setPngXmp,
	splitAfterIhdr
} from '../../src/lib/provenance/c2pa/png';
import { pattern } from '../helpers/images';

/** Runs `fn` and returns the ProvenanceError it throws (failing when it throws anything else or nothing). */
function caught(fn: () => unknown): ProvenanceError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(ProvenanceError);
		return error as ProvenanceError;
	}
	throw new Error('expected a ProvenanceError');
}

/** A small store: a c2pa superbox around one labelled CBOR box, padded to `size` bytes. */
function store(size = 200): Uint8Array {
	const base = superBox('c2pa', 'c2pa', [superBox('cbor', 'x', [contentBox('cbor', encodeCbor({ a: 1 }))])]);
	const pad = Math.max(0, size - base.length - 8);
	return superBox('c2pa', 'c2pa', [
		superBox('cbor', 'x', [contentBox('cbor', encodeCbor({ a: 1 }))]),
		contentBox('free', new Uint8Array(pad))
	]);
}

describe('PNG', () => {
	it('computes the PNG CRC-32 (IEND is AE 42 60 82)', () => {
		expect(crc32(ascii('IEND'))).toBe(0xae426082);
	});

	it('parses chunks, reports CRC mismatches instead of throwing, and splits after IHDR', async () => {
		const png = new Uint8Array(await pattern(16, 8).png().toBuffer());
		const chunks = parsePng(png);
		expect(chunks[0]?.type).toBe('IHDR');
		expect(chunks.at(-1)?.type).toBe('IEND');
		expect(chunks.every((c) => c.crcOk)).toBe(true);
		const broken = png.slice();
		broken[chunks[1]!.offset + 8]! ^= 0xff;
		expect(parsePng(broken).find((c) => c.offset === chunks[1]!.offset)?.crcOk).toBe(false);
		const { head, tail } = splitAfterIhdr(png);
		expect(head.length).toBe(33);
		expect(head.length + tail.length).toBe(png.length);
	});

	it('inserts, finds and removes a caBX chunk', async () => {
		const png = new Uint8Array(await pattern(16, 8).png().toBuffer());
		const { head, tail } = splitAfterIhdr(png);
		const data = store();
		const signed = concat([head, pngChunk('caBX', data), tail]);
		expect(readPngManifest(signed)).toEqual({ store: data, offset: 33, size: data.length + 12 });
		expect(removePngManifest(signed)).toEqual(png);
		expect(readPngManifest(png)).toBeNull();
	});

	it('writes XMP as an uncompressed iTXt chunk, replacing rather than adding', async () => {
		const png = new Uint8Array(await pattern(16, 8).png().toBuffer());
		const once = setPngXmp(png, '<x:xmpmeta>one</x:xmpmeta>');
		const twice = setPngXmp(once, '<x:xmpmeta>two ✓</x:xmpmeta>');
		expect(readPngXmp(twice)).toBe('<x:xmpmeta>two ✓</x:xmpmeta>');
		expect(parsePng(twice).filter((c) => c.type === 'iTXt')).toHaveLength(1);
		const itxt = parsePng(twice).find((c) => c.type === 'iTXt')!;
		expect(toHex(itxt.data.subarray(17, 22))).toBe('0000000000'); // NUL, no compression, method, lang, translated
		const { info } = await sharp(twice).raw().toBuffer({ resolveWithObject: true });
		expect([info.width, info.height]).toEqual([16, 8]);
	});

	it('says what is wrong with a broken PNG', async () => {
		const png = new Uint8Array(await pattern(16, 8).png().toBuffer());
		expect(caught(() => parsePng(png.subarray(0, 20))).code).toBe('png.truncated');
		expect(caught(() => parsePng(ascii('GIF89a........'))).code).toBe('png.signature');
		const huge = png.slice();
		huge.set(u32be(0xfffffff0), 8);
		expect(caught(() => parsePng(huge)).code).toBe('png.length');
		const badType = png.slice();
		badType.set(ascii('I#DR'), 12);
		expect(caught(() => parsePng(badType)).message).toMatch(/invalid type/);
		const notFirst = concat([png.subarray(0, 8), pngChunk('tEXt', ascii('a\0b')), png.subarray(8)]);
		expect(caught(() => parsePng(notFirst)).code).toBe('png.ihdr');
	});
});

describe('JPEG', () => {
	async function jpeg(): Promise<Uint8Array> {
		return new Uint8Array(await pattern(16, 8).jpeg().toBuffer());
	}

	/** sharp writes no JFIF APP0; many cameras and editors do. */
	function withJfif(plain: Uint8Array): Uint8Array {
		const app0 = concat([
			new Uint8Array([0xff, 0xe0, 0, 16]),
			ascii('JFIF\0'),
			new Uint8Array([1, 1, 0, 0, 1, 0, 1, 0, 0])
		]);
		return concat([plain.subarray(0, 2), app0, plain.subarray(2)]);
	}

	it('splits a store into APP11 segments and reassembles it, continuation headers repeated', () => {
		for (const size of [40, 64000, 64001, 200_000]) {
			const data = store(size);
			const segments = app11Segments(data);
			expect(segments.length).toBe(app11Size(data.length));
			const file = concat([
				new Uint8Array([0xff, 0xd8]),
				segments,
				new Uint8Array([0xff, 0xda, 0, 2, 0xff, 0xd9])
			]);
			const found = readJpegManifest(file)!;
			expect(found.store).toEqual(data);
			expect(found.segments.length).toBe(Math.ceil(data.length / 64000));
			const first = found.segments[0]!;
			expect(toHex(first.payload.subarray(0, 8))).toBe('4a50021100000001'); // 'JP', En 0x0211, Z = 1
			if (found.segments[1]) {
				const second = found.segments[1].payload;
				expect(toHex(second.subarray(4, 16))).toBe(`00000002${toHex(data.subarray(0, 8))}`);
			}
		}
	});

	it('puts the manifest after a JFIF APP0 (or right after SOI), and removes it again', async () => {
		const plain = await jpeg();
		expect(manifestInsertOffset(plain)).toBe(2);
		const jfif = withJfif(plain);
		const at = manifestInsertOffset(jfif);
		expect(at).toBe(2 + 18);
		const signed = concat([jfif.subarray(0, at), app11Segments(store()), jfif.subarray(at)]);
		expect(readJpegManifest(signed)?.store).toEqual(store());
		expect(removeJpegManifest(signed)).toEqual(jfif);
		const { info } = await sharp(signed).raw().toBuffer({ resolveWithObject: true });
		expect(info.width).toBe(16);
	});

	it('writes XMP in one APP1 segment after JFIF/Exif, replacing the old packet and its ExtendedXMP', async () => {
		const plain = withJfif(await jpeg());
		const once = setJpegXmp(plain, '<x:xmpmeta>one</x:xmpmeta>');
		expect(readJpegXmp(once)).toBe('<x:xmpmeta>one</x:xmpmeta>');
		expect(
			parseJpeg(once)
				.segments.map((s) => s.marker)
				.slice(0, 2)
		).toEqual([0xe0, 0xe1]);
		const extended = concat([ascii('http://ns.adobe.com/xmp/extension/\0'), new Uint8Array(40)]);
		const withExtended = concat([
			once.subarray(0, 2),
			new Uint8Array([0xff, 0xe1]),
			u16be(extended.length + 2),
			extended,
			once.subarray(2)
		]);
		const twice = setJpegXmp(withExtended, '<x:xmpmeta>two</x:xmpmeta>');
		expect(readJpegXmp(twice)).toBe('<x:xmpmeta>two</x:xmpmeta>');
		expect(parseJpeg(twice).segments.filter((s) => s.marker === 0xe1)).toHaveLength(1);
		expect(caught(() => setJpegXmp(plain, 'x'.repeat(70_000))).code).toBe('xmp.size');
	});

	it('says what is wrong with a broken JPEG', async () => {
		const plain = await jpeg();
		expect(caught(() => parseJpeg(ascii('not a jpeg'))).code).toBe('jpeg.signature');
		expect(caught(() => parseJpeg(plain.subarray(0, 30))).code).toBe('jpeg.truncated');
		const noMarker = plain.slice();
		noMarker[2] = 0x12;
		expect(caught(() => parseJpeg(noMarker)).message).toMatch(/expected a marker at offset 2/);
		const segments = app11Segments(store(130_000));
		// Three segments, the last two swapped: out of order.
		const one = 2 + ((segments[2]! << 8) | segments[3]!);
		const two = one + 2 + ((segments[one + 2]! << 8) | segments[one + 3]!);
		const swapped = concat([
			plain.subarray(0, 2),
			segments.subarray(0, one),
			segments.subarray(two),
			segments.subarray(one, two),
			plain.subarray(2)
		]);
		expect(caught(() => readJpegManifest(swapped)).code).toBe('jpeg.app11');
		const other = app11Segments(store());
		other.set([0x00, 0x01], 6); // another box instance number (En)
		const twice = concat([plain.subarray(0, 2), app11Segments(store()), other, plain.subarray(2)]);
		expect(caught(() => readJpegManifest(twice)).message).toMatch(/more than one C2PA manifest store/);
	});

	it('skips fill bytes before a marker', async () => {
		const plain = await jpeg();
		const filled = concat([plain.subarray(0, 2), new Uint8Array([0xff, 0xff]), plain.subarray(2)]);
		expect(parseJpeg(filled).segments.length).toBe(parseJpeg(plain).segments.length);
	});
});

describe('JUMBF', () => {
	it('builds and parses superboxes with description labels and C2PA type UUIDs', () => {
		const claim = contentBox('cbor', encodeCbor({ instanceID: 'x' }));
		const manifest = superBox('c2ma', 'urn:c2pa:1', [superBox('c2cl', 'c2pa.claim.v2', [claim])]);
		const root = parseJumbf(superBox('c2pa', 'c2pa', [manifest]));
		expect(root).toMatchObject({ typeCode: 'c2pa', label: 'c2pa', uuid: toHex(typeUuid('c2pa')) });
		expect(toHex(typeUuid('c2pa'))).toBe('6332706100110010800000aa00389b71');
		const m = childByLabel(root, 'urn:c2pa:1')!;
		expect(m.typeCode).toBe('c2ma');
		expect(m.raw).toEqual(manifest);
		expect(m.contents).toEqual(manifest.subarray(8));
		const c = childByLabel(m, 'c2pa.claim.v2')!;
		expect(c.children[0]).toMatchObject({ kind: 'content', type: 'cbor' });
	});

	it('reads extended (LBox = 1) and to-the-end (LBox = 0) box lengths', () => {
		const inner = superBox('cbor', 'a', [contentBox('cbor', encodeCbor(1))]);
		const body = inner.subarray(8);
		const extended = concat([u32be(1), ascii('jumb'), u32be(0), u32be(16 + body.length), body]);
		expect(parseJumbf(extended).label).toBe('a');
		const toEnd = concat([u32be(0), ascii('jumb'), body]);
		expect(parseJumbf(toEnd).label).toBe('a');
	});

	it('says what is wrong with broken boxes', () => {
		const good = superBox('c2pa', 'c2pa', [contentBox('cbor', encodeCbor(1))]);
		expect(caught(() => parseJumbf(good.subarray(0, good.length - 1))).code).toBe('jumbf.length');
		expect(caught(() => parseJumbf(concat([good, new Uint8Array(3)]))).message).toMatch(
			/bytes after the superbox/
		);
		expect(caught(() => parseJumbf(contentBox('jumb', contentBox('cbor', new Uint8Array(1))))).code).toBe(
			'jumbf.description'
		);
		const noNul = contentBox(
			'jumb',
			contentBox('jumd', concat([typeUuid('c2pa'), new Uint8Array([3]), ascii('abc')]))
		);
		expect(caught(() => parseJumbf(noNul)).code).toBe('jumbf.label');
		const tooShort = concat([u32be(4), ascii('jumb')]);
		expect(caught(() => parseJumbf(tooShort)).code).toBe('jumbf.length');
		let deep = superBox('cbor', 'leaf', []);
		for (let i = 0; i < 40; i++) deep = superBox('c2pa', `level ${i}`, [deep]);
		expect(caught(() => parseJumbf(deep)).code).toBe('rakkan.limit.jumbfDepth');
	});
});

describe('CBOR', () => {
	it('writes Maps and objects as plain CBOR maps (no tag 259), integer keys kept, floats as float64', () => {
		const bytes = encodeCbor(
			new Map<number, unknown>([
				[1, -7],
				[33, new Uint8Array([1, 2])]
			])
		);
		expect(toHex(bytes)).toBe('a201261821420102');
		expect(toHex(bytes)).not.toContain('d90103');
		expect(decodeCborMaps(bytes)).toEqual(
			new Map<number, unknown>([
				[1, -7],
				[33, new Uint8Array([1, 2])]
			])
		);
		expect(toHex(encodeCbor({ w: 0.5 }))).toBe('a16177fb3fe0000000000000');
		expect(toHex(encodeCbor({ a: undefined, b: 1 }))).toBe('a1616201');
	});

	it('keeps tags when asked (COSE_Sign1 is tag 18) and unwraps them otherwise', () => {
		const tagged = encodeCbor(new Tagged(18, [1]));
		const kept = decodeCborMaps(tagged) as Tagged;
		expect(kept).toBeInstanceOf(Tagged);
		expect(kept.tag).toBe(18);
		expect(decodeCbor(encodeCbor({ when: new Tagged(0, '2026-01-01T00:00:00Z') }))).toEqual({
			when: '2026-01-01T00:00:00Z'
		});
	});

	it('refuses malformed CBOR with a typed error', () => {
		const codes = (bytes: number[]) => caught(() => decodeCbor(new Uint8Array(bytes)));
		expect(codes([]).code).toBe('cbor.empty');
		expect(codes([0x01, 0x02]).message).toMatch(/CBOR/);
		expect(codes([0x61, 0xff]).code).toBe('cbor.utf8');
		expect(codes([0xa1, 0x61, 0x61, 0xff]).code).toMatch(/^cbor\./);
		expect(codes([0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02]).message).toMatch(/repeat map key/);
		expect(codes([0x5a, 0xff, 0xff, 0xff, 0xff]).code).toMatch(/^cbor\./);
	});

	it('stops at the CBOR limits before building anything: depth, items, text length', () => {
		const deep = caught(() => decodeCbor(new Uint8Array(200_000).fill(0x81)));
		expect(deep).toBeInstanceOf(LimitError);
		expect(deep.code).toBe('rakkan.limit.cborDepth');
		expect(deep.message).toBe(
			`the credentials are too complex to check: ${VERIFY_LIMITS.cborDepth + 1} levels of nested data, limit ${VERIFY_LIMITS.cborDepth}`
		);
		// Exactly at the depth limit is fine.
		const atLimit = new Uint8Array(VERIFY_LIMITS.cborDepth + 1).fill(0x81);
		atLimit[VERIFY_LIMITS.cborDepth] = 0x01;
		expect(() => decodeCbor(atLimit)).not.toThrow();
		// An indefinite-length array of a million and more small integers.
		const many = new Uint8Array(VERIFY_LIMITS.cborItems + 10).fill(0x01);
		many[0] = 0x9f;
		many[many.length - 1] = 0xff;
		expect(caught(() => decodeCbor(many)).code).toBe('rakkan.limit.cborItems');
		// The budget is shared by every decode that is given it.
		const budget = cborBudget(5);
		expect(decodeCbor(encodeCbor([1, 2]), budget)).toEqual([1, 2]);
		expect(caught(() => decodeCbor(encodeCbor([1, 2]), budget)).code).toBe('rakkan.limit.cborItems');
		const long = encodeCbor({ text: 'x'.repeat(VERIFY_LIMITS.stringBytes + 1) });
		expect(caught(() => decodeCbor(long)).code).toBe('rakkan.limit.stringBytes');
		expect(decodeCbor(encodeCbor({ text: 'x'.repeat(VERIFY_LIMITS.stringBytes) }))).toBeTruthy();
		// A map declaring 2^32 entries fails on the missing data, without allocating for them.
		expect(
			caught(() => decodeCbor(new Uint8Array([0xba, 0xff, 0xff, 0xff, 0xff, 0x61, 0x61, 0x01]))).code
		).toMatch(/^cbor\./);
	});
});
