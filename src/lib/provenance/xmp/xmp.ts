// XMP packets: a writer for the rights and AI-disclosure fields Rakkan puts in every export, and a tolerant
// reader for the same fields in any incoming file. Pure: no DOM, no Node; the reader is a small bounded
// tokenizer (linear in the input, never throws).
//
// Fields and namespaces: Dublin Core (dc:creator Seq, dc:rights and dc:title Lang Alt), XMP Rights
// (xmpRights:UsageTerms Lang Alt, Marked, WebStatement), IPTC Extension (DigitalSourceType, AISystemUsed,
// AISystemVersionUsed), PLUS (plus:Licensor and plus:CopyrightOwner, Seq of structures as in PLUS LDF 1.2
// and ExifTool; plus:DataMining), XMP Media Management (InstanceID, DocumentID).
import { type IncomingRights, PLUS_VOCAB } from '../rights/rights';

export const NS = {
	x: 'adobe:ns:meta/',
	rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
	xml: 'http://www.w3.org/XML/1998/namespace',
	dc: 'http://purl.org/dc/elements/1.1/',
	xmp: 'http://ns.adobe.com/xap/1.0/',
	xmpRights: 'http://ns.adobe.com/xap/1.0/rights/',
	xmpMM: 'http://ns.adobe.com/xap/1.0/mm/',
	Iptc4xmpExt: 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/',
	plus: 'http://ns.useplus.org/ldf/xmp/1.0/',
	/** Rakkan's own properties, for facts no standard schema has (IPTC has no count of people shown). */
	rakkan: 'http://ns.rakkan.org/xmp/1.0/'
} as const;

const IPTC_SOURCE_TYPE = 'http://cv.iptc.org/newscodes/digitalsourcetype/';

/** IPTC digital source types (full URIs) that describe Rakkan's outputs and inputs. */
export const DIGITAL_SOURCE_TYPES = {
	/** Made by an AI model from a prompt or from nothing a person made. */
	trainedAlgorithmicMedia: `${IPTC_SOURCE_TYPE}trainedAlgorithmicMedia`,
	/** A capture or artwork changed with AI: a stylized photo. */
	compositeWithTrainedAlgorithmicMedia: `${IPTC_SOURCE_TYPE}compositeWithTrainedAlgorithmicMedia`,
	algorithmicMedia: `${IPTC_SOURCE_TYPE}algorithmicMedia`,
	digitalCapture: `${IPTC_SOURCE_TYPE}digitalCapture`,
	humanEdits: `${IPTC_SOURCE_TYPE}humanEdits`,
	compositeSynthetic: `${IPTC_SOURCE_TYPE}compositeSynthetic`,
	/** Pictures put together or edited by people, none of what shows made with AI. */
	composite: `${IPTC_SOURCE_TYPE}composite`
} as const;

/** PLUS data-mining values (full URIs). */
export const PLUS_DATA_MINING = {
	unspecified: `${PLUS_VOCAB}DMI-UNSPECIFIED`,
	allowed: `${PLUS_VOCAB}DMI-ALLOWED`,
	prohibitedAiMlTraining: `${PLUS_VOCAB}DMI-PROHIBITED-AIMLTRAINING`,
	prohibitedGenAiMlTraining: `${PLUS_VOCAB}DMI-PROHIBITED-GENAIMLTRAINING`,
	prohibitedExceptSearchEngineIndexing: `${PLUS_VOCAB}DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING`,
	prohibited: `${PLUS_VOCAB}DMI-PROHIBITED`
} as const;

export interface XmpLicensor {
	name: string;
	url?: string;
}

