// Runs hostile inputs in a child process (hostile-runner.ts) with a hard budget: a heap capped at
// HOSTILE_HEAP_MIB, and a kill when an input has used more than HOSTILE_TIME_MS of CPU time (read from
// /proc, so a machine busy with other work does not count against it; where there is no /proc, wall time)
// or HOSTILE_WALL_MS of wall time. A killed or crashed child is an answer too (`killed` / `crashed`), and
// the next input gets a fresh child.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../../src/lib/node/catalog-fs';
import type { HostileInput } from './hostile-inputs';
import type { HostileAnswer, HostileRequest } from './hostile-runner';

/** The budget of one input: CPU time from the request to the answer (start-up not counted), and heap. */
export const HOSTILE_TIME_MS = 2000;
export const HOSTILE_HEAP_MIB = 256;
/** However busy the machine, an input that has not answered after this long is killed. */
export const HOSTILE_WALL_MS = 30_000;

/** USER_HZ: the unit of the times in /proc/<pid>/stat (100 on Linux in practice). */
const CLOCK_TICKS = 100;

/** A clock of the CPU time (user + system, in ms) the process uses from now; wall time where /proc cannot say. */
function cpuClock(pid: number | undefined): () => number {
	const wallStart = performance.now();
	const read = (): number | undefined => {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			// After the command name in parentheses: state is field 3; utime and stime are fields 14 and 15.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
		} catch {
			return undefined;
		}
	};
	const start = read();
	return () => {
		const now = read();
		return start === undefined || now === undefined ? performance.now() - wallStart : now - start;
	};
}

const RUNNER = path.join(PROJECT_ROOT, 'tests/provenance/hostile-runner.ts');

export type HostileResult =
	HostileAnswer | { outcome: 'killed' | 'crashed'; codes: []; ms: number; cpuMs?: undefined; detail: string };

export class HostileChild {
	#child: ChildProcess | undefined;
	#answers: ((line: string) => void)[] = [];
	#exit: ((detail: string) => void) | undefined;
	readonly #dir = mkdtempSync(path.join(os.tmpdir(), 'rakkan-hostile-'));
	#stderr = '';

	#start(): ChildProcess {
		const child = spawn(
			process.execPath,
			[`--max-old-space-size=${HOSTILE_HEAP_MIB}`, '--import', 'tsx', RUNNER],
			{ cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'] }
		);
		this.#stderr = '';
		child.stderr!.on('data', (chunk: Buffer) => {
			this.#stderr = (this.#stderr + chunk.toString()).slice(-2000);
		});
		createInterface({ input: child.stdout! }).on('line', (line) => this.#answers.shift()?.(line));
		child.on('exit', (code, signal) => {
			// A child killed for its time is already answered for; only the current one can crash.
			if (this.#child !== child) return;
			this.#child = undefined;
			this.#exit?.(`exit ${code ?? signal}: ${this.#stderr.trim().split('\n').slice(-3).join(' | ')}`);
		});
		return child;
	}

	/** Runs one input; a first call also pays for the child's start-up, outside the budget. */
	async run(input: HostileInput): Promise<HostileResult> {
		const file = path.join(this.#dir, 'input');
		writeFileSync(file, input.bytes);
		const child = (this.#child ??= this.#start());
		await this.#ready(child);
		const request: HostileRequest = { kind: input.kind, file, trust: input.trust, limits: input.limits };
		const started = performance.now();
		const cpu = cpuClock(child.pid);
		return new Promise<HostileResult>((resolve) => {
			const timer = setInterval(() => {
				const used = cpu();
				const wall = performance.now() - started;
				if (used <= HOSTILE_TIME_MS && wall <= HOSTILE_WALL_MS) return;
				clearInterval(timer);
				this.#exit = undefined;
				this.#answers = [];
				child.kill('SIGKILL');
				this.#child = undefined;
				const detail = `killed after ${Math.round(used)} ms of CPU time, ${Math.round(wall)} ms in all`;
				resolve({ outcome: 'killed', codes: [], ms: wall, detail });
			}, 20);
			this.#exit = (detail) => {
				clearInterval(timer);
				this.#answers = [];
				resolve({ outcome: 'crashed', codes: [], ms: performance.now() - started, detail });
			};
			this.#answers.push((line) => {
				clearInterval(timer);
				this.#exit = undefined;
				resolve(JSON.parse(line) as HostileAnswer);
			});
			child.stdin!.write(`${JSON.stringify(request)}\n`);
		});
	}

	/** Waits until the child has loaded its modules (an empty request answers at once). */
	#readyChild: ChildProcess | undefined;
	async #ready(child: ChildProcess): Promise<void> {
		if (this.#readyChild === child) return;
		const file = path.join(this.#dir, 'empty');
		writeFileSync(file, '');
		await new Promise<void>((resolve, reject) => {
			this.#exit = (detail) => reject(new Error(`the hostile runner did not start: ${detail}`));
			this.#answers.push(() => {
				this.#exit = undefined;
				resolve();
			});
			child.stdin!.write(`${JSON.stringify({ kind: 'xmp', file } satisfies HostileRequest)}\n`);
		});
		this.#readyChild = child;
	}

	close(): void {
		this.#exit = undefined;
		this.#child?.kill('SIGKILL');
		this.#child = undefined;
		rmSync(this.#dir, { recursive: true, force: true });
	}
}
