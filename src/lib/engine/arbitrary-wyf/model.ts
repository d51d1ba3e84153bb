// Arbitrary style transfer from whatsyourface: a style network (image -> 100-d vector) and a
// transfer network (photo + vector -> painting), both tfjs graph models working in 0..255 RGB.
import type * as tf from '@tensorflow/tfjs';
import type { ModelCard } from '../../assets/catalog';
import { fitWithin } from '../../kernels/geometry';
import { BAND_MEAN_OP, BAND_VARIANCE_OP, LAYER_ATTR, registerBandOps, runWithStats } from '../band-means';
import {
	type BandPass,
	manifestBytes,
	readGraphArtifacts,
	type StyleModel,
	type StatTensors,
	type StatsFeed,
	type StyleParams,
	type TileStats
} from '../model';
import { warmUpWith } from '../readback';
import { FEED_SHARED } from '../stats-bands';
import { type AssetReader, EngineError } from '../types';

export const STYLE_VECTOR_SIZE = 100;
/** The photo's own style is read at this size; it only feeds the strength interpolation. */
const CONTENT_STYLE_SIDE = 256;
/** The smallest side the style network accepts (measured: 31 px fails, 32 px works). */
const MIN_STYLE_INPUT_SIDE = 32;
const NORM_NODE = /^(.*instance_norm[^/]*)\/(Mean|reduce_std\/reduce_variance\/Mean_1)$/;
/** The transfer network's style-vector input, which the loader also makes an input of every norm node:
 * each run feeds its own, so the band ops can tell runs apart (see band-means.ts). */
const STYLE_INPUT = 'Placeholder_1';
/** A node of a graph model's topology, as far as the loader reads and changes it. */
interface GraphNodeDef {
	name: string;
	op: string;
	input?: string[];
	attr?: Record<string, unknown>;
}
/** The key of the style vector in TileStats. */
const STYLE_VECTOR = 'style-vector';

export class ArbitraryWyfModel implements StyleModel {
	readonly appliesStrength = true;
	private styleNet: tf.GraphModel | null = null;
	private transferNet: tf.GraphModel | null = null;
	/** The transfer network's instance-norm mean and variance nodes, which tiles take from the whole image. */
	private normNodes: string[] = [];

	constructor(
		readonly card: ModelCard,
		private readonly tf: typeof import('@tensorflow/tfjs')
	) {}

	async load(read: AssetReader): Promise<void> {
		const [style, transfer] = await Promise.all([
			readGraphArtifacts(this.card, 'style/', read),
			readGraphArtifacts(this.card, 'transfer/', read)
		]);
		const notThePair = (detail = '') =>
			new EngineError(
				`${this.card.id}: these weights are not the whatsyourface style/transfer pair${detail}`
			);
		try {
			// A topology given the other network's weights would fail inside tfjs halfway through creating
			// its weight tensors, leaking them; the byte count catches that first.
			for (const [net, artifacts] of [
				['style', style],
				['transfer', transfer]
			] as const) {
				const expected = manifestBytes(artifacts.weightSpecs ?? []);
				const actual = (artifacts.weightData as ArrayBuffer).byteLength;
				if (expected !== null && expected !== actual) {
					throw new Error(
						`the ${net} model.json describes ${expected} bytes of weights, its shards hold ${actual}`
					);
				}
			}
			// The instance norms' means become the band ops, so statistics can be read in bands and followed.
			// A variance op takes the deviations (its Square's input) and squares them itself, which a band
			// never needs. Each op knows its norm's index, and takes the style vector to find its run by.
			const topology = transfer.modelTopology as { node?: GraphNodeDef[] } | undefined;
			const nodes = new Map((topology?.node ?? []).map((n) => [n.name, n]));
			const norms = [...nodes.values()].filter((n) => NORM_NODE.test(n.name));
			const layers: string[] = [];
			for (const node of norms) {
				const [, norm = '', kind] = NORM_NODE.exec(node.name)!;
				if (!layers.includes(norm)) layers.push(norm);
				if (node.op !== 'Mean') throw new Error(`${node.name} is not a mean`);
				let input = node.input ?? [];
				if (kind !== 'Mean') {
					const square = nodes.get(input[0]?.split(':')[0] ?? '');
					if (square?.op !== 'Square' || !square.input?.[0])
						throw new Error(`${node.name} is not a variance`);
					input = [square.input[0], ...input.slice(1)];
				}
				node.op = kind === 'Mean' ? BAND_MEAN_OP : BAND_VARIANCE_OP;
				node.input = [...input.slice(0, 2), STYLE_INPUT];
				node.attr = { ...node.attr, [LAYER_ATTR]: { i: layers.indexOf(norm) } };
			}
			this.normNodes = norms.map((n) => n.name);
			registerBandOps(this.tf);
			this.styleNet = await this.tf.loadGraphModel(this.tf.io.fromMemory(style));
			this.transferNet = await this.tf.loadGraphModel(this.tf.io.fromMemory(transfer));
			await this.checkNormAxes(norms);
		} catch (cause) {
			this.dispose();
			throw notThePair(` (${(cause as Error).message})`);
		}
		const inputs = this.transferNet.inputs.map((i) => i.name).sort();
		if (this.styleNet.inputs[0]?.name !== 'x1' || inputs.join() !== 'Placeholder,Placeholder_1') {
			this.dispose();
			throw notThePair();
		}
	}

