// The hostile-input suite: every case of hostile-inputs.ts (signed manifests that cost K^depth or N x size to
// check naively, deep CBOR, cycles, absurd chunk counts and declared lengths, hostile COSE/DER, XMP and zip
// bombs) runs in a child process with a hard budget (HOSTILE_TIME_MS of CPU time per input, then it is killed;
// HOSTILE_HEAP_MIB of heap) and must end there with the right answer: the state and failure code for the
// verifier, the error code for the other parsers. Times are printed, never asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_HEAP_MIB, HOSTILE_TIME_MS, HostileChild } from './hostile-child';
import { verifyImage, type IngredientNode } from '../../src/lib/provenance/c2pa/verify';
import {
	crossReferenced,
	HOSTILE_CASES,
	hostileContext,
	hostileInput,
	ingredient,
	manifestLabel,
	signedPng,
	type HostileContext
} from './hostile-inputs';

let ctx: HostileContext;
let child: HostileChild;
const times: { name: string; ms: number; cpuMs: number }[] = [];

beforeAll(async () => {
	ctx = await hostileContext();
	child = new HostileChild();
});

afterAll(() => {
	child?.close();
	const worst = times.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a), { name: 'none', ms: 0, cpuMs: 0 });
	console.log(
		`hostile inputs: worst ${worst.cpuMs.toFixed(0)} ms of CPU time, ${worst.ms.toFixed(0)} ms in all (${worst.name}), of ${times.length}`
	);
});

describe(`hostile inputs end within ${HOSTILE_TIME_MS} ms of CPU time and ${HOSTILE_HEAP_MIB} MiB of heap, with the right answer`, () => {
	it.each(HOSTILE_CASES.map((item) => [item.name, item] as const))('%s', async (_name, item) => {
		const input = await hostileInput(item, ctx);
		const answer = await child.run(input);
		expect(answer.outcome, 'detail' in answer ? answer.detail : undefined).not.toMatch(/^(killed|crashed)$/);
		times.push({ name: item.name, ms: answer.ms, cpuMs: answer.cpuMs ?? 0 });
		expect(answer.outcome, answer.codes.join(', ')).toBe(item.expect);
		if (item.code) expect(answer.codes).toContain(item.code);
		if (item.expect === 'trusted' || item.expect === 'untrusted') {
			expect(answer.codes.filter((c) => c.startsWith('rakkan.limit.'))).toEqual([]);
		}
	});
});

describe('what the verifier reports for shared and circular ingredients', () => {
	it('describes each manifest once, however many ingredients name it; the others say "repeated"', async () => {
		const bytes = await crossReferenced(4, 3, ctx.signer);
		const result = await verifyImage(bytes, { trustAnchors: ctx.trust });
		expect(result.state).toBe('trusted');
		const full = new Map<string, number>();
		let repeated = 0;
		const walk = (nodes: IngredientNode[]): void => {
			for (const node of nodes) {
				const m = node.manifest!;
				expect(m.state).toBe('trusted');
				if (m.repeated) {
					repeated++;
					expect(m.ingredients).toEqual([]);
				} else full.set(m.label, (full.get(m.label) ?? 0) + 1);
				walk(m.ingredients);
			}
		};
		walk(result.ingredients);
		// 4 levels of 3 manifests: 30 ingredients reach them (3 from the active manifest, 9 between each two
		// levels); 12 describe a manifest, the other 18 repeat one.
		expect(full.size).toBe(12);
		expect([...full.values()].every((n) => n === 1)).toBe(true);
		expect(repeated).toBe(18);
	});

	it('marks the manifest that names an ingredient containing itself as invalid, and the file stays valid', async () => {
		const label = manifestLabel();
		const bytes = await signedPng([], { label, assertions: [await ingredient(0, { label })] }, ctx.signer);
		const result = await verifyImage(bytes);
		expect(result.state).toBe('untrusted');
		expect(result.ingredients[0]!.manifest).toMatchObject({
			label,
			state: 'invalid',
			repeated: true,
			failures: [{ code: 'rakkan.manifest.cycle' }]
		});
	});
});
