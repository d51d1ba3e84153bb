import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exiftool } from 'exiftool-vendored';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { styleUseGate } from '../../src/lib/provenance/rights/rights';
import {
	buildXmpPacket,
	DIGITAL_SOURCE_TYPES,
	escapeXml,
	incomingRightsFromXmp,
	NS,
	parseXmp,
	PLUS_DATA_MINING,
	XMP_MAX_BYTES,
	XMP_MAX_LIST,
	XMP_MAX_TEXT,
	XmpError,
	type XmpFields
} from '../../src/lib/provenance/xmp/xmp';
import { seededRandom } from '../helpers/random';
import { c2paFixtureBytes } from '../provenance/helpers';

const FULL: Required<XmpFields> = {
	digitalSourceType: DIGITAL_SOURCE_TYPES.compositeWithTrainedAlgorithmicMedia,
	aiSystemUsed: 'Rakkan arbitrary-wyf',
	aiSystemVersionUsed: '0.1.0',
	creators: ['Aiko Tanaka', 'Rakkan'],
	rights: '© 2026 Aiko Tanaka',
	title: 'Harbour after Rembrandt',
	usageTerms: 'May be published; commercial use allowed.',
	marked: true,
	webStatement: 'https://example.com/rights',
	licensors: [{ name: 'Aiko Tanaka', url: 'https://example.com/aiko' }, { name: 'Second Licensor' }],
	copyrightOwners: ['Aiko Tanaka', 'Studio B'],
	dataMining: PLUS_DATA_MINING.prohibitedAiMlTraining,
	instanceId: 'xmp:iid:4f0a3c1e-0b7e-4a77-9f63-8f1f4b2f1a10',
	documentId: 'xmp:did:1d2c3b4a-5e6f-4a0b-8c9d-0e1f2a3b4c5d',
	format: 'image/png',
	creatorTool: 'Rakkan 0.1.0',
	createDate: '2026-11-26T09:00:00.000Z',
	modelReleaseStatus: 'http://ns.useplus.org/ldf/vocab/MR-LMR',
	peopleShown: 2
};

const utf8 = (s: string) => new TextEncoder().encode(s).length;

