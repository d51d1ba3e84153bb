// The style engine: loads models once, runs a stylize job stage by stage, and checks for
// cancellation between stages. The same code runs in the studio's worker and in the Node CLI.
import type * as tf from '@tensorflow/tfjs';
import { type Catalog, findModel } from '../assets/catalog';
import { createModel, type StyleModel } from './model';
import {
	type AssetReader,
	CanceledError,
	EngineError,
	type Pixels,
	type Progress,
	type Stage,
	type StylizeSettings,
	validateStrength
} from './types';
import { fitWithin, workingSize } from '../kernels/geometry';

export interface StylizeJob {
	content: Pixels;
	style: Pixels | null;
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
		validateStrength(settings.strength);
		const step = (stage: Stage) => {
			if (control.signal?.aborted) throw new CanceledError();
			control.onProgress?.({ stage, fraction: STAGE_START[stage] });
		};
		step('loading-model');
		const model = await this.model(settings.modelId);
		if (model.needsStyleImage && !job.style) throw new EngineError(`${settings.modelId} needs a style image`);
		step('analysing-style');
		const tf = this.tf;
		const style = job.style
			? tf.tidy(() => {
					const size = fitWithin(job.style!.width, job.style!.height, settings.styleSide);
					return tf.image.resizeBilinear(toTensor(tf, job.style!), [size.height, size.width], true);
				})
			: undefined;
		try {
			await yieldToEvents();
			step('painting');
			const painted = tf.tidy(() => {
				const content = toTensor(tf, job.content);
				const work = workingSize(job.content.width, job.content.height, settings.workingSide);
				const input = tf.image.resizeBilinear(content, [work.height, work.width], true);
				const out = model.stylize(input, { style, strength: settings.strength });
				const { width, height } = settings.output;
				return tf.image.resizeBilinear(out, [height, width], true).clipByValue(0, 255).round() as tf.Tensor3D;
			});
			step('finishing');
			const pixels = await toPixels(painted);
			painted.dispose();
			control.onProgress?.({ stage: 'finishing', fraction: 1 });
			return pixels;
		} finally {
			style?.dispose();
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