	warmUp(): Promise<void> {
		return warmUpWith(() =>
			this.tf.tidy(() => {
				const zeros = this.tf.zeros([64, 64, 3]) as tf.Tensor3D;
				return this.stylize(zeros, { styles: [{ image: zeros, weight: 1 }], strength: 0.5, options: {} });
			})
		);
	}

	/** The 100-d style vector of an HxWx3 0..255 image. */
	styleVector(image: tf.Tensor3D): tf.Tensor2D {
		const style = this.nets().style;
		return this.tf.tidy(() => {
			// A side under MIN_STYLE_INPUT_SIDE crashes the style network on wasm (memory access out of
			// bounds, which also wrecks the backend): stretch short sides up; the vector describes texture.
			const [h = 1, w = 1] = image.shape;
			const input =
				h < MIN_STYLE_INPUT_SIDE || w < MIN_STYLE_INPUT_SIDE
					? this.tf.image.resizeBilinear(
							image,
							[Math.max(h, MIN_STYLE_INPUT_SIDE), Math.max(w, MIN_STYLE_INPUT_SIDE)],
							true
						)
					: image;
			return style.execute(input.expandDims(0)) as tf.Tensor2D;
		});
	}

	stylize(content: tf.Tensor3D, params: StyleParams, stats?: TileStats): tf.Tensor3D {
		const { transfer } = this.nets();
		return this.tf.tidy(() => {
			const fromStats = (name: string) => this.tf.tensor(stats![name]!.data, stats![name]!.shape);
			const vector = stats ? fromStats(STYLE_VECTOR) : this.mixedVector(content, params);
			const feed: tf.NamedTensorMap = { Placeholder: content.expandDims(0), [STYLE_INPUT]: vector };
			if (stats) for (const name of this.normNodes) feed[name] = fromStats(name);
			const out = transfer.execute(feed) as tf.Tensor4D;
			return out.squeeze([0]).clipByValue(0, 255) as tf.Tensor3D;
		});
	}

	imageStats(preview: tf.Tensor3D, params: StyleParams): StatTensors {
		const { transfer } = this.nets();
		const tensors = this.tf.tidy(() => {
			const vector = this.mixedVector(preview, params);
			const feed = { Placeholder: preview.expandDims(0), [STYLE_INPUT]: vector };
			return [vector, ...(transfer.execute(feed, this.normNodes) as tf.Tensor[])];
		});
		return this.statTensors(tensors);
	}

	async imageStatsBand(preview: tf.Tensor3D, params: StyleParams, band: BandPass): Promise<StatTensors> {
		const { transfer } = this.nets();
		// The style vector from the whole preview (the photo's own style at strength < 1), as imageStats.
		const [vector, rows] = this.tf.tidy(() => [
			this.mixedVector(preview, params),
			preview.slice([band.rows.start, 0, 0], [band.rows.end - band.rows.start, -1, -1]).expandDims(0)
		]);
		try {
			band.publish(FEED_SHARED, Float32Array.from(await vector.data()));
			const feed = { Placeholder: rows, [STYLE_INPUT]: vector };
			const norms = await runWithStats(
				vector,
				// A band that is the whole preview reads its own statistics; one of several reduces them.
				band.reduce ? { band } : { publish: band.publish },
				async () => (await transfer.executeAsync(feed, this.normNodes)) as tf.Tensor[]
			);
			return this.statTensors([vector, ...norms]);
		} catch (error) {
			vector.dispose();
			throw error;
		} finally {
			rows.dispose();
		}
	}

