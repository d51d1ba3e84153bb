// Magenta's arbitrary style transfer from Google's official TF Lite files, rebuilt with tfjs ops: a
// MobileNetV2 style predictor (int8, 256x256 RGB 0..1 -> [1,1,1,100] bottleneck) and a transfer network
// (float16 weights, RGB 0..1 photo + bottleneck -> RGB 0..1 painting). The transfer network is fully
// convolutional once rebuilt, so it paints at the working size instead of the file's 384x384.
import type * as tf from '@tensorflow/tfjs';
import type { ModelCard } from '../../assets/catalog';
import type { StyleModel, StatTensors, StyleParams, TileStats } from '../model';
import { warmUpWith } from '../readback';
import type { Statistics, TfliteGraph } from '../tflite';
import {
	hasSignature,
	imposedStatistics,
	readTfliteGraph,
	recordStatistics,
	runAtNetworkSize
} from '../tflite/adapter';
import { type AssetReader, EngineError } from '../types';

export const BOTTLENECK_SIZE = 100;
/** The style predictor's fixed input side. */
export const STYLE_SIDE = 256;
/** The TileStats entry with the (blended, strength-mixed) bottleneck every tile of an image shares. */
const BOTTLENECK = 'bottleneck';

type TF = typeof import('@tensorflow/tfjs');

export class MagentaTfliteModel implements StyleModel {
	readonly appliesStrength = true;
	private predictor: TfliteGraph | null = null;
	private transfer: TfliteGraph | null = null;

	constructor(
		readonly card: ModelCard,
		private readonly tf: TF
	) {}

	async load(read: AssetReader): Promise<void> {
		this.dispose();
		const notThePair = () =>
			new EngineError(
				`${this.card.id}: these files are not Magenta's TF Lite style predictor and transfer network`
			);
		let predictor: TfliteGraph | null = null;
		let transfer: TfliteGraph | null = null;
		try {
			// The int8 predictor runs in float on its dequantized weights: its bottleneck is within 1.5% of TF
			// Lite's (one painting level on average), and float ops run on every backend, where exact int8
			// emulation needs int32 arithmetic that WebGL only approximates.
			predictor = await readTfliteGraph(this.tf, this.card, 'predict.tflite', read, false);
			transfer = await readTfliteGraph(this.tf, this.card, 'transfer.tflite', read, false);
			const bottleneck = [1, 1, 1, BOTTLENECK_SIZE];
			if (!hasSignature(predictor, [[1, STYLE_SIDE, STYLE_SIDE, 3]], [bottleneck])) throw notThePair();
			if (!hasSignature(transfer, [[1, -1, -1, 3], bottleneck], [[1, -1, -1, 3]])) throw notThePair();
		} catch (error) {
			predictor?.dispose();
			transfer?.dispose();
			throw error;
		}
		this.predictor = predictor;
		this.transfer = transfer;
	}

	warmUp(): Promise<void> {
		return warmUpWith(() =>
			this.tf.tidy(() => {
				const zeros = this.tf.zeros([64, 64, 3]) as tf.Tensor3D;
				return this.stylize(zeros, { styles: [{ image: zeros, weight: 1 }], strength: 0.5, options: {} });
			})
		);
	}

	/** The [1,1,1,100] style bottleneck of an HxWx3 0..255 image (resized to 256x256, as the predictor needs). */
	bottleneck(image: tf.Tensor3D): tf.Tensor4D {
		const { predictor } = this.nets();
		return this.tf.tidy(() => {
			const input = this.tf.image.resizeBilinear(image, [STYLE_SIDE, STYLE_SIDE], true).div(255);
			return predictor.run([input.expandDims(0)])[0] as tf.Tensor4D;
		});
	}

	/** The bottleneck a painting uses: the weighted mean of the styles', mixed with the photo's own by
	 * strength. */
	private mixedBottleneck(content: tf.Tensor3D, { styles, strength }: StyleParams): tf.Tensor4D {
		if (styles.length === 0) throw new EngineError(`${this.card.id} needs a style image`);
		return this.tf.tidy(() => {
			// A blend of styles is the weighted mean of their bottlenecks.
			let bottleneck = this.tf.addN(styles.map((s) => this.bottleneck(s.image).mul(s.weight))) as tf.Tensor4D;
			if (strength < 1) {
				bottleneck = bottleneck.mul(strength).add(this.bottleneck(content).mul(1 - strength));
			}
			return bottleneck;
		});
	}

	private paint(content: tf.Tensor3D, bottleneck: tf.Tensor4D, statistics: Statistics): tf.Tensor3D {
		const { transfer } = this.nets();
		const tf = this.tf;
		return tf.tidy(() => {
			const painted = runAtNetworkSize(
				tf,
				content.div(255) as tf.Tensor3D,
				(input) => transfer.run([input, bottleneck], statistics)[0] as tf.Tensor4D
			);
			return painted.mul(255).clipByValue(0, 255) as tf.Tensor3D;
		});
	}

	stylize(content: tf.Tensor3D, params: StyleParams, stats?: TileStats): tf.Tensor3D {
		if (params.styles.length === 0) throw new EngineError(`${this.card.id} needs a style image`);
		this.nets();
		return this.tf.tidy(() => {
			const shared = stats?.[BOTTLENECK];
			const bottleneck = shared
				? this.tf.tensor4d(shared.data, [1, 1, 1, BOTTLENECK_SIZE])
				: this.mixedBottleneck(content, params);
			return this.paint(content, bottleneck, imposedStatistics(this.tf, stats));
		});
	}

	/** For tiles: the bottleneck and the transfer network's instance-norm statistics on the whole image. */
	imageStats(preview: tf.Tensor3D, params: StyleParams): StatTensors {
		const { transfer } = this.nets();
		return this.tf.tidy(() => {
			const bottleneck = this.mixedBottleneck(preview, params);
			const stats = recordStatistics(transfer, (statistics) => {
				this.paint(preview, bottleneck, statistics).dispose();
			});
			stats[BOTTLENECK] = bottleneck;
			return stats;
		});
	}

	dispose(): void {
		this.predictor?.dispose();
		this.transfer?.dispose();
		this.predictor = null;
		this.transfer = null;
	}

	private nets(): { predictor: TfliteGraph; transfer: TfliteGraph } {
		if (!this.predictor || !this.transfer) throw new EngineError(`${this.card.id} is not loaded`);
		return { predictor: this.predictor, transfer: this.transfer };
	}
}
