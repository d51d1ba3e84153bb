// White-box Cartoonization (Wang & Yu, CVPR 2020) as a tfjs graph model: a U-Net generator followed by
// the guided filter that keeps the photo's structure, both inside the graph. It works in RGB -1..1, like
// the authors' inference code (x / 127.5 - 1 in, (y + 1) * 127.5 out).
import type * as tf from '@tensorflow/tfjs';
import type { ModelCard } from '../../assets/catalog';
import { manifestBytes, readGraphArtifacts, type StyleModel, type StyleParams } from '../model';
import { warmUpWith } from '../readback';
import { cropTo, padToMultiple } from '../padding';
import { type AssetReader, EngineError } from '../types';

const INPUT = 'input_photo';
const OUTPUT = 'final_output';
/** The generator halves the image twice and resizes back by exact doubling, so sides must be multiples of 4. */
export const SIDE_MULTIPLE = 4;

export class WhiteboxCartoonModel implements StyleModel {
	readonly appliesStrength = false;
	private net: tf.GraphModel | null = null;

	constructor(
		readonly card: ModelCard,
		private readonly tf: typeof import('@tensorflow/tfjs')
	) {}

	async load(read: AssetReader): Promise<void> {
		const artifacts = await readGraphArtifacts(this.card, '', read);
		const notTheNetwork = (detail = '') =>
			new EngineError(`${this.card.id}: these weights are not the White-box Cartoonization network${detail}`);
		// Check the wiring before tfjs makes any tensor: a topology given other weights fails halfway
		// through creating them and leaks the rest.
		const nodes = (artifacts.modelTopology as { node?: { name?: string }[] } | undefined)?.node ?? [];
		const names = new Set(nodes.map((n) => n.name));
		if (!names.has(INPUT) || !names.has(OUTPUT)) {
			throw notTheNetwork(` (no "${INPUT}" input or "${OUTPUT}" output)`);
		}
		const expected = manifestBytes(artifacts.weightSpecs ?? []);
		const actual = (artifacts.weightData as ArrayBuffer).byteLength;
		if (expected !== null && expected !== actual) {
			throw notTheNetwork(` (model.json describes ${expected} bytes of weights, the shard holds ${actual})`);
		}
		this.dispose();
		try {
			this.net = await this.tf.loadGraphModel(this.tf.io.fromMemory(artifacts));
		} catch (cause) {
			this.dispose();
			throw notTheNetwork(` (${(cause as Error).message})`);
		}
	}

	warmUp(): Promise<void> {
		return warmUpWith(() => this.tf.tidy(() => this.stylize(this.tf.zeros([64, 64, 3]) as tf.Tensor3D)));
	}

	/** Content HxWx3 float 0..255 (any size) in, the cartoon at the same size out. Takes no parameters. */
	stylize(content: tf.Tensor3D, _params?: StyleParams): tf.Tensor3D {
		const net = this.net;
		if (!net) throw new EngineError(`${this.card.id} is not loaded`);
		const [height = 1, width = 1] = content.shape;
		return this.tf.tidy(() => {
			const padded = padToMultiple(this.tf, content.toFloat(), SIDE_MULTIPLE);
			const input = padded.div(127.5).sub(1).expandDims(0);
			const out = net.execute({ [INPUT]: input }, OUTPUT) as tf.Tensor4D;
			const painted = out.squeeze([0]).add(1).mul(127.5) as tf.Tensor3D;
			return cropTo(painted, height, width).clipByValue(0, 255) as tf.Tensor3D;
		});
	}

	dispose(): void {
		this.net?.dispose();
		this.net = null;
	}
}