/** Every field is optional: the writer leaves out what is absent or empty, the reader returns what it found. */
export interface XmpFields {
	/** `Iptc4xmpExt:DigitalSourceType`, a full IPTC URI (see {@link DIGITAL_SOURCE_TYPES}). */
	digitalSourceType?: string;
	aiSystemUsed?: string;
	aiSystemVersionUsed?: string;
	/** `dc:creator`, in order. */
	creators?: string[];
	/** `dc:rights` (x-default). */
	rights?: string;
	/** `dc:title` (x-default). */
	title?: string;
	/** `xmpRights:UsageTerms` (x-default). */
	usageTerms?: string;
	/** `xmpRights:Marked`: true for a rights-managed work, false for a public-domain one. */
	marked?: boolean;
	webStatement?: string;
	licensors?: XmpLicensor[];
	/** Names in `plus:CopyrightOwner` (`plus:CopyrightOwnerName`). */
	copyrightOwners?: string[];
	/** `plus:DataMining`, a PLUS vocabulary URI (see {@link PLUS_DATA_MINING}). */
	dataMining?: string;
	/** `xmpMM:InstanceID`, e.g. `xmp:iid:<uuid>` (a C2PA claim's instanceID takes the same value). */
	instanceId?: string;
	documentId?: string;
	/** `dc:format`, a media type such as `image/png`. */
	format?: string;
	/** `xmp:CreatorTool`, e.g. `Rakkan 0.1.0`. */
	creatorTool?: string;
	/** `xmp:CreateDate`, an ISO 8601 date-time (`Date.prototype.toISOString()`). */
	createDate?: string;
	/** `plus:ModelReleaseStatus`, a PLUS vocabulary URI such as `http://ns.useplus.org/ldf/vocab/MR-NON`. */
	modelReleaseStatus?: string;
	/** `rakkan:PeopleShown`: how many people the face detector found (never their names). */
	peopleShown?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** The whole packet, wrapper and padding included, stays within this many UTF-8 bytes (JPEG APP1 holds 65502). */
export const XMP_MAX_BYTES = 60 * 1024;
/** Free text (titles, names, rights, usage terms) is cut to this many UTF-16 units, ending with "…". */
export const XMP_MAX_TEXT = 2000;
/** URIs and identifiers longer than this, or containing spaces or control characters, are refused. */
export const XMP_MAX_URI = 2048;
/** Lists (creators, licensors, copyright owners) keep their first this many entries. */
export const XMP_MAX_LIST = 16;
/** Whitespace padding wanted after the packet so editors can grow it in place (shrunk to fit the limit). */
export const XMP_PADDING = 2048;

export class XmpError extends Error {
	override name = 'XmpError';
}

/** Characters XML 1.0 cannot carry at all, even escaped, and lone surrogates. */
const XML_FORBIDDEN =
	// eslint-disable-next-line no-control-regex
	/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML element content or attribute values; drops characters XML cannot carry. */
export function escapeXml(text: string): string {
	return text.replace(XML_FORBIDDEN, '').replace(/[&<>"'\r]/g, (c) => {
		switch (c) {
			case '&':
				return '&amp;';
			case '<':
				return '&lt;';
			case '>':
				return '&gt;';
			case '"':
				return '&quot;';
			case "'":
				return '&apos;';
			default:
				return '&#xD;';
		}
	});
}

/** The rule for free text: at most {@link XMP_MAX_TEXT} UTF-16 units, a cut one ends with "…". */
export function clipXmpText(text: string): string {
	if (text.length <= XMP_MAX_TEXT) return text;
	let cut = text.slice(0, XMP_MAX_TEXT - 1);
	if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
	return `${cut}…`;
}

function checkedToken(field: string, value: string): string {
	// eslint-disable-next-line no-control-regex
	if (value.length > XMP_MAX_URI || /[\s\u0000-\u001F\u007F]/.test(value)) {
		throw new XmpError(
			`XMP ${field} must be a URI or identifier of at most ${XMP_MAX_URI} characters without spaces`
		);
	}
	return value;
}

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

function textProp(name: string, value: string): string {
	return `<${name}>${escapeXml(clipXmpText(value))}</${name}>`;
}

function tokenProp(name: string, value: string): string {
	return `<${name}>${escapeXml(checkedToken(name, value))}</${name}>`;
}

function langAlt(name: string, value: string): string {
	return `<${name}><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(clipXmpText(value))}</rdf:li></rdf:Alt></${name}>`;
}

function textSeq(name: string, items: readonly string[]): string {
	const lis = items.map((i) => `<rdf:li>${escapeXml(clipXmpText(i))}</rdf:li>`).join('');
	return `<${name}><rdf:Seq>${lis}</rdf:Seq></${name}>`;
}

function struct(fields: readonly string[]): string {
	return `<rdf:li rdf:parseType="Resource">${fields.join('')}</rdf:li>`;
}

const HEADER = '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>';
const TRAILER = '<?xpacket end="w"?>';

function utf8Length(text: string): number {
	return new TextEncoder().encode(text).length;
}

/**
 * An XMP packet (RDF/XML in the xpacket wrapper, UTF-8 with the BOM in `begin`) with the given fields.
 * Size rule: free text is cut to {@link XMP_MAX_TEXT} units (ending with "…"), lists to {@link XMP_MAX_LIST}
 * entries; URIs and identifiers that are too long or contain whitespace throw {@link XmpError}; the padding
 * shrinks to keep the packet within {@link XMP_MAX_BYTES}, and a packet that still does not fit throws
 * {@link XmpError}. Every user string is escaped, and characters XML cannot carry are dropped.
 */
export function buildXmpPacket(fields: XmpFields): string {
	const props: string[] = [];
	if (present(fields.digitalSourceType)) {
		props.push(tokenProp('Iptc4xmpExt:DigitalSourceType', fields.digitalSourceType));
	}
	if (present(fields.aiSystemUsed)) props.push(textProp('Iptc4xmpExt:AISystemUsed', fields.aiSystemUsed));
	if (present(fields.aiSystemVersionUsed)) {
		props.push(textProp('Iptc4xmpExt:AISystemVersionUsed', fields.aiSystemVersionUsed));
	}
	const creators = (fields.creators ?? []).filter(present).slice(0, XMP_MAX_LIST);
	if (creators.length > 0) props.push(textSeq('dc:creator', creators));
	if (present(fields.title)) props.push(langAlt('dc:title', fields.title));
	if (present(fields.rights)) props.push(langAlt('dc:rights', fields.rights));
	if (present(fields.usageTerms)) props.push(langAlt('xmpRights:UsageTerms', fields.usageTerms));
	if (fields.marked !== undefined)
		props.push(`<xmpRights:Marked>${fields.marked ? 'True' : 'False'}</xmpRights:Marked>`);
	if (present(fields.webStatement)) props.push(tokenProp('xmpRights:WebStatement', fields.webStatement));
	const licensors = (fields.licensors ?? [])
		.filter((l) => present(l.name) || present(l.url))
		.slice(0, XMP_MAX_LIST);
	if (licensors.length > 0) {
		const items = licensors.map((l) => {
			const parts: string[] = [];
			if (present(l.name)) parts.push(textProp('plus:LicensorName', l.name));
			if (present(l.url)) parts.push(tokenProp('plus:LicensorURL', l.url));
			return struct(parts);
		});
		props.push(`<plus:Licensor><rdf:Seq>${items.join('')}</rdf:Seq></plus:Licensor>`);
	}
	const owners = (fields.copyrightOwners ?? []).filter(present).slice(0, XMP_MAX_LIST);
	if (owners.length > 0) {
		const items = owners.map((o) => struct([textProp('plus:CopyrightOwnerName', o)]));
		props.push(`<plus:CopyrightOwner><rdf:Seq>${items.join('')}</rdf:Seq></plus:CopyrightOwner>`);
	}
	if (present(fields.dataMining)) props.push(tokenProp('plus:DataMining', fields.dataMining));
	if (present(fields.modelReleaseStatus))
		props.push(tokenProp('plus:ModelReleaseStatus', fields.modelReleaseStatus));
	if (fields.peopleShown !== undefined && Number.isSafeInteger(fields.peopleShown) && fields.peopleShown >= 0)
		props.push(`<rakkan:PeopleShown>${fields.peopleShown}</rakkan:PeopleShown>`);
	if (present(fields.instanceId)) props.push(tokenProp('xmpMM:InstanceID', fields.instanceId));
	if (present(fields.documentId)) props.push(tokenProp('xmpMM:DocumentID', fields.documentId));
	if (present(fields.format)) props.push(tokenProp('dc:format', fields.format));
	if (present(fields.creatorTool)) props.push(textProp('xmp:CreatorTool', fields.creatorTool));
	if (present(fields.createDate)) props.push(tokenProp('xmp:CreateDate', fields.createDate));

	const xmlns = (['dc', 'xmp', 'xmpRights', 'xmpMM', 'Iptc4xmpExt', 'plus', 'rakkan'] as const)
		.map((p) => `\n    xmlns:${p}="${NS[p]}"`)
		.join('');
	const body = [
		HEADER,
		`<x:xmpmeta xmlns:x="${NS.x}" x:xmptk="Rakkan">`,
		` <rdf:RDF xmlns:rdf="${NS.rdf}">`,
		`  <rdf:Description rdf:about=""${xmlns}>`,
		...props.map((p) => `   ${p}`),
		'  </rdf:Description>',
		' </rdf:RDF>',
		'</x:xmpmeta>',
		''
	].join('\n');
	const fixed = utf8Length(body) + TRAILER.length;
	if (fixed > XMP_MAX_BYTES) {
		throw new XmpError(
			`the XMP packet would be ${fixed} bytes, over the limit of ${XMP_MAX_BYTES}: shorten the titles, names or terms`
		);
	}
	return body + padding(Math.min(XMP_PADDING, XMP_MAX_BYTES - fixed)) + TRAILER;
}

/** Whitespace padding of exactly `bytes` bytes, as lines of up to 100 characters. */
function padding(bytes: number): string {
	let out = '';
	while (out.length + 101 <= bytes) out += `${' '.repeat(100)}\n`;
	return out + ' '.repeat(Math.max(0, bytes - out.length));
}

// ---------------------------------------------------------------------------------------------------------
// Reading

/** The reader looks at no more than this many characters of its input. */
export const XMP_MAX_PARSE_CHARS = 4 * 1024 * 1024;
const MAX_ELEMENTS = 50_000;
const MAX_DEPTH = 64;
const MAX_ATTRIBUTES = 256;

interface Attr {
	key: string;
	value: string;
}

interface XmlNode {
	key: string;
	attrs: Attr[];
	children: XmlNode[];
	text: string;
	parent: XmlNode | null;
	scope: Map<string, string>;
}

const CANONICAL_PREFIX = new Map<string, string>(Object.entries(NS).map(([prefix, uri]) => [uri, prefix]));

/** `prefix:local` with the canonical prefix of a known namespace; an undeclared prefix is taken as given. */
function qualify(name: string, scope: Map<string, string>, isAttribute: boolean): string {
	const colon = name.indexOf(':');
	const prefix = colon < 0 ? '' : name.slice(0, colon);
	const local = colon < 0 ? name : name.slice(colon + 1);
	if (prefix === '' && isAttribute) return local;
	const uri = prefix === 'xml' ? NS.xml : scope.get(prefix);
	if (uri === undefined) return prefix ? `${prefix}:${local}` : local;
	const canonical = CANONICAL_PREFIX.get(uri);
	return canonical ? `${canonical}:${local}` : `{${uri}}${local}`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const ENTITY_REF = /^(?:#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,4})$/;

/** The text a reference (between `&` and `;`) stands for, or undefined when it is none we know. */
function entity(ref: string): string | undefined {
	if (!ENTITY_REF.test(ref)) return undefined;
	if (ref.startsWith('#')) {
		const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
		return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
			? String.fromCodePoint(code)
			: undefined;
	}
	return ENTITIES[ref];
}

/** Decodes the five XML entities and character references; anything else stays as written. Linear. */
function decodeEntities(text: string): string {
	let amp = text.indexOf('&');
	if (amp < 0) return text;
	let out = '';
	let last = 0;
	for (; amp >= 0; amp = text.indexOf('&', amp + 1)) {
		const semi = text.indexOf(';', amp + 1);
		// The longest reference decoded is `#x` and six hex digits.
		if (semi < 0 || semi - amp > 9) continue;
		const decoded = entity(text.slice(amp + 1, semi));
		if (decoded === undefined) continue;
		out += text.slice(last, amp) + decoded;
		last = semi + 1;
		amp = semi;
	}
	return out + text.slice(last);
}

/** XML whitespace (space, tab, CR, LF). */
function isSpace(code: number): boolean {
	return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}

/** Where a name ends: whitespace, `/`, `>`, `=`, `<`, or the end of the text (NaN). */
function isNameEnd(code: number): boolean {
	return (
		isSpace(code) || code === 0x2f || code === 0x3e || code === 0x3d || code === 0x3c || Number.isNaN(code)
	);
}

/** A forgiving XML tokenizer: builds a tree of what it can, stops at the first thing it cannot read. */
function parseTree(text: string): XmlNode {
	const root: XmlNode = { key: '#root', attrs: [], children: [], text: '', parent: null, scope: new Map() };
	let current = root;
	let depth = 0;
	let count = 0;
	let pos = 0;
	const n = text.length;
	const skipTo = (marker: string, from: number): number => {
		const at = text.indexOf(marker, from);
		return at < 0 ? n : at + marker.length;
	};
	while (pos < n && count < MAX_ELEMENTS) {
		const lt = text.indexOf('<', pos);
		const textEnd = lt < 0 ? n : lt;
		if (textEnd > pos) current.text += decodeEntities(text.slice(pos, textEnd));
		if (lt < 0) break;
		if (text.startsWith('<!--', lt)) pos = skipTo('-->', lt + 4);
		else if (text.startsWith('<![CDATA[', lt)) {
			const end = text.indexOf(']]>', lt + 9);
			current.text += text.slice(lt + 9, end < 0 ? n : end);
			pos = end < 0 ? n : end + 3;
		} else if (text.startsWith('<?', lt)) pos = skipTo('?>', lt + 2);
		else if (text.startsWith('<!', lt)) pos = skipTo('>', lt + 2);
		else if (text[lt + 1] === '/') {
			const gt = text.indexOf('>', lt);
			const raw = text.slice(lt + 2, gt < 0 ? n : gt).trim();
			// Close the nearest open element with this name; a stray end tag is ignored.
			for (let el: XmlNode | null = current; el && el !== root; el = el.parent) {
				if (qualify(raw, el.scope, false) === el.key) {
					current = el.parent ?? root;
					depth = depthOf(current);
					break;
				}
			}
			pos = gt < 0 ? n : gt + 1;
		} else {
			const tag = readStartTag(text, lt);
			if (tag.kind === 'stop') break;
			if (tag.kind === 'skip') {
				// Unreadable markup is dropped, not rescanned (so this stays linear) and not taken as text.
				pos = tag.end;
				continue;
			}
			count++;
			// The parent's scope is shared unless this element declares namespaces (copying it for every
			// element would make thousands of declarations cost thousands of copies).
			const declares = tag.attrs.some((a) => a.key === 'xmlns' || a.key.startsWith('xmlns:'));
			const scope = declares ? new Map(current.scope) : current.scope;
			for (const a of declares ? tag.attrs : []) {
				if (a.key === 'xmlns') scope.set('', a.value);
				else if (a.key.startsWith('xmlns:')) scope.set(a.key.slice(6), a.value);
			}
			const el: XmlNode = {
				key: qualify(tag.name, scope, false),
				attrs: tag.attrs
					.filter((a) => a.key !== 'xmlns' && !a.key.startsWith('xmlns:'))
					.map((a) => ({ key: qualify(a.key, scope, true), value: a.value })),
				children: [],
				text: '',
				parent: current,
				scope
			};
			if (depth < MAX_DEPTH) current.children.push(el);
			if (!tag.selfClosing && depth < MAX_DEPTH) {
				current = el;
				depth++;
			}
			pos = tag.end;
		}
	}
	return root;
}

function depthOf(el: XmlNode): number {
	let d = 0;
	for (let p = el.parent; p; p = p.parent) d++;
	return d;
}

type StartTag =
	| { kind: 'tag'; name: string; attrs: Attr[]; selfClosing: boolean; end: number }
	/** Not a start tag: drop text[lt, end) and go on. */
	| { kind: 'skip'; end: number }
	/** Nothing after this can be read (an attribute value that never closes). */
	| { kind: 'stop' };

function readStartTag(text: string, lt: number): StartTag {
	const n = text.length;
	let i = lt + 1;
	while (i < n && !isNameEnd(text.charCodeAt(i))) i++;
	const name = text.slice(lt + 1, i);
	if (!name) return { kind: 'skip', end: Math.max(i, lt + 1) };
	const attrs: Attr[] = [];
	for (;;) {
		while (i < n && isSpace(text.charCodeAt(i))) i++;
		if (i >= n) return { kind: 'stop' };
		if (text[i] === '>') return { kind: 'tag', name, attrs, selfClosing: false, end: i + 1 };
		if (text.startsWith('/>', i)) return { kind: 'tag', name, attrs, selfClosing: true, end: i + 2 };
		const keyStart = i;
		while (i < n && !isNameEnd(text.charCodeAt(i))) i++;
		const key = text.slice(keyStart, i);
		while (i < n && isSpace(text.charCodeAt(i))) i++;
		if (!key || text[i] !== '=') return { kind: 'skip', end: Math.max(i, lt + 1) };
		i++;
		while (i < n && isSpace(text.charCodeAt(i))) i++;
		const quote = text[i];
		if (quote !== '"' && quote !== "'") return { kind: 'skip', end: i };
		const close = text.indexOf(quote, i + 1);
		if (close < 0) return { kind: 'stop' };
		// Past the cap, attributes are scanned over but not kept (no real XMP element has hundreds).
		if (attrs.length < MAX_ATTRIBUTES) attrs.push({ key, value: decodeEntities(text.slice(i + 1, close)) });
		i = close + 1;
	}
}

/** An RDF value: simple text, an array (Alt, Seq, Bag) or a structure. */
type Value =
	| { kind: 'text'; text: string; lang?: string }
	| { kind: 'array'; items: Value[] }
	| { kind: 'struct'; fields: Map<string, Value> };

const RDF_CONTAINERS = new Set(['rdf:Alt', 'rdf:Seq', 'rdf:Bag']);
const NON_FIELD_ATTRS = /^(rdf:|xml:|x:)/;

function attr(el: XmlNode, key: string): string | undefined {
	return el.attrs.find((a) => a.key === key)?.value;
}

/** Fields of a structure: the element's own qualified attributes plus its child elements. */
function fieldsOf(el: XmlNode, into = new Map<string, Value>()): Map<string, Value> {
	for (const a of el.attrs) {
		if (!NON_FIELD_ATTRS.test(a.key) && !into.has(a.key)) into.set(a.key, { kind: 'text', text: a.value });
	}
	for (const child of el.children) {
		if (child.key === 'rdf:Description') fieldsOf(child, into);
		else if (!into.has(child.key)) into.set(child.key, valueOf(child));
	}
	return into;
}

function valueOf(el: XmlNode): Value {
	const lang = attr(el, 'xml:lang');
	const resource = attr(el, 'rdf:resource');
	if (resource !== undefined) return { kind: 'text', text: resource };
	const container = el.children.find((c) => RDF_CONTAINERS.has(c.key));
	if (container) {
		return {
			kind: 'array',
			items: container.children.filter((c) => c.key === 'rdf:li').map((li) => valueOf(li))
		};
	}
	if (attr(el, 'rdf:parseType') === 'Resource' || el.children.length > 0) {
		const fields = fieldsOf(el);
		const inner = fields.get('rdf:value');
		return inner ?? { kind: 'struct', fields };
	}
	const fieldAttrs = el.attrs.filter((a) => !NON_FIELD_ATTRS.test(a.key));
	if (fieldAttrs.length > 0 && !el.text.trim()) return { kind: 'struct', fields: fieldsOf(el) };
	return lang === undefined ? { kind: 'text', text: el.text } : { kind: 'text', text: el.text, lang };
}

/** The text of a value: an Alt's x-default (else its first item), an array's first item, a structure's rdf:value. */
function textOf(value: Value | undefined): string | undefined {
	if (!value) return undefined;
	if (value.kind === 'text') return value.text;
	if (value.kind === 'struct') return undefined;
	const preferred = value.items.find((i) => i.kind === 'text' && i.lang?.toLowerCase() === 'x-default');
	return textOf(preferred ?? value.items[0]);
}

function listOf(value: Value | undefined): Value[] {
	if (!value) return [];
	return value.kind === 'array' ? value.items : [value];
}

function nonEmpty(text: string | undefined): string | undefined {
	return text === undefined || text === '' ? undefined : text;
}

/** The part of `text` that is the XMP packet, if it is marked; otherwise all of it. */
function packetRegion(text: string): string {
	const begin = text.indexOf('<?xpacket begin');
	const from = begin < 0 ? 0 : begin;
	const end = text.indexOf('<?xpacket end', from);
	return text.slice(from, Math.min(end < 0 ? text.length : end, from + XMP_MAX_PARSE_CHARS));
}

/**
 * Reads the fields of {@link XmpFields} from an XMP packet, or from any text containing one (e.g. the bytes
 * of a file decoded as UTF-8 or Latin-1): attribute and element forms, rdf:Alt/Seq/Bag, structures as
 * `rdf:parseType="Resource"`, nested rdf:Description or attributes, any namespace prefix. Only properties of
 * top-level rdf:Description elements count. Never throws: returns what it found (an empty object for garbage).
 */
export function parseXmp(text: string): XmpFields {
	try {
		return readFields(parseTree(packetRegion(String(text))));
	} catch {
		return {};
	}
}

function readFields(root: XmlNode): XmpFields {
	const props = new Map<string, Value>();
	const visit = (el: XmlNode): void => {
		for (const child of el.children) {
			if (child.key === 'rdf:RDF') {
				for (const d of child.children) if (d.key === 'rdf:Description') fieldsOf(d, props);
			} else visit(child);
		}
	};
	visit(root);

	const text = (key: string): string | undefined => nonEmpty(textOf(props.get(key)));
	const trimmed = (key: string): string | undefined => nonEmpty(text(key)?.trim());
	const out: XmpFields = {};
	const set = <K extends keyof XmpFields>(key: K, value: XmpFields[K] | undefined): void => {
		if (value !== undefined) out[key] = value;
	};
	set('digitalSourceType', trimmed('Iptc4xmpExt:DigitalSourceType'));
	set('aiSystemUsed', text('Iptc4xmpExt:AISystemUsed'));
	set('aiSystemVersionUsed', text('Iptc4xmpExt:AISystemVersionUsed'));
	const creators = listOf(props.get('dc:creator'))
		.map((v) => nonEmpty(textOf(v)))
		.filter((c): c is string => c !== undefined);
	if (creators.length > 0) out.creators = creators;
	set('rights', text('dc:rights'));
	set('title', text('dc:title'));
	set('usageTerms', text('xmpRights:UsageTerms'));
	const marked = trimmed('xmpRights:Marked')?.toLowerCase();
	if (marked === 'true' || marked === '1') out.marked = true;
	else if (marked === 'false' || marked === '0') out.marked = false;
	set('webStatement', trimmed('xmpRights:WebStatement'));
	const licensors: XmpLicensor[] = [];
	for (const item of listOf(props.get('plus:Licensor'))) {
		if (item.kind !== 'struct') continue;
		const name = nonEmpty(textOf(item.fields.get('plus:LicensorName')));
		const url = nonEmpty(textOf(item.fields.get('plus:LicensorURL'))?.trim());
		if (name === undefined && url === undefined) continue;
		licensors.push(url === undefined ? { name: name ?? '' } : { name: name ?? '', url });
	}
	if (licensors.length > 0) out.licensors = licensors;
	const owners = listOf(props.get('plus:CopyrightOwner'))
		.map((item) =>
			item.kind === 'struct' ? nonEmpty(textOf(item.fields.get('plus:CopyrightOwnerName'))) : undefined
		)
		.filter((o): o is string => o !== undefined);
	if (owners.length > 0) out.copyrightOwners = owners;
	set('dataMining', trimmed('plus:DataMining'));
	set('modelReleaseStatus', trimmed('plus:ModelReleaseStatus'));
	const shown = trimmed('rakkan:PeopleShown');
	if (shown !== undefined && /^\d{1,6}$/.test(shown)) out.peopleShown = Number(shown);
	set('instanceId', trimmed('xmpMM:InstanceID'));
	set('documentId', trimmed('xmpMM:DocumentID'));
	set('format', trimmed('dc:format'));
	set('creatorTool', text('xmp:CreatorTool'));
	set('createDate', trimmed('xmp:CreateDate'));
	return out;
}

/** The rights facts in an incoming file's XMP (merge them with the C2PA facts with `mergeIncomingRights`). */
export function incomingRightsFromXmp(fields: XmpFields): IncomingRights {
	const out: IncomingRights = {};
	if (fields.dataMining) out.dataMining = fields.dataMining;
	if (fields.usageTerms) out.usageTerms = fields.usageTerms;
	if (fields.rights) out.rights = fields.rights;
	if (fields.digitalSourceType) out.digitalSourceType = fields.digitalSourceType;
	return out;
}
