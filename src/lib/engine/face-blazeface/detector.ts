// MediaPipe BlazeFace (back-camera variant) as a tfjs graph model: a batch of 256x256 RGB windows in,
// score logits and box regressors per anchor out; the decoding is the pure kernel in kernels/faces.ts.
import type * as tf from '@tensorflow/tfjs';
import type { DetectorCard } from '../../assets/catalog';
import { BLAZEFACE_INPUT, blazefaceAnchors, decodeBlazeface, type Face } from '../../kernels/faces';
import { type FaceDetector, manifestBytes, readGraphArtifacts } from '../model';
import { type AssetReader, EngineError } from '../types';

const INPUT = 'input';
/** Requested by name: the model lists its outputs in another order. Stride 16 first, then 32. */
const OUTPUTS = ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'] as const;

export class BlazefaceDetector implements FaceDetector {
	readonly inputSize = BLAZEFACE_INPUT;
	private net: tf.GraphModel | null = null;
	private readonly anchors = blazefaceAnchors(BLAZEFACE_INPUT);

	constructor(
		readonly card: DetectorCard,
		private readonly tf: typeof import('@tensorflow/tfjs')
	) {}

	async load(read: AssetReader): Promise<void> {
		const artifacts = await readGraphArtifacts(this.card, '', read);
		const notTheNetwork = (detail: string) =>
			new EngineError(`${this.card.id}: these weights are not the BlazeFace network (${detail})`);
		const nodes = (artifacts.modelTopology as { node?: { name?: string }[] } | undefined)?.node ?? [];
		const names = new Set(nodes.map((n) => n.name));
		const missing = [INPUT, ...OUTPUTS].filter((name) => !names.has(name));
		if (missing.length) throw notTheNetwork(`no ${missing.join(', ')}`);
		const expected = manifestBytes(artifacts.weightSpecs ?? []);
		const actual = (artifacts.weightData as ArrayBuffer).byteLength;
		if (expected !== null && expected !== actual) {
			throw notTheNetwork(`model.json describes ${expected} bytes of weights, the file holds ${actual}`);
		}
		this.dispose();
		try {
			this.net = await this.tf.loadGraphModel(this.tf.io.fromMemory(artifacts));
		} catch (cause) {
			this.dispose();
			throw notTheNetwork((cause as Error).message);
		}
	}

	async warmUp(): Promise<void> {
		const zeros = this.tf.zeros([1, BLAZEFACE_INPUT, BLAZEFACE_INPUT, 3]) as tf.Tensor4D;
		try {
			await this.detect(zeros, 1);
		} finally {
			zeros.dispose();
		}
	}

	/**
	 * Windows [N,256,256,3] RGB 0..255 in (not disposed), the faces scoring at least `minScore` in each
	 * window's input pixels out, one list per window. Outputs are read back asynchronously (readback.ts).
	 */
	async detect(windows: tf.Tensor4D, minScore: number): Promise<Face[][]> {
		const net = this.net;
		if (!net) throw new EngineError(`${this.card.id} is not loaded`);
		const found: Face[][] = [];
		// The graph's input is fixed at batch 1, so windows run one after another.
		for (let n = 0; n < windows.shape[0]; n++) {
			const outputs = this.tf.tidy(() => {
				const input = windows.slice([n, 0, 0, 0], [1, -1, -1, -1]).toFloat().div(127.5).sub(1);
				const [s16, s32, r16, r32] = net.execute({ [INPUT]: input }, [...OUTPUTS]) as tf.Tensor[];
				return [this.tf.concat([s16!, s32!], 1), this.tf.concat([r16!, r32!], 1)];
			});
			try {
				const [logits, boxes] = (await Promise.all(outputs.map((t) => t.data()))) as [
					Float32Array,
					Float32Array
				];
				found.push(decodeBlazeface(logits, boxes, this.anchors, minScore));
			} finally {
				for (const t of outputs) t.dispose();
			}
		}
		return found;
	}

	dispose(): void {
		this.net?.dispose();
		this.net = null;
	}
}
