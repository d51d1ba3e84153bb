// Fuzzing: thousands of seeded mutations of signed PNGs, JPEGs and WebPs (and of their manifest stores, claims and
// signatures) through every parser and through verifyImage. Nothing may crash: the parsers either return or
// throw a ProvenanceError with a code and a readable message; verifyImage always answers with a state.
// Time per file is measured and printed, not asserted (the machine may be busy).
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCbor, decodeCborMaps } from '../../src/lib/provenance/c2pa/cbor';
import { readManifestStore, readXmp } from '../../src/lib/provenance/c2pa/container';
import { parseCoseSign1 } from '../../src/lib/provenance/c2pa/cose';
import { ProvenanceError } from '../../src/lib/provenance/c2pa/errors';
import { parseJpeg, readJpegManifest } from '../../src/lib/provenance/c2pa/jpeg';
import { parseJumbf, type JumbfSuperBox } from '../../src/lib/provenance/c2pa/jumbf';
import { signJpeg, signPng, signWebp } from '../../src/lib/provenance/c2pa/manifest';
import { parsePng } from '../../src/lib/provenance/c2pa/png';
import { verifyImage, type VerifyState } from '../../src/lib/provenance/c2pa/verify';
import { riffChunks } from '../../src/lib/provenance/c2pa/webp';
import { seededRandom } from '../helpers/random';
import {
	c2paFixtureBytes,
	c2paValidate,
	expectedState,
	sampleInput,
	smallJpeg,
	smallPng,
	smallWebps,
	testIdentity
} from './helpers';
import { manifestFocus, mutate } from './mutate';

const STATES: VerifyState[] = ['trusted', 'untrusted', 'tampered', 'invalid', 'none'];

/** Runs a parser: it may return, or throw a ProvenanceError with a code and a short, readable message. */
function survives(what: string, parse: () => unknown): void {
	try {
		parse();
	} catch (error) {
		if (!(error instanceof ProvenanceError)) {
			throw new Error(`${what} threw ${(error as Error)?.name}: ${(error as Error)?.message}`, {
				cause: error
			});
		}
		expect(error.code).toMatch(/^[a-z0-9]+\.[A-Za-z0-9.-]+$/);
		expect(error.message.length).toBeGreaterThan(5);
		expect(error.message.length).toBeLessThan(400);
	}
}

function cborBoxes(box: JumbfSuperBox, out: Uint8Array[] = []): Uint8Array[] {
	for (const child of box.children) {
		if (child.kind === 'super') cborBoxes(child, out);
		else if (child.type === 'cbor') out.push(child.payload);
	}
	return out;
}

interface Seed {
	name: string;
	bytes: Uint8Array;
	format: string;
	/** Where the manifest store sits in the file. */
	focus: [number, number];
	store: Uint8Array;
	claim: Uint8Array;
	cose: Uint8Array;
}

function seedOf(name: string, bytes: Uint8Array, format: string): Seed {
	const store = readManifestStore(bytes)!.store;
	const root = parseJumbf(store);
	const manifest = root.children.filter((c): c is JumbfSuperBox => c.kind === 'super').at(-1)!;
	const boxes = manifest.children.filter((c): c is JumbfSuperBox => c.kind === 'super');
	const claim = cborBoxes(boxes.find((b) => b.typeCode === 'c2cl')!)[0]!;
	const cose = cborBoxes(boxes.find((b) => b.typeCode === 'c2cs')!)[0]!;
	return { name, bytes, format, focus: manifestFocus(bytes), store, claim, cose };
}

let seeds: Seed[];

beforeAll(async () => {
	const id = await testIdentity('Fuzz');
	const png = await smallPng(48, 32);
	const jpeg = await smallJpeg(48, 32);
	const { lossy: webp } = await smallWebps(48, 32);
	seeds = [
		seedOf('signed PNG', await signPng(png, sampleInput(png), id.signer), 'image/png'),
		seedOf('signed JPEG', await signJpeg(jpeg, sampleInput(png), id.signer), 'image/jpeg'),
		seedOf('signed WebP', await signWebp(webp, sampleInput(png), id.signer), 'image/webp'),
		seedOf('C.jpg (c2pa-rs, PS256, v1 claim)', await c2paFixtureBytes('C'), 'image/jpeg'),
		seedOf('C_with_CAWG_data.jpg (v2 claim)', await c2paFixtureBytes('C_with_CAWG_data'), 'image/jpeg')
	];
});

