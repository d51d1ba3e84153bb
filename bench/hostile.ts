// The cost of hostile input: every case of the hostile-input suite (tests/provenance/hostile-inputs.ts) run
// through its parser in this process, a few times each; reports the worst time per case and the worst
// verification time overall. Part of `npm run bench`; on its own: `npx tsx bench/hostile.ts [--quick]`.
import { pathToFileURL } from 'node:url';
import { decodeCbor } from '../src/lib/provenance/c2pa/cbor';
import { parseCoseSign1 } from '../src/lib/provenance/c2pa/cose';
import { derChildren, readDer } from '../src/lib/provenance/c2pa/der';
import { parseJumbf } from '../src/lib/provenance/c2pa/jumbf';
import { verifyImage } from '../src/lib/provenance/c2pa/verify';
import { readProjectFile } from '../src/lib/document/project';
import { parseXmp } from '../src/lib/provenance/xmp/xmp';
import {
	HOSTILE_CASES,
	hostileContext,
	hostileInput,
	type HostileInput
} from '../tests/provenance/hostile-inputs';
import { progress, round } from './util';

export const HOSTILE_NOTES =
	'Each hostile case (signed nested and cross-referencing manifests, one assertion named 100,000 times, deep ' +
	'CBOR, cycles, absurd chunk counts and declared lengths, hostile COSE/DER, XMP and zip bombs) through its ' +
	'parser, in process; worstMs is the slowest of the runs. The test suite runs the same cases in a child ' +
	'process killed after 2 s.';

async function parse(input: HostileInput): Promise<string> {
	try {
		switch (input.kind) {
			case 'verify':
				return (await verifyImage(input.bytes, { trustAnchors: input.trust, limits: input.limits })).state;
			case 'jumbf':
				parseJumbf(input.bytes);
				break;
			case 'cbor':
				decodeCbor(input.bytes);
				break;
			case 'cose':
				parseCoseSign1(input.bytes);
				break;
			case 'der':
				derChildren(readDer(input.bytes).node);
				break;
			case 'xmp':
				parseXmp(new TextDecoder().decode(input.bytes));
				break;
			case 'project':
				await readProjectFile(input.bytes);
		}
		return 'ok';
	} catch (error) {
		return (error as { code?: string }).code ?? String(error);
	}
}

export async function benchHostile(quick: boolean) {
	const runs = quick ? 1 : 3;
	const ctx = await hostileContext();
	const cases: { name: string; kind: string; bytes: number; outcome: string; worstMs: number }[] = [];
	for (const item of HOSTILE_CASES) {
		progress(`hostile: ${item.name}`);
		const input = await hostileInput(item, ctx);
		const samples: number[] = [];
		let outcome = '';
		for (let i = 0; i < runs; i++) {
			const started = performance.now();
			outcome = await parse(input);
			samples.push(performance.now() - started);
		}
		cases.push({
			name: item.name,
			kind: item.kind,
			bytes: input.bytes.length,
			outcome,
			worstMs: round(Math.max(...samples))
		});
	}
	const worst = (list: typeof cases) => list.reduce((a, b) => (b.worstMs > a.worstMs ? b : a), list[0]!);
	const verify = worst(cases.filter((c) => c.kind === 'verify'));
	const any = worst(cases);
	return {
		runs,
		worstVerifyMs: verify.worstMs,
		worstVerifyCase: verify.name,
		worstMs: any.worstMs,
		worstCase: any.name,
		cases
	};
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	console.log = (...args: unknown[]) => console.error(...args);
	const result = await benchHostile(process.argv.includes('--quick'));
	process.stdout.write(`${JSON.stringify({ hostile: result, notes: HOSTILE_NOTES }, null, 2)}\n`);
}