describe('buildXmpPacket', () => {
	it('round-trips every field through parseXmp', () => {
		expect(parseXmp(buildXmpPacket(FULL))).toEqual(FULL);
		for (const key of Object.keys(FULL) as (keyof XmpFields)[]) {
			const one = { [key]: FULL[key] } as XmpFields;
			expect(parseXmp(buildXmpPacket(one)), key).toEqual(one);
		}
		expect(parseXmp(buildXmpPacket({ marked: false }))).toEqual({ marked: false });
	});

	it('writes the xpacket wrapper, the namespaces, full URIs and padding', () => {
		const packet = buildXmpPacket(FULL);
		expect(packet.startsWith('<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>')).toBe(true);
		expect(packet.endsWith('<?xpacket end="w"?>')).toBe(true);
		for (const prefix of ['dc', 'xmpRights', 'xmpMM', 'Iptc4xmpExt', 'plus'] as const) {
			expect(packet).toContain(`xmlns:${prefix}="${NS[prefix]}"`);
		}
		expect(NS.Iptc4xmpExt).toBe('http://iptc.org/std/Iptc4xmpExt/2008-02-29/');
		expect(NS.plus).toBe('http://ns.useplus.org/ldf/xmp/1.0/');
		expect(packet).toContain(
			'<Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>'
		);
		expect(packet).toContain(
			'<plus:DataMining>http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING</plus:DataMining>'
		);
		expect(packet).toContain('<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">');
		expect(packet).toContain('<dc:creator><rdf:Seq><rdf:li>Aiko Tanaka</rdf:li>');
		expect(packet).toContain('<xmpRights:Marked>True</xmpRights:Marked>');
		expect(packet).toMatch(/<\/x:xmpmeta>\n {100}\n/); // padding
		expect(utf8(packet)).toBeLessThanOrEqual(XMP_MAX_BYTES);
		expect(buildXmpPacket({})).not.toContain('<dc:');
		expect(parseXmp(buildXmpPacket({}))).toEqual({});
	});

	it('escapes hostile strings and still round-trips them', () => {
		const hostile = [
			'<script>alert(1)</script>',
			'"]]>',
			`it's "quoted" & <b>bold</b>`,
			'落款 — 印章 🖌️',
			'<?xpacket end="w"?>',
			'</rdf:li></rdf:Alt></dc:title><dc:title>x',
			'&amp; stays literal &#60;',
			'line one\nline two\r\nand a tab\t'
		];
		for (const text of hostile) {
			const fields: XmpFields = {
				title: text,
				rights: text,
				usageTerms: text,
				creators: [text, 'plain'],
				aiSystemUsed: text,
				licensors: [{ name: text }],
				copyrightOwners: [text]
			};
			const packet = buildXmpPacket(fields);
			expect(packet, text).not.toContain('<script>');
			expect(packet.match(/<\?xpacket end=/g), text).toHaveLength(1);
			expect(packet.match(/<dc:title>/g), text).toHaveLength(1);
			expect(parseXmp(packet), text).toEqual(fields);
		}
		expect(escapeXml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&apos;');
	});

	it('drops characters XML cannot carry', () => {
		const packet = buildXmpPacket({ title: 'a\u0000b\u0007c\uFFFEd\uD800e' });
		expect(parseXmp(packet).title).toBe('abcde');
	});

	it('cuts huge free text, keeps lists short, and stays under the size limit', () => {
		const title = 'x'.repeat(1_000_000);
		const packet = buildXmpPacket({ title, creators: Array.from({ length: 100 }, (_, i) => `Creator ${i}`) });
		const parsed = parseXmp(packet);
		expect(parsed.title).toHaveLength(XMP_MAX_TEXT);
		expect(parsed.title?.endsWith('x…')).toBe(true);
		expect(parsed.creators).toHaveLength(XMP_MAX_LIST);
		expect(parsed.creators?.[XMP_MAX_LIST - 1]).toBe(`Creator ${XMP_MAX_LIST - 1}`);
		expect(utf8(packet)).toBeLessThanOrEqual(XMP_MAX_BYTES);

		// A cut never splits a surrogate pair.
		const emoji = parseXmp(buildXmpPacket({ title: '🖌'.repeat(XMP_MAX_TEXT) })).title ?? '';
		expect(emoji.endsWith('🖌…')).toBe(true);
		expect(emoji.length).toBeLessThanOrEqual(XMP_MAX_TEXT);
	});

	it('shrinks the padding to fit, and refuses a packet that cannot fit', () => {
		// About 50 KB of escaped text: fits, with less padding than usual.
		const near = buildXmpPacket({
			title: '"'.repeat(1999),
			rights: '"'.repeat(1999),
			usageTerms: '&'.repeat(1999),
			creators: ['"'.repeat(1999), "'".repeat(1999)]
		});
		expect(utf8(near)).toBeLessThanOrEqual(XMP_MAX_BYTES);
		expect(parseXmp(near).title).toBe('"'.repeat(1999));

		const tooBig: XmpFields = {
			title: '"'.repeat(5000),
			rights: '"'.repeat(5000),
			usageTerms: '"'.repeat(5000),
			creators: Array.from({ length: 16 }, () => '"'.repeat(5000))
		};
		expect(() => buildXmpPacket(tooBig)).toThrow(XmpError);
		expect(() => buildXmpPacket(tooBig)).toThrow(/over the limit of 61440/);
	});

	it('refuses URIs and identifiers with spaces or of absurd length', () => {
		expect(() => buildXmpPacket({ webStatement: 'https://example.com/a b' })).toThrow(XmpError);
		expect(() => buildXmpPacket({ instanceId: `xmp:iid:${'a'.repeat(5000)}` })).toThrow(XmpError);
		expect(() => buildXmpPacket({ dataMining: 'DMI\nPROHIBITED' })).toThrow(XmpError);
	});
});

// ---------------------------------------------------------------------------------------------------------

/** Finds the XMP packet in a file's bytes by its xpacket markers. */
function xpacketOf(bytes: Uint8Array): string | null {
	const latin1 = new TextDecoder('latin1').decode(bytes);
	const begin = latin1.indexOf('<?xpacket begin');
	const endMarker = latin1.indexOf('<?xpacket end', begin);
	if (begin < 0 || endMarker < 0) return null;
	const end = latin1.indexOf('?>', endMarker) + 2;
	return new TextDecoder('utf-8').decode(bytes.subarray(begin, end));
}

describe('parseXmp on real-world packets', () => {
	it('reads the XMP of c2pa-rs no_manifest.jpg (Photoshop)', async () => {
		const bytes = await c2paFixtureBytes('no_manifest');
		const packet = xpacketOf(bytes);
		expect(packet).not.toBeNull();
		const fields = parseXmp(packet ?? '');
		expect(fields).toEqual({
			instanceId: 'xmp.iid:c12ed5c0-79c4-4830-88c7-cc76d7502a4c',
			documentId: '6E456EEBAB064408B879B8A513194508',
			format: 'image/jpeg',
			createDate: '2022-11-07T14:20:13-08:00'
		});
		// The whole file, decoded any way, reads the same: the reader finds the packet itself.
		expect(parseXmp(new TextDecoder('latin1').decode(bytes))).toEqual(fields);
		expect(parseXmp(new TextDecoder('utf-8').decode(bytes))).toEqual(fields);
		expect(incomingRightsFromXmp(fields)).toEqual({});
	});

	describe('ExifTool as an independent writer and reader', () => {
		let dir: string;
		beforeAll(async () => {
			dir = await mkdtemp(path.join(tmpdir(), 'rakkan-xmp-'));
		});
		afterAll(async () => {
			await exiftool.end();
			await rm(dir, { recursive: true, force: true });
		});

		it('ExifTool reads every field of our packet', { timeout: 30_000 }, async () => {
			const file = path.join(dir, 'ours.xmp');
			const hostileTitle = `落款 <script>"]]>' & more`;
			await writeFile(file, buildXmpPacket({ ...FULL, title: hostileTitle }));
			const tags = (await exiftool.read(file, { readArgs: ['-struct'] })) as unknown as Record<
				string,
				unknown
			>;
			expect(tags).toMatchObject({
				Title: hostileTitle,
				Creator: FULL.creators,
				Rights: FULL.rights,
				UsageTerms: FULL.usageTerms,
				Marked: true,
				WebStatement: FULL.webStatement,
				DigitalSourceType: FULL.digitalSourceType,
				AISystemUsed: FULL.aiSystemUsed,
				AISystemVersionUsed: FULL.aiSystemVersionUsed,
				Licensor: [
					{ LicensorName: 'Aiko Tanaka', LicensorURL: 'https://example.com/aiko' },
					{ LicensorName: 'Second Licensor' }
				],
				CopyrightOwner: [{ CopyrightOwnerName: 'Aiko Tanaka' }, { CopyrightOwnerName: 'Studio B' }],
				DataMining: 'Prohibited for AI/ML training',
				InstanceID: FULL.instanceId,
				DocumentID: FULL.documentId,
				Format: FULL.format,
				CreatorTool: FULL.creatorTool
			});
			expect(tags.Warning).toBeUndefined();
		});

		it(
			'reads a packet ExifTool wrote (several rdf:Description blocks, single quotes)',
			{ timeout: 30_000 },
			async () => {
				const file = path.join(dir, 'theirs.xmp');
				await exiftool.write(
					file,
					{
						'XMP-dc:Title': 'Tide & "moon"',
						'XMP-dc:Creator': ['A', '落款'],
						'XMP-dc:Rights': 'All rights reserved',
						'XMP-xmpRights:UsageTerms': 'No AI use',
						'XMP-xmpRights:Marked': true,
						'XMP-iptcExt:DigitalSourceType': DIGITAL_SOURCE_TYPES.digitalCapture,
						'XMP-plus:Licensor': [{ LicensorName: 'Lic & Co', LicensorURL: 'https://x.example/' }],
						'XMP-plus:CopyrightOwner': [{ CopyrightOwnerName: 'Owner' }],
						'XMP-plus:DataMining': 'Prohibited for Generative AI/ML training'
					} as never,
					{ writeArgs: ['-overwrite_original'] }
				);
				const fields = parseXmp(readFileSync(file, 'utf8'));
				expect(fields).toEqual({
					title: 'Tide & "moon"',
					creators: ['A', '落款'],
					rights: 'All rights reserved',
					usageTerms: 'No AI use',
					marked: true,
					digitalSourceType: DIGITAL_SOURCE_TYPES.digitalCapture,
					licensors: [{ name: 'Lic & Co', url: 'https://x.example/' }],
					copyrightOwners: ['Owner'],
					dataMining: PLUS_DATA_MINING.prohibitedGenAiMlTraining
				});
				const gate = styleUseGate(incomingRightsFromXmp(fields), 'theirs.jpg');
				expect(gate.blocked).toBe(true);
				expect(gate.forbidden).toEqual(['generative AI/ML training (PLUS DMI-PROHIBITED-GENAIMLTRAINING)']);
			}
		);
	});

	it('reads the attribute, resource, Bag, nested-Description and attribute-struct forms with any prefix', () => {
		const packet = `<?xml version="1.0"?><!-- a comment with <dc:title>no</dc:title> -->
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="" xmlns:ext="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
   xmlns:mm="http://ns.adobe.com/xap/1.0/mm/" xmlns:r="http://ns.adobe.com/xap/1.0/rights/"
   ext:AISystemUsed="Some &amp; AI" mm:InstanceID='uuid:1' r:Marked="False">
  <ext:DigitalSourceType rdf:resource="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>
 </rdf:Description>
 <rdf:Description rdf:about="" xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:p="http://ns.useplus.org/ldf/xmp/1.0/">
  <d:title><rdf:Alt><rdf:li xml:lang="fr">Marée</rdf:li><rdf:li xml:lang="x-default">Tide</rdf:li></rdf:Alt></d:title>
  <d:rights><rdf:Alt><rdf:li xml:lang="en"><![CDATA[<c> 2020 & co]]></rdf:li></rdf:Alt></d:rights>
  <d:creator><rdf:Bag><rdf:li>One &#x843D;&#27454;</rdf:li><rdf:li/></rdf:Bag></d:creator>
  <p:Licensor><rdf:Bag>
   <rdf:li><rdf:Description p:LicensorName="Nested"/></rdf:li>
   <rdf:li p:LicensorName="Attr" p:LicensorURL="https://a.example/"/>
  </rdf:Bag></p:Licensor>
  <p:CopyrightOwner><rdf:Seq><rdf:li><rdf:Description><p:CopyrightOwnerName>Deep</p:CopyrightOwnerName></rdf:Description></rdf:li></rdf:Seq></p:CopyrightOwner>
  <p:DataMining rdf:resource="http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED"/>
  <r:UsageTerms xmlns:r="http://ns.adobe.com/xap/1.0/rights/"><rdf:Alt><rdf:li xml:lang="x-default">Terms <!-- hidden --> here</rdf:li></rdf:Alt></r:UsageTerms>
  <xmpRights:WebStatement>https://undeclared.example/</xmpRights:WebStatement>
 </rdf:Description>
</rdf:RDF></x:xmpmeta>`;
		expect(parseXmp(packet)).toEqual({
			aiSystemUsed: 'Some & AI',
			instanceId: 'uuid:1',
			marked: false,
			digitalSourceType: DIGITAL_SOURCE_TYPES.trainedAlgorithmicMedia,
			title: 'Tide',
			rights: '<c> 2020 & co',
			creators: ['One 落款'],
			licensors: [{ name: 'Nested' }, { name: 'Attr', url: 'https://a.example/' }],
			copyrightOwners: ['Deep'],
			dataMining: PLUS_DATA_MINING.prohibited,
			usageTerms: 'Terms  here',
			// An undeclared prefix is taken at its word when it is the usual one.
			webStatement: 'https://undeclared.example/'
		});
	});

	it('ignores properties that are not top-level (nested events, other namespaces)', () => {
		const packet = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description
  xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:other="http://example.com/other/">
 <xmpMM:History><rdf:Seq><rdf:li rdf:parseType="Resource"><xmpMM:InstanceID>nested</xmpMM:InstanceID></rdf:li></rdf:Seq></xmpMM:History>
 <other:InstanceID>other</other:InstanceID>
</rdf:Description></rdf:RDF>`;
		expect(parseXmp(packet)).toEqual({});
	});
});

describe('parseXmp on garbage', () => {
	it('never throws, whatever it gets', () => {
		const random = seededRandom(5);
		const packet = buildXmpPacket(FULL);
		const inputs: string[] = [
			'',
			'<',
			'<<<<>>>>',
			'<rdf:RDF',
			'<a b="unterminated',
			'<a b=unquoted>',
			'</close></only>',
			'&#xFFFFFFFF; &#0; &bogus;',
			'<![CDATA[never closed',
			'<!-- never closed',
			'<?xpacket begin="" id=""?>',
			`${'<a>'.repeat(10_000)}x`,
			`${'<a b="1" '.repeat(10_000)}`,
			packet.replace(/<\/rdf:li>/g, ''),
			packet.replace(/"/g, ''),
			undefined as unknown as string,
			42 as unknown as string
		];
		for (let i = 0; i < 200; i++) {
			const chars = Array.from({ length: 1 + Math.floor(random() * 400) }, () =>
				String.fromCharCode(
					random() < 0.3 ? '<>/="&:; '.charCodeAt(Math.floor(random() * 9)) : Math.floor(random() * 0x3000)
				)
			);
			inputs.push(chars.join(''));
		}
		for (const input of inputs) expect(() => parseXmp(input)).not.toThrow();
		expect(parseXmp('garbage')).toEqual({});
	});

	it('every truncation of a packet reads without throwing, finding a subset of the fields', () => {
		const packet = buildXmpPacket(FULL);
		const end = packet.indexOf('</x:xmpmeta>');
		for (let len = 0; len <= end; len += 7) {
			const fields = parseXmp(packet.slice(0, len)) as Record<string, unknown>;
			for (const [key, value] of Object.entries(fields)) {
				if (key === 'licensors' || key === 'creators' || key === 'copyrightOwners') continue;
				// Simple values may be cut short while they are being read; they are never invented.
				expect(
					String((FULL as Record<string, unknown>)[key]).startsWith(String(value)),
					`${len}: ${key}`
				).toBe(true);
			}
		}
	});

	it('stays fast on large hostile input', () => {
		const big = `${'<a x="1"'.repeat(200_000)}${'<b><c/>'.repeat(100_000)}${'&amp;'.repeat(100_000)}`;
		const started = performance.now();
		expect(parseXmp(big)).toEqual({});
		expect(performance.now() - started).toBeLessThan(5_000);
	});
});

describe('incomingRightsFromXmp', () => {
	it('maps the rights fields and feeds the style-use gate', () => {
		const incoming = incomingRightsFromXmp(parseXmp(buildXmpPacket(FULL)));
		expect(incoming).toEqual({
			dataMining: FULL.dataMining,
			usageTerms: FULL.usageTerms,
			rights: FULL.rights,
			digitalSourceType: FULL.digitalSourceType
		});
		expect(styleUseGate(incoming, 'a.png').blocked).toBe(true);
		expect(
			styleUseGate(incomingRightsFromXmp({ dataMining: PLUS_DATA_MINING.allowed }), 'a.png').blocked
		).toBe(false);
	});
});
