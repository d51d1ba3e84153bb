// MediaPipe BlazeFace (back-camera variant) as a tfjs graph model: a batch of RGB inputs in (256x256 as
// trained, or any multiple of 32: the network is fully convolutional), score logits and box regressors per
// anchor out; the decoding is the pure kernel in kernels/faces.ts.
import type * as tf from '@tensorflow/tfjs';
import type { DetectorCard } from '../../assets/catalog';
import {
	BLAZEFACE_INPUT,
	BLAZEFACE_ROW,
	blazefaceAnchors,
	decodeBlazeface,
	type Face
} from '../../kernels/faces';
import { type FaceDetector, manifestBytes, readGraphArtifacts } from '../model';
import { type AssetReader, EngineError } from '../types';

const INPUT = 'input';
/** Requested by name: the model lists its outputs in another order. Stride 16 first, then 32. */
const OUTPUTS = ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'] as const;

interface GraphNode {
	name?: string;
	op?: string;
	input?: string[];
	attr?: { shape?: { shape?: { dim?: { size?: string }[] } } };
}

/**
 * The graph's outputs are its last convolutions reshaped to fixed 256-input sizes ([1,512,1] ...), and
 * its input is declared [1,256,256,3]. The convolutions themselves take any input size: for each output,
 * this finds the tensor its Reshape reads, and the input is declared [-1,-1,-1,3] (in the loaded copy of
 * the topology; the verified file and the weights are unchanged). Null when the graph is not laid out so.
 */
function openSizes(nodes: GraphNode[]): string[] | null {
	const byName = new Map(nodes.map((n) => [n.name, n]));
	const unreshaped = OUTPUTS.map((name) => {
		let node = byName.get(name);
		while (node?.op === 'Identity') node = byName.get(node.input?.[0]);
		return node?.op === 'Reshape' ? node.input?.[0] : undefined;
	});
	const dims = byName.get(INPUT)?.attr?.shape?.shape?.dim;
	if (unreshaped.some((n) => !n || !byName.has(n)) || dims?.length !== 4) return null;
	for (const dim of dims.slice(0, 3)) dim.size = '-1';
	return unreshaped as string[];
}

export class BlazefaceDetector implements FaceDetector {
	private net: tf.GraphModel | null = null;
	/** The four convolutions the outputs reshape, in OUTPUTS order. */
	private convolutions: string[] = [];
	/** Anchors per input size: a photo's passes come in a few sizes, looked at again and again. */
	private readonly anchors = new Map<string, Float32Array>();

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
		const convolutions = openSizes(nodes as GraphNode[]);
		if (!convolutions) throw notTheNetwork('its outputs are not reshaped convolutions');
		const expected = manifestBytes(artifacts.weightSpecs ?? []);
		const actual = (artifacts.weightData as ArrayBuffer).byteLength;
		if (expected !== null && expected !== actual) {
			throw notTheNetwork(`model.json describes ${expected} bytes of weights, the file holds ${actual}`);
		}
		this.dispose();
		try {
			this.net = await this.tf.loadGraphModel(this.tf.io.fromMemory(artifacts));
			this.convolutions = convolutions;
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
	 * Inputs [N,H,W,3] RGB 0..255 (H and W multiples of 32; not disposed) in, the faces scoring at least
	 * `minScore` in each input's pixels out, one list per input. The whole batch runs as one inference, and
	 * its outputs are read back asynchronously (readback.ts).
	 */
	async detect(inputs: tf.Tensor4D, minScore: number): Promise<Face[][]> {
		const net = this.net;
		if (!net) throw new EngineError(`${this.card.id} is not loaded`);
		const [batch, height, width] = inputs.shape;
		const outputs = this.tf.tidy(() => {
			const input = inputs.toFloat().div(127.5).sub(1);
			const [s16, s32, r16, r32] = net.execute({ [INPUT]: input }, this.convolutions) as tf.Tensor[];
			return [
				this.tf.concat([s16!.reshape([batch, -1]), s32!.reshape([batch, -1])], 1),
				this.tf.concat([r16!.reshape([batch, -1]), r32!.reshape([batch, -1])], 1)
			];
		});
		try {
			const [logits, boxes] = (await Promise.all(outputs.map((t) => t.data()))) as [
				Float32Array,
				Float32Array
			];
			const anchors = this.anchorsFor(width, height);
			const count = anchors.length / 2;
			return Array.from({ length: batch }, (_, n) =>
				decodeBlazeface(
					logits.subarray(n * count, (n + 1) * count),
					boxes.subarray(n * count * BLAZEFACE_ROW, (n + 1) * count * BLAZEFACE_ROW),
					anchors,
					minScore
				)
			);
		} finally {
			for (const t of outputs) t.dispose();
		}
	}

	private anchorsFor(width: number, height: number): Float32Array {
		const key = `${width}x${height}`;
		let anchors = this.anchors.get(key);
		if (!anchors) {
			anchors = blazefaceAnchors(width, height);
			this.anchors.set(key, anchors);
		}
		return anchors;
	}

	dispose(): void {
		this.net?.dispose();
		this.net = null;
	}
}
