// Tiled painting, as plans and pure pixel maths (no tfjs, no DOM): which regions to paint, how big,
// and how each painted tile is feathered into the output so no seam shows.

export interface Tile {
	index: number;
	/** The output region this tile paints, overlap included. */
	x: number;
	y: number;
	width: number;
	height: number;
	/** Pixels shared with the tile to the left and above (already painted in raster order). */
	overlapLeft: number;
	overlapTop: number;
}

export interface TilePlan {
	width: number;
	height: number;
	tileSize: number;
	overlap: number;
	columns: number;
	rows: number;
	tiles: Tile[];
}

/**
 * Tiles along one axis: as few as fit `size` with `overlap`, all of one length, spread evenly so that
 * no pixel is painted more often than the overlaps need (a flush last tile would overlap far more).
 */
function spans(
	length: number,
	size: number,
	overlap: number,
	align: number
): { start: number; length: number }[] {
	if (length <= size) return [{ start: 0, length }];
	const count = Math.ceil((length - overlap) / (size - overlap));
	// `align` px of slack per overlap, so aligning the starts never makes an overlap shorter than asked.
	const even = Math.ceil((length + (count - 1) * (overlap + align)) / count);
	const tile = Math.min(size, Math.ceil(even / align) * align, length);
	const stride = (length - tile) / (count - 1);
	return Array.from({ length: count }, (_, i) => ({
		start: Math.min(length - tile, Math.round((i * stride) / align) * align),
		length: tile
	}));
}

/**
 * Covers a width x height image with tiles of at most tileSize px a side, neighbours overlapping by
 * at least `overlap` px.
 */
export function planTiles(
	width: number,
	height: number,
	tileSize: number,
	overlap: number,
	/** Tile starts and sides are multiples of this (the networks' stride), except at the far edge. */
	align = 1
): TilePlan {
	if (![width, height, tileSize].every((n) => Number.isInteger(n) && n > 0)) {
		throw new RangeError('planTiles: sizes must be positive whole numbers');
	}
	if (!Number.isInteger(overlap) || overlap < 0 || overlap * 2 >= tileSize) {
		throw new RangeError('planTiles: the overlap must be a whole number under half the tile size');
	}
	const columns = spans(width, tileSize, overlap, align);
	const rows = spans(height, tileSize, overlap, align);
	const tiles: Tile[] = [];
	rows.forEach((row, r) => {
		const above = r > 0 ? rows[r - 1]!.start + rows[r - 1]!.length - row.start : 0;
		columns.forEach((column, c) => {
			const left = c > 0 ? columns[c - 1]!.start + columns[c - 1]!.length - column.start : 0;
			tiles.push({
				index: tiles.length,
				x: column.start,
				y: row.start,
				width: column.length,
				height: row.length,
				overlapLeft: left,
				overlapTop: above
			});
		});
	});
	return { width, height, tileSize, overlap, columns: columns.length, rows: rows.length, tiles };
}

/**
 * How much of the tile (vs what earlier tiles painted) a pixel at tile-local (lx, ly) takes: a linear
 * ramp across the left and top overlaps, 1 elsewhere. Painting tiles in raster order with this alpha
 * cross-fades every seam.
 */
export function featherAlpha(tile: Tile, lx: number, ly: number): number {
	return ramp(lx, tile.overlapLeft) * ramp(ly, tile.overlapTop);
}

const ramp = (position: number, overlap: number) =>
	overlap > 0 ? Math.min(1, (position + 0.5) / overlap) : 1;

/**
 * Composites a painted tile (RGB floats, tile.width x tile.height, row-major) into an RGBA output of
 * `outputWidth` px per row, with the feather alpha. Alpha bytes are left as they are. It runs on the
 * thread that hands out the tiles, between them, so it is kept cheap: the column ramps are computed
 * once, and where the alpha is 1 (most of a tile) the painted value is copied as the blend would give it.
 */
export function compositeTile(
	output: Uint8ClampedArray,
	outputWidth: number,
	tile: Tile,
	rgb: Float32Array
): void {
	const columns = new Float64Array(tile.width);
	for (let lx = 0; lx < tile.width; lx++) columns[lx] = ramp(lx, tile.overlapLeft);
	for (let ly = 0; ly < tile.height; ly++) {
		const row = ramp(ly, tile.overlapTop);
		let o = ((tile.y + ly) * outputWidth + tile.x) * 4;
		let t = ly * tile.width * 3;
		for (let lx = 0; lx < tile.width; lx++, o += 4, t += 3) {
			const a = columns[lx]! * row;
			if (a === 1) {
				output[o] = rgb[t]!;
				output[o + 1] = rgb[t + 1]!;
				output[o + 2] = rgb[t + 2]!;
				continue;
			}
			for (let c = 0; c < 3; c++) output[o + c] = output[o + c]! + (rgb[t + c]! - output[o + c]!) * a;
		}
	}
}

