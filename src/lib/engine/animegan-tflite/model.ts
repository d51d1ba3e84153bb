// AnimeGANv2 (Hayao style) from PINTO's int8 TF Lite file, rebuilt with tfjs ops. One fixed look: no
// style image, and strength is the engine's blend with the photo. The file's input is 256x256 RGB in
// -1..1; the rebuilt generator is fully convolutional, so it paints at the working size instead.
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

export class AnimeganTfliteModel implements StyleModel {
	readonly appliesStrength = false;
	private generator: TfliteGraph | null = null;

	constructor(
		readonly card: ModelCard,
		private readonly tf: typeof import('@tensorflow/tfjs'),
		/** TF Lite's int8 arithmetic, bit for bit on wasm and cpu (3x slower); off, the int8 weights run in
		 * float, which looks the same (0.018 mean difference on 0..1) and works on every backend. */
		private readonly emulateQuantization = false
	) {}

	async load(read: AssetReader): Promise<void> {
		this.dispose();
		const generator = await readTfliteGraph(
			this.tf,
			this.card,
			'generator.tflite',
			read,
			this.emulateQuantization
		);
		if (!hasSignature(generator, [[1, -1, -1, 3]], [[1, -1, -1, 3]])) {
			generator.dispose();
			throw new EngineError(
				`${this.card.id}: generator.tflite is not an AnimeGAN generator (image in, image out)`
			);
		}
		this.generator = generator;
	}

	warmUp(): Promise<void> {
		return warmUpWith(() =>
			this.tf.tidy(() => this.stylize(this.tf.zeros([32, 32, 3]), { styles: [], strength: 1, options: {} }))
		);
	}

	stylize(content: tf.Tensor3D, _params: StyleParams, stats?: TileStats): tf.Tensor3D {
		return this.tf.tidy(() => this.paint(content, imposedStatistics(this.tf, stats)));
	}

	/** For tiles: the generator's layer-norm statistics on the whole image. */
	imageStats(preview: tf.Tensor3D): StatTensors {
		const generator = this.net();
		return recordStatistics(generator, (statistics) => this.paint(preview, statistics).dispose());
	}

	private paint(content: tf.Tensor3D, statistics: Statistics): tf.Tensor3D {
		const generator = this.net();
		const tf = this.tf;
		return tf.tidy(() => {
			const painted = runAtNetworkSize(
				tf,
				content.div(127.5).sub(1) as tf.Tensor3D,
				(input) => generator.run([input], statistics)[0] as tf.Tensor4D
			);
			return painted.add(1).mul(127.5).clipByValue(0, 255) as tf.Tensor3D;
		});
	}

	private net(): TfliteGraph {
		if (!this.generator) throw new EngineError(`${this.card.id} is not loaded`);
		return this.generator;
	}

	dispose(): void {
		this.generator?.dispose();
		this.generator = null;
	}
}
