// The child process of the hostile-input suite: reads one JSON request per line on stdin ({kind, file,
// trust?, limits?}), runs the matching parser on the file's bytes, and answers one JSON line on stdout
// ({outcome, codes, ms}). The parent kills it when an answer is later than the budget; its heap is capped
// with --max-old-space-size. Run with `node --import tsx tests/provenance/hostile-runner.ts`.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeCbor } from '../../src/lib/provenance/c2pa/cbor';
import { parseCoseSign1 } from '../../src/lib/provenance/c2pa/cose';
import { derChildren, readDer, timeStampTime } from '../../src/lib/provenance/c2pa/der';
import { own } from '../../src/lib/provenance/c2pa/bytes';
import { ProvenanceError } from '../../src/lib/provenance/c2pa/errors';
import { parseJumbf } from '../../src/lib/provenance/c2pa/jumbf';
import { verifyImage, type ManifestSummary, type IngredientNode } from '../../src/lib/provenance/c2pa/verify';
import * as x509 from '../../src/lib/provenance/c2pa/x509';
import { ProjectFileError, readProjectFile } from '../../src/lib/document/project';
import { parseXmp } from '../../src/lib/provenance/xmp/xmp';
import type { HostileKind } from './hostile-inputs';

export interface HostileRequest {
	kind: HostileKind;
	file: string;
	trust?: string[];
	limits?: Record<string, number>;
}

export interface HostileAnswer {
	/** verify: the state; otherwise `ok`, the error's code, or `threw <name>: <message>`. */
	outcome: string;
	/** verify: every failure code, nested manifests' included. */
	codes: string[];
	ms: number;
	/** CPU time the run took (user + system), in ms. */
	cpuMs: number;
	/** Peak resident memory of this process so far, in MiB. */
	maxRssMiB: number;
}

function nestedCodes(nodes: IngredientNode[], out: string[]): void {
	for (const node of nodes) {
		const manifest: ManifestSummary | undefined = node.manifest;
		if (!manifest) continue;
		out.push(...manifest.failures.map((f) => f.code));
		nestedCodes(manifest.ingredients, out);
	}
}

async function run(
	request: HostileRequest,
	bytes: Uint8Array
): Promise<Omit<HostileAnswer, 'ms' | 'cpuMs' | 'maxRssMiB'>> {
	if (request.kind === 'verify') {
		const result = await verifyImage(bytes, { trustAnchors: request.trust, limits: request.limits });
		const codes = result.failures.map((f) => f.code);
		nestedCodes(result.ingredients, codes);
		// What the CLI and the gallery do with it: it must serialise.
		JSON.stringify(result);
		return { outcome: result.state, codes };
	}
	try {
		if (request.kind === 'jumbf') parseJumbf(bytes);
		else if (request.kind === 'cbor') decodeCbor(bytes);
		else if (request.kind === 'cose') parseCoseSign1(bytes);
		else if (request.kind === 'der') {
			timeStampTime(bytes);
			try {
				new x509.X509Certificate(own(bytes));
			} catch {
				// Not a certificate: what matters is that reading it ends.
			}
			// Walk down the first child as far as it goes.
			for (let node = readDer(bytes).node; node.constructed;) {
				const first = derChildren(node)[0];
				if (!first) break;
				node = first;
			}
		} else if (request.kind === 'xmp') parseXmp(new TextDecoder().decode(bytes));
		else await readProjectFile(bytes);
		return { outcome: 'ok', codes: [] };
	} catch (error) {
		if (error instanceof ProvenanceError || error instanceof ProjectFileError)
			return { outcome: error.code, codes: [] };
		const e = error as Error;
		return { outcome: `threw ${e?.name}: ${e?.message}`, codes: [] };
	}
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
	const request = JSON.parse(line) as HostileRequest;
	const bytes = new Uint8Array(readFileSync(request.file));
	const started = performance.now();
	const cpu = process.cpuUsage();
	const answer = await run(request, bytes);
	const used = process.cpuUsage(cpu);
	const done: HostileAnswer = {
		...answer,
		ms: performance.now() - started,
		cpuMs: (used.user + used.system) / 1000,
		maxRssMiB: process.resourceUsage().maxRSS / 1024
	};
	process.stdout.write(`${JSON.stringify(done)}\n`);
}
