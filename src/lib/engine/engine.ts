// The style engine: loads models once, runs a stylize job stage by stage, and checks for
// cancellation between stages. The same code runs in the studio's worker and in the Node CLI.
import type * as tf from '@tensorflow/tfjs';
import { type Catalog, findModel, takesStyleImage } from '../assets/catalog';
import { createModel, type StyleModel } from './model';
import {
	type AssetReader,
	CanceledError,
	EngineError,
	type Pixels,
	type Progress,
	type Stage,
	type StylizeSettings,
	normalizeStyleWeights,
	validateStrength,
	type WeightedStyle
} from './types';
import { LUMA_WEIGHTS } from '../kernels/color';
import { fitWithin, workingSize } from '../kernels/geometry';

export interface StylizeJob {
	content: Pixels;
	/** Style references with blend weights (any positive numbers; normalised here). */
	styles: WeightedStyle[];
	settings: StylizeSettings;
}

export interface JobControl {
	signal?: AbortSignal;
	onProgress?: (progress: Progress) => void;
}

/** Where each stage starts on the progress bar. */
const STAGE_START: Record<Stage, number> = {
	'loading-model': 0,
	'analysing-style': 0.3,
	painting: 0.4,
	finishing: 0.9
};

export class StyleEngine {
	private readonly models = new Map<string, Promise<StyleModel>>();

	constructor(
		private readonly tf: typeof import('@tensorflow/tfjs'),
		private readonly catalog: Catalog,
		private readonly read: AssetReader
	) {}

	/** The loaded, warmed-up model; loaded once and shared by later jobs. */
	model(id: string): Promise<StyleModel> {
		let pending = this.models.get(id);
		if (!pending) {
			const model = createModel(findModel(this.catalog, id), this.tf);
			pending = model.load(this.read).then(() => {
				model.warmUp();
				return model;
			});
			pending.catch(() => this.models.delete(id));
			this.models.set(id, pending);
		}
		return pending;
	}

	async stylize(job: StylizeJob, control: JobControl = {}): Promise<Pixels> {
		const { settings } = job;
		const strength = validateStrength(settings.strength);
		const weights = job.styles.length ? normalizeStyleWeights(job.styles.map((s) => s.weight)) : [];
		const step = (stage: Stage) => {
			if (control.signal?.aborted) throw new CanceledError();
			control.onProgress?.({ stage, fraction: STAGE_START[stage] });
		};
		step('loading-model');
		const model = await this.model(settings.modelId);
		const needsStyle = takesStyleImage(model.card);
		if (needsStyle && job.styles.length === 0) {
			throw new EngineError(`${settings.modelId} needs a style image`);
		}
		step('analysing-style');
		const tf = this.tf;
		const styles = needsStyle
			? job.styles.map((style, i) => ({
					image: tf.tidy(() => {
						const size = fitWithin(style.pixels.width, style.pixels.height, settings.styleSide);
						return tf.image.resizeBilinear(toTensor(tf, style.pixels), [size.height, size.width], true);
					}),
					weight: weights[i]!
				}))
			: [];
		try {
			await yieldToEvents();
			step('painting');
			const painted = tf.tidy(() => {
				const { width, height } = settings.output;
				const photo = toTensor(tf, job.content);
				const work = workingSize(job.content.width, job.content.height, settings.workingSide);
				const input = tf.image.resizeBilinear(photo, [work.height, work.width], true);
				let out: tf.Tensor3D = tf.image.resizeBilinear(
					model.stylize(input, { styles, strength, options: settings.options ?? {} }),
					[height, width],
					true
				);
				const sameSize = job.content.width === width && job.content.height === height;
				const original = sameSize ? photo : tf.image.resizeBilinear(photo, [height, width], true);
				if (!model.appliesStrength && strength < 1) {
					out = out.mul(strength).add(original.mul(1 - strength));
				}
				if (settings.preserveColors) out = keepColors(tf, original, out);
				return out.clipByValue(0, 255).round() as tf.Tensor3D;
			});
			step('finishing');
			const pixels = await toPixels(painted);
			painted.dispose();
			control.onProgress?.({ stage: 'finishing', fraction: 1 });
			return pixels;
		} finally {
			for (const style of styles) style.image.dispose();
		}
	}

	dispose(): void {
		for (const pending of this.models.values())
			void pending.then(
				(m) => m.dispose(),
				() => undefined
			);
		this.models.clear();
	}
}

/** The photo's chroma with the painting's luma (see preserveColorsPixel in kernels/color). */
function keepColors(
	tf: typeof import('@tensorflow/tfjs'),
	photo: tf.Tensor3D,
	painted: tf.Tensor3D
): tf.Tensor3D {
	const weights = tf.tensor1d([...LUMA_WEIGHTS]);
	const luma = (image: tf.Tensor3D) => image.mul(weights).sum(-1, true);
	return photo.add(luma(painted).sub(luma(photo)));
}

/** RGBA pixels to an HxWx3 float tensor in 0..255. */
export function toTensor(tf: typeof import('@tensorflow/tfjs'), pixels: Pixels): tf.Tensor3D {
	// fromPixels wants a Uint8Array; a view over the same bytes avoids a copy.
	const data = new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength);
	return tf.tidy(() =>
		tf.browser.fromPixels({ data, width: pixels.width, height: pixels.height }, 3).toFloat()
	);
}

/** An HxWx3 tensor in 0..255 to opaque RGBA pixels. */
export async function toPixels(tensor: tf.Tensor3D): Promise<Pixels> {
	const [height, width] = tensor.shape;
	const rgb = await tensor.data();
	const data = new Uint8ClampedArray(width * height * 4);
	for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
		data[j] = rgb[i]!;
		data[j + 1] = rgb[i + 1]!;
		data[j + 2] = rgb[i + 2]!;
		data[j + 3] = 255;
	}
	return { width, height, data };
}

/** Lets cancel and newer-request messages in before the next long synchronous stage. */
function yieldToEvents(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 0));
}