export interface TileDevice {
	backend: 'webgpu' | 'webgl' | 'wasm' | 'cpu';
	/** The GPU's largest texture side, when known. */
	maxTextureSize?: number;
}

/**
 * A tile side for the device: big enough that the per-tile overhead stays small, small enough that
 * the activations of one tile (about 0.4 GB at 768 x 768 for the arbitrary-style network) fit any
 * device. GPUs also stay under a quarter of their texture limit, since tfjs packs channels into
 * textures wider than the image.
 */
export function chooseTileSize(device: TileDevice): number {
	if (device.backend === 'wasm' || device.backend === 'cpu') return 768;
	const limit = device.maxTextureSize ? Math.floor(device.maxTextureSize / 4) : 1024;
	return Math.max(256, Math.min(1024, limit - (limit % 4)));
}

/**
 * The overlap for a tile size: enough context for the networks' receptive fields at the seams. A quarter
 * of the tile keeps every model within 28 dB PSNR of a single pass; an eighth did not (measured). The
 * receptive field is a number of pixels, not a share of the tile, so tiles over 256 px keep 64 px: arbitrary-wyf's 512 px tiles at 1536x1024 gave 35.71 dB with 64 px against 35.77 dB with 128 px,
 * and a 1 MP image is then painted 1.22 times instead of 1.42.
 */
export function overlapFor(tileSize: number): number {
	return Math.max(16, Math.min(MAX_OVERLAP, Math.round(tileSize / 4 / 4) * 4));
}

const MAX_OVERLAP = 64;

