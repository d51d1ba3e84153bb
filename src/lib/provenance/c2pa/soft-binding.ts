// The `c2pa.soft-binding` assertion: a fingerprint of the image's pixels (not a watermark: nothing is
// embedded in the pixels) with which a resolution service finds the manifest again once the metadata is
// gone. Rakkan records the ISCC image code v0 of the exported pixels (`io.iscc.v0`, entry 3 of the C2PA
// soft-binding algorithm list). One zod schema reads it back.
import { z } from 'zod';
import { ISCC_ALG } from '../../kernels/iscc';

export const SOFT_BINDING_LABEL = 'c2pa.soft-binding';

/** One soft binding: the algorithm and the value for the whole asset. */
export interface SoftBinding {
	alg: string;
	value: string;
}

/** The assertion's data: one block whose empty scope means the whole asset. */
export function softBindingData(binding: SoftBinding): unknown {
	return { alg: binding.alg, blocks: [{ scope: {}, value: binding.value }] };
}

const softBindingSchema = z.object({
	alg: z.string().min(1).max(256),
	blocks: z
		.array(z.object({ scope: z.record(z.string(), z.unknown()), value: z.string().min(1).max(4096) }))
		.min(1)
		.max(64),
	name: z.string().max(1000).optional(),
	alg_params: z.unknown().optional()
});

/** The whole-asset bindings of an assertion's data; null when it is not a soft-binding assertion. */
export function readSoftBinding(data: unknown): SoftBinding[] | null {
	const parsed = softBindingSchema.safeParse(data);
	if (!parsed.success) return null;
	return parsed.data.blocks
		.filter((block) => Object.keys(block.scope).length === 0)
		.map((block) => ({ alg: parsed.data.alg, value: block.value }));
}

/** The ISCC soft binding for an image code. */
export function isccBinding(code: string): SoftBinding {
	return { alg: ISCC_ALG, value: code };
}
