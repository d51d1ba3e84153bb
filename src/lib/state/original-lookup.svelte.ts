// "Find the original" on /verify: only when the person asks, the file is sent to this site's gallery
// (its soft-binding API computes the fingerprint from the pixels), and each signed original found is
// downloaded and verified here in the browser. What is shown is the ORIGINAL's credentials, never the
// file in hand's.
import { describe } from '../provenance/c2pa/errors';
import { verifyImage, type VerifyResult } from '../provenance/c2pa/verify';
import { SOFT_BINDING_API, softBindingMatchesSchema, type SoftBindingMatch } from '../soft-binding-api';

export type LookupStatus = 'idle' | 'searching' | 'done';

export interface FoundOriginal {
	match: SoftBindingMatch;
	/** The original file's own credentials, checked in this browser. */
	result: VerifyResult;
}

export class OriginalLookup {
	status = $state<LookupStatus>('idle');
	found = $state.raw<FoundOriginal[]>([]);
	alert = $state<string | null>(null);
	#abort: AbortController | null = null;

	/** Asks the gallery for originals of these image bytes and verifies each one found. */
	async find(image: { bytes: Uint8Array; type: string }, trustAnchors: string[]): Promise<void> {
		this.cancel();
		const abort = new AbortController();
		this.#abort = abort;
		this.status = 'searching';
		this.alert = null;
		this.found = [];
		try {
			const response = await fetch(`${SOFT_BINDING_API}/matches/byContent?alg=io.iscc.v0`, {
				method: 'POST',
				headers: { 'content-type': image.type },
				body: image.bytes as Uint8Array<ArrayBuffer>,
				signal: abort.signal
			});
			const body: unknown = await response.json().catch(() => null);
			if (!response.ok) {
				const message = (body as { message?: unknown } | null)?.message;
				throw new Error(typeof message === 'string' ? message : `The gallery answered ${response.status}.`);
			}
			const parsed = softBindingMatchesSchema.safeParse(body);
			if (!parsed.success) throw new Error('The gallery did not answer as a soft-binding service.');
			const found: FoundOriginal[] = [];
			for (const match of parsed.data.matches) {
				const original = await fetch(`/api/images/${encodeURIComponent(match.imageId)}/original`, {
					signal: abort.signal
				});
				if (!original.ok) continue; // deleted or hidden since the lookup
				const result = await verifyImage(new Uint8Array(await original.arrayBuffer()), { trustAnchors });
				found.push({ match, result });
			}
			if (abort.signal.aborted) return;
			this.found = found;
			this.status = 'done';
		} catch (error) {
			if (abort.signal.aborted) return;
			this.alert = `The search for the original failed: ${describe(error)}`;
			this.status = 'idle';
		}
	}

	cancel(): void {
		this.#abort?.abort();
		this.#abort = null;
		this.status = 'idle';
		this.found = [];
		this.alert = null;
	}
}