/** The part of a source image of sw x sh that corresponds to an output region, in whole pixels. */
export function sourceRegion(
	tile: Pick<Tile, 'x' | 'y' | 'width' | 'height'>,
	output: { width: number; height: number },
	source: { width: number; height: number }
): { x: number; y: number; width: number; height: number } {
	const sx = source.width / output.width;
	const sy = source.height / output.height;
	const x0 = Math.max(0, Math.floor(tile.x * sx));
	const y0 = Math.max(0, Math.floor(tile.y * sy));
	const x1 = Math.min(source.width, Math.max(x0 + 1, Math.ceil((tile.x + tile.width) * sx)));
	const y1 = Math.min(source.height, Math.max(y0 + 1, Math.ceil((tile.y + tile.height) * sy)));
	return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Peak signal-to-noise ratio (dB) between two RGBA images of the same size, over RGB. */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
	if (a.length !== b.length) throw new RangeError('psnr: images differ in size');
	let sum = 0;
	let n = 0;
	for (let i = 0; i < a.length; i += 4) {
		for (let c = 0; c < 3; c++) {
			const d = a[i + c]! - b[i + c]!;
			sum += d * d;
			n++;
		}
	}
	const mse = sum / n;
	return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** RGBA pixels of a region (row copies; no resampling). */
export function cropRgba(
	data: Uint8ClampedArray,
	width: number,
	region: { x: number; y: number; width: number; height: number }
): Uint8ClampedArray {
	const out = new Uint8ClampedArray(region.width * region.height * 4);
	for (let row = 0; row < region.height; row++) {
		const from = ((region.y + row) * width + region.x) * 4;
		out.set(data.subarray(from, from + region.width * 4), row * region.width * 4);
	}
	return out;
}

/**
 * Area-average downscale of RGBA pixels to targetWidth x targetHeight (never up), in one pass with
 * memory for the result only: how the whole-image preview of a huge photo is made without a huge tensor.
 */
export function downscaleRgba(
	data: Uint8ClampedArray,
	width: number,
	height: number,
	targetWidth: number,
	targetHeight: number
): Uint8ClampedArray {
	if (targetWidth > width || targetHeight > height) throw new RangeError('downscaleRgba only shrinks');
	// Which target column each source column falls in, and how many source columns each target has:
	// computed once, so the pass over a 24 MP photo only adds (a few hundred milliseconds, not seconds).
	const column = new Int32Array(width);
	const columns = new Float64Array(targetWidth);
	for (let x = 0; x < width; x++) {
		const tx = Math.min(targetWidth - 1, Math.floor((x * targetWidth) / width));
		column[x] = tx * 4;
		columns[tx] = columns[tx]! + 1;
	}
	const out = new Uint8ClampedArray(targetWidth * targetHeight * 4);
	const row = new Float64Array(targetWidth * 4);
	let y = 0;
	for (let ty = 0; ty < targetHeight; ty++) {
		row.fill(0);
		let rows = 0;
		for (; y < height && Math.min(targetHeight - 1, Math.floor((y * targetHeight) / height)) === ty; y++) {
			rows++;
			for (let x = 0, s = y * width * 4; x < width; x++, s += 4) {
				const t = column[x]!;
				row[t] = row[t]! + data[s]!;
				row[t + 1] = row[t + 1]! + data[s + 1]!;
				row[t + 2] = row[t + 2]! + data[s + 2]!;
				row[t + 3] = row[t + 3]! + data[s + 3]!;
			}
		}
		const o = ty * targetWidth * 4;
		for (let tx = 0; tx < targetWidth; tx++) {
			const count = rows * columns[tx]!;
			for (let c = 0; c < 4; c++) out[o + tx * 4 + c] = Math.round(row[tx * 4 + c]! / count);
		}
	}
	return out;
}

/** One band of a statistics pass: the rows (and, for a tile, columns) it runs the network on, and the
 * part it counts. A band without columns spans the whole width. */
export interface StatsBand {
	index: number;
	/** Rows given to the network: the owned rows and a margin from each neighbour, so that the owned
	 * rows' activations do not see the band's cut edges. */
	rows: { start: number; end: number };
	/** Rows whose activations this band adds to every mean; the bands' owned rows partition the image. */
	owned: { start: number; end: number };
	columns?: { start: number; end: number };
	ownedColumns?: { start: number; end: number };
}

/**
 * The tiles of a plan (in working pixels, starts on `align` but at the far edges) as the bands of a
 * statistics pass they read together, each running the network on itself: a tile owns its share of
 * each overlap up to the middle, cut on `align` from the tile's own start so that the cut falls on whole
 * positions at every layer (neighbours then agree but next to an unaligned far-edge tile, by a row or two).
 */
export function tileBands(plan: Pick<TilePlan, 'columns' | 'tiles'>, align: number): StatsBand[] {
	const { columns, tiles } = plan;
	const xs = tiles.slice(0, columns).map((t) => ({ start: t.x, end: t.x + t.width }));
	const ys = tiles.filter((_, i) => i % columns === 0).map((t) => ({ start: t.y, end: t.y + t.height }));
	const owned = (spans: { start: number; end: number }[], i: number) => {
		const span = spans[i]!;
		const cut = (edge: number) => span.start + Math.round((edge - span.start) / align) * align;
		return {
			start: i === 0 ? span.start : cut((spans[i - 1]!.end + span.start) / 2),
			end: i === spans.length - 1 ? span.end : cut((span.end + spans[i + 1]!.start) / 2)
		};
	};
	return tiles.map((_, index) => {
		const [column, row] = [index % columns, Math.floor(index / columns)];
		return {
			index,
			rows: ys[row]!,
			owned: owned(ys, row),
			columns: xs[column]!,
			ownedColumns: owned(xs, column)
		};
	});
}

/**
 * Splits an image of `height` rows into `count` bands for a statistics pass spread over threads. Band
 * edges are multiples of `align` (the network's stride), so each owned row range maps to whole rows at
 * every layer; `margin` (a multiple of `align` too) is what each band sees of its neighbours, at least.
 */
export function planStatsBands(height: number, count: number, margin: number, align: number): StatsBand[] {
	if (!Number.isInteger(height) || height < 1 || !Number.isInteger(count) || count < 1) {
		throw new RangeError('planStatsBands needs a positive height and band count');
	}
	if (margin % align !== 0) throw new RangeError('planStatsBands: the margin must be a multiple of align');
	const edges = [0];
	for (let i = 1; i < count; i++) {
		const edge = Math.round((i * height) / count / align) * align;
		if (edge > edges.at(-1)! && edge < height) edges.push(edge);
	}
	edges.push(height);
	return edges.slice(1).map((end, index) => {
		const start = edges[index]!;
		return {
			index,
			// A band as many rows past a multiple of `align` as the image: a strided SAME convolution pads
			// by its input's parity, so only then does the band sample where the whole image does.
			rows: { start: Math.max(0, start - margin), end: Math.min(height, end + margin + (height % align)) },
			owned: { start, end }
		};
	});
}

/**
 * The rows of a layer's activation (`layerHeight` rows for the band's rows) that a band owns: the
 * band's owned rows at that layer's stride (1, 2 or 4 for these networks, read from the heights). The
 * last band also owns the row an upsampling may add at the bottom, as a single pass would count it.
 */
export function ownedRowsAt(band: Pick<StatsBand, 'rows' | 'owned'>, layerHeight: number): [number, number] {
	const height = band.rows.end - band.rows.start;
	const stride = 2 ** Math.round(Math.log2(height / layerHeight));
	const from = (band.owned.start - band.rows.start) / stride;
	const to = band.owned.end === band.rows.end ? layerHeight : (band.owned.end - band.rows.start) / stride;
	if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to <= from || to > layerHeight) {
		throw new RangeError(
			`a statistics band of ${height} rows does not map onto a layer of ${layerHeight} rows (its edges must be multiples of the stride)`
		);
	}
	return [from, to];
}