	async stylizeFollowing(content: tf.Tensor3D, _params: StyleParams, feed: StatsFeed): Promise<tf.Tensor3D> {
		const { transfer } = this.nets();
		const vector = this.styleVectorFrom(await feed(FEED_SHARED));
		const input = content.expandDims(0);
		try {
			const out = await runWithStats(
				vector,
				{ feed },
				async () =>
					(await transfer.executeAsync({ Placeholder: input, [STYLE_INPUT]: vector })) as tf.Tensor4D
			);
			const painting = this.tf.tidy(() => out.squeeze([0]).clipByValue(0, 255) as tf.Tensor3D);
			out.dispose();
			return painting;
		} finally {
			this.tf.dispose([vector, input]);
		}
	}

	get statsLayers(): number {
		return this.normNodes.length / 2;
	}

	async sharedValues(preview: tf.Tensor3D, params: StyleParams): Promise<Float32Array> {
		const vector = this.mixedVector(preview, params);
		try {
			return Float32Array.from(await vector.data());
		} finally {
			vector.dispose();
		}
	}

	async stylizeBand(
		content: tf.Tensor3D,
		shared: Float32Array,
		band: BandPass
	): Promise<{ painting: tf.Tensor3D; stats: StatTensors }> {
		const { transfer } = this.nets();
		const vector = this.styleVectorFrom(shared);
		const input = content.expandDims(0);
		try {
			const [out, ...norms] = await runWithStats(
				vector,
				{ band },
				async () =>
					(await transfer.executeAsync({ Placeholder: input, [STYLE_INPUT]: vector }, [
						...transfer.outputNodes,
						...this.normNodes
					])) as tf.Tensor[]
			);
			const painting = this.tf.tidy(() => out!.squeeze([0]).clipByValue(0, 255) as tf.Tensor3D);
			out!.dispose();
			return { painting, stats: this.statTensors([vector.clone(), ...norms]) };
		} finally {
			this.tf.dispose([vector, input]);
		}
	}

	/** The band-mean op averages over height and width: the graph's means must do the same. */
	private async checkNormAxes(norms: GraphNodeDef[]): Promise<void> {
		const weights = this.transferNet!.weights;
		for (const node of norms) {
			const axes = weights[node.input?.[1]?.split(':')[0] ?? '']?.[0];
			const values = axes ? Array.from(await axes.data()) : [];
			if (values.join() !== '1,2') throw new Error(`${node.name} does not average over height and width`);
		}
	}

	/** The style vector and then each norm node's statistic, by name. */
	private statTensors(tensors: tf.Tensor[]): StatTensors {
		return Object.fromEntries([STYLE_VECTOR, ...this.normNodes].map((name, i) => [name, tensors[i]!]));
	}

	/** The style vector a pass shared (see sharedValues), as the transfer network's input. */
	private styleVectorFrom(values: Float32Array): tf.Tensor2D {
		if (values.length !== STYLE_VECTOR_SIZE) {
			throw new EngineError(`${this.card.id}: the statistics pass shared no style vector`);
		}
		return this.tf.tensor2d(values, [1, STYLE_VECTOR_SIZE]);
	}

	/** The blend of the styles' vectors, moved toward the photo's own by 1 - strength. */
	private mixedVector(content: tf.Tensor3D, { styles, strength }: StyleParams): tf.Tensor2D {
		if (styles.length === 0) throw new EngineError(`${this.card.id} needs a style image`);
		return this.tf.tidy(() => {
			// Blending styles is a weighted mean of their vectors, the model's own notion of style.
			let vector = this.tf.addN(styles.map((s) => this.styleVector(s.image).mul(s.weight))) as tf.Tensor2D;
			if (strength < 1) {
				const [height = 1, width = 1] = content.shape;
				const small = fitWithin(width, height, CONTENT_STYLE_SIDE);
				const own = this.styleVector(
					this.tf.image.resizeBilinear(content, [small.height, small.width], true)
				);
				vector = vector.mul(strength).add(own.mul(1 - strength));
			}
			return vector;
		});
	}

	dispose(): void {
		this.styleNet?.dispose();
		this.transferNet?.dispose();
		this.styleNet = null;
		this.transferNet = null;
	}

	private nets(): { style: tf.GraphModel; transfer: tf.GraphModel } {
		if (!this.styleNet || !this.transferNet) throw new EngineError(`${this.card.id} is not loaded`);
		return { style: this.styleNet, transfer: this.transferNet };
	}
}