describe('fuzzing the parsers', () => {
	it('containers: 4000 mutated files through the PNG, JPEG and WebP parsers', () => {
		const random = seededRandom(1);
		for (let n = 0; n < 4000; n++) {
			const seed = seeds[n % seeds.length]!;
			const bytes = mutate(seed.bytes, random, seed.focus);
			const what = `${seed.name} mutation ${n}`;
			survives(`${what}: container parser`, () =>
				seed.format === 'image/png'
					? parsePng(bytes)
					: seed.format === 'image/webp'
						? riffChunks(bytes)
						: parseJpeg(bytes)
			);
			survives(`${what}: readManifestStore`, () => readManifestStore(bytes));
			survives(`${what}: readJpegManifest`, () => (bytes[0] === 0xff ? readJpegManifest(bytes) : null));
			survives(`${what}: readXmp`, () => readXmp(bytes));
		}
	});

	it('JUMBF: 4000 mutated manifest stores', () => {
		const random = seededRandom(2);
		for (let n = 0; n < 4000; n++) {
			const seed = seeds[n % seeds.length]!;
			const store = mutate(seed.store, random);
			survives(`${seed.name} store mutation ${n}`, () => {
				const root = parseJumbf(store);
				for (const box of cborBoxes(root)) survives('CBOR inside a mutated store', () => decodeCbor(box));
			});
		}
	});

	it('CBOR and COSE: 4000 mutated claims and signatures', () => {
		const random = seededRandom(3);
		for (let n = 0; n < 4000; n++) {
			const seed = seeds[n % seeds.length]!;
			const claim = mutate(seed.claim, random);
			const cose = mutate(seed.cose, random);
			survives(`${seed.name} claim mutation ${n}`, () => decodeCbor(claim));
			survives(`${seed.name} claim mutation ${n} (maps)`, () => decodeCborMaps(claim));
			survives(`${seed.name} COSE mutation ${n}`, () => parseCoseSign1(cose));
		}
	});
});

describe('fuzzing verifyImage', () => {
	it('2000 mutated files: always a state, a summary and explained failures', async () => {
		const random = seededRandom(4);
		const counts: Record<string, number> = {};
		let slowest = 0;
		let total = 0;
		for (let n = 0; n < 2000; n++) {
			const seed = seeds[n % seeds.length]!;
			const bytes = mutate(seed.bytes, random, seed.focus);
			const started = performance.now();
			const result = await verifyImage(bytes);
			const ms = performance.now() - started;
			slowest = Math.max(slowest, ms);
			total += ms;
			expect(STATES, `${seed.name} mutation ${n}`).toContain(result.state);
			expect(result.summary.length).toBeGreaterThan(10);
			for (const failure of result.failures) {
				expect(failure.code).toMatch(/^[a-zA-Z0-9.]+$/);
				expect(failure.explanation.length).toBeGreaterThan(5);
			}
			if (result.state === 'untrusted' || result.state === 'trusted') {
				expect(result.failures.every((f) => f.code === 'signingCredential.untrusted')).toBe(true);
			}
			counts[result.state] = (counts[result.state] ?? 0) + 1;
		}
		console.log(
			`verifyImage fuzz: ${JSON.stringify(counts)}; mean ${(total / 2000).toFixed(2)} ms, slowest ${slowest.toFixed(1)} ms per file`
		);
		expect(counts.tampered).toBeGreaterThan(0);
		expect(counts.invalid).toBeGreaterThan(0);
	});
});

describe('differential fuzzing against c2pa-rs', () => {
	it('600 mutated files: Rakkan calls a file valid exactly when c2pa-wasm does', async () => {
		const random = seededRandom(5);
		const pairs: Record<string, number> = {};
		for (let n = 0; n < 600; n++) {
			const seed = seeds[n % seeds.length]!;
			const bytes = mutate(seed.bytes, random, seed.focus);
			const ours = await verifyImage(bytes);
			const reference = await c2paValidate(bytes, seed.format);
			const valid = (state: VerifyState) => state === 'trusted' || state === 'untrusted';
			expect(
				valid(ours.state),
				`${seed.name} mutation ${n}: ours ${ours.summary} / c2pa ${reference.state} ${reference.codes.join(',')}`
			).toBe(valid(expectedState(reference)));
			const key = `${ours.state}/${reference.state}`;
			pairs[key] = (pairs[key] ?? 0) + 1;
		}
		console.log(`differential fuzz (rakkan/c2pa-rs): ${JSON.stringify(pairs)}`);
	});
});
