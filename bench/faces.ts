// The face detector (face-blazeface) on wasm: how long a photo takes at 1 MP and 24 MP (the whole search:
// downscale, the whole-image pass and the 2x2 second pass), and how well it counts on a labelled set made
// of every image the project has (test photos, the catalog's paintings, synthetic negatives), at several
// score thresholds, with the threshold the catalog card uses.
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { findDetector } from '../src/lib/assets/catalog';
import { findFaces } from '../src/lib/engine/faces';
import type { Pixels } from '../src/lib/engine/types';
import { SMALL_FACES_SIDE } from '../src/lib/kernels/faces';
import { defaultCacheDir, readVerified } from '../src/lib/node/asset-cache';
import { loadProjectCatalog, PROJECT_ROOT } from '../src/lib/node/catalog-fs';
import { loadFaceDetector } from '../src/lib/node/faces';
import { decodeImage } from '../src/lib/node/image-io';
import { useWasmBackend } from '../src/lib/node/node-engine';
import photos from '../tests/fixtures/photos.json' with { type: 'json' };
import type { BenchContext } from './context';
import { contentImage, cpuMs, median, progress, round } from './util';

/**
 * Faces a person sees in each image (counted by eye). `null`: too many small faces to count reliably; the
 * image is reported but left out of recall. Paintings count painted faces: the detector cannot tell a
 * portrait from a photo, which is why the user can say "not a real person".
 */
const LABELS: { id: string; faces: number | null; note: string }[] = [
	{ id: 'astronaut', faces: 1, note: 'photo, one woman' },
	{ id: 'chelsea', faces: 0, note: 'photo of a cat' },
	{ id: 'coffee', faces: 0, note: 'photo of a cup' },
	{ id: 'rocket', faces: 0, note: 'photo of a launch' },
	{ id: 'vermeer-pearl-earring', faces: 1, note: 'painted portrait' },
	{ id: 'rembrandt-anatomy-lesson', faces: 8, note: 'Tulp and seven surgeons (the corpse not counted)' },
	{ id: 'klimt-the-kiss', faces: 1, note: "the woman's face; the man's is turned away" },
	{ id: 'rembrandt-night-watch', faces: null, note: 'a crowd of 34 figures, many faces small or in shadow' },
	{ id: 'van-gogh-starry-night', faces: 0, note: 'landscape' },
	{ id: 'monet-water-lilies', faces: 0, note: 'landscape' },
	{ id: 'hokusai-great-wave', faces: 0, note: 'wave; the boatmen are specks without faces' },
	{ id: 'chojugiga-frog-rabbit-sumo', faces: 0, note: 'animals drawn as people' },
	{ id: 'chojugiga-monkey-frog-fight', faces: 0, note: 'animals drawn as people' }
];
const SYNTHETIC = 4;
/** The group: the astronaut's head pasted at these face widths (photo pixels) into a 1600x1000 picture. */
const GROUP_FACES = [48, 52, 56, 60, 64, 68, 72, 76, 80, 88, 96, 110];
const THRESHOLDS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.9];
/** A smaller second look, measured beside the chosen one: what it would save, and what it would miss. */
const OTHER_SIDE = 448;
/** Scores kept for the threshold sweep: below every threshold swept. */
const FLOOR = 0.5;

async function resized(pixels: Pixels, width: number, height: number): Promise<Pixels> {
	const { data, info } = await sharp(
		Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.length),
		{
			raw: { width: pixels.width, height: pixels.height, channels: 4 }
		}
	)
		.resize(width, height, { fit: 'cover' })
		.raw()
		.toBuffer({ resolveWithObject: true });
	return { width: info.width, height: info.height, data: new Uint8ClampedArray(data) };
}

/**
 * A group photo whose faces are known: the coffee photo as the background and the astronaut's head (her
 * face is about 103 px wide in the 512 photo) pasted in a 4x3 grid at GROUP_FACES sizes, 1/33 to 1/15 of
 * the long side: the small faces only the second look finds.
 */
async function groupPhoto(astronaut: Pixels, coffee: Pixels): Promise<Pixels> {
	const raw = (p: Pixels) => ({
		raw: { width: p.width, height: p.height, channels: 4 as const }
	});
	const buffer = (p: Pixels) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.length);
	const heads = await Promise.all(
		GROUP_FACES.map(async (face, i) => {
			const k = face / 103;
			const input = await sharp(buffer(astronaut), raw(astronaut))
				.extract({ left: 140, top: 40, width: 170, height: 190 })
				.resize(Math.round(170 * k), Math.round(190 * k))
				.png()
				.toBuffer();
			return { input, left: (i % 4) * 400 + 150, top: Math.floor(i / 4) * 333 + 100 };
		})
	);
	const { data, info } = await sharp(buffer(coffee), raw(coffee))
		.resize(1600, 1000, { fit: 'cover' })
		.composite(heads)
		.raw()
		.toBuffer({ resolveWithObject: true });
	return { width: info.width, height: info.height, data: new Uint8ClampedArray(data) };
}

interface LabelledScores {
	id: string;
	faces: number | null;
	note: string;
	/** Every face scoring FLOOR and up. */
	scores: number[];
}

/** Recall and false positives of a labelled set's faces at one threshold (see FACES_NOTES). */
function counted(scores: LabelledScores[], threshold: number) {
	let truth = 0;
	let hit = 0;
	let falsePositives = 0;
	let images = 0;
	for (const image of scores) {
		const found = image.scores.filter((s) => s >= threshold).length;
		if (image.faces === null) continue;
		images++;
		truth += image.faces;
		hit += Math.min(found, image.faces);
		falsePositives += Math.max(0, found - image.faces);
	}
	return {
		threshold,
		recall: truth ? round(hit / truth, 3) : null,
		falsePositivesPerImage: images ? round(falsePositives / images, 3) : null,
		negativesWithAFace: scores.filter((i) => i.faces === 0 && i.scores.some((s) => s >= threshold)).length
	};
}

export async function benchFaces(ctx: Pick<BenchContext, 'tf' | 'catalog' | 'cacheDir' | 'quick'>) {
	const card = findDetector(ctx.catalog);
	const loadStart = performance.now();
	const detector = await loadFaceDetector(ctx.catalog, ctx.cacheDir);
	const loadMs = performance.now() - loadStart;
	const tf = ctx.tf;
	try {
		const astronaut = await decodeImage(await readVerified(photos.astronaut, ctx.cacheDir));
		const timing: Record<string, unknown>[] = [];
		const sizes = ctx.quick
			? [{ label: '1 MP', width: 1000, height: 1000, runs: 1 }]
			: [
					{ label: '1 MP', width: 1000, height: 1000, runs: 5 },
					{ label: '24 MP', width: 6000, height: 4000, runs: 3 }
				];
		for (const size of sizes) {
			const photo = await resized(astronaut, size.width, size.height);
			const ms = { full: [] as number[], wholeOnly: [] as number[], other: [] as number[] };
			const cpu: number[] = [];
			let found = 0;
			const timed = async (into: number[], smallFacesSide: number, cpuInto?: number[]) => {
				const start = performance.now();
				const usage = process.cpuUsage();
				const scan = await findFaces(tf, detector, photo, { smallFacesSide });
				into.push(performance.now() - start);
				cpuInto?.push(cpuMs(process.cpuUsage(usage)));
				return scan.faces.length;
			};
			for (let i = 0; i < size.runs; i++) {
				progress(`faces: ${size.label}, run ${i + 1} of ${size.runs}`);
				found = await timed(ms.full, SMALL_FACES_SIDE, cpu);
				await timed(ms.wholeOnly, 0);
				await timed(ms.other, OTHER_SIDE);
			}
			timing.push({
				size: size.label,
				width: size.width,
				height: size.height,
				medianMs: round(median(ms.full)),
				medianCpuMs: round(median(cpu)),
				wholeImagePassOnlyMedianMs: round(median(ms.wholeOnly)),
				[`smallFacesSide${OTHER_SIDE}MedianMs`]: round(median(ms.other)),
				runs: size.runs,
				facesFound: found
			});
		}

		const images: { id: string; note: string; faces: number | null; pixels: () => Promise<Pixels> }[] = [];
		for (const label of LABELS) {
			const photo = Object.values(photos).find((p) => p.role === label.id);
			const style = ctx.catalog.styles.find((s) => s.id === label.id);
			const file = photo ?? style?.files[0];
			if (!file) continue;
			images.push({ ...label, pixels: async () => decodeImage(await readVerified(file, ctx.cacheDir)) });
		}
		const coffee = Object.values(photos).find((p) => p.role === 'coffee')!;
		images.push({
			id: 'synthetic-group',
			faces: GROUP_FACES.length,
			note: `the astronaut's head pasted ${GROUP_FACES.length} times on the coffee photo, faces ${GROUP_FACES[0]} to ${GROUP_FACES.at(-1)} px wide in 1600x1000`,
			pixels: async () => groupPhoto(astronaut, await decodeImage(await readVerified(coffee, ctx.cacheDir)))
		});
		for (let seed = 1; seed <= (ctx.quick ? 1 : SYNTHETIC); seed++) {
			images.push({
				id: `synthetic-${seed}`,
				faces: 0,
				note: 'gradients, rings and noise',
				pixels: async () => contentImage(800, 600, seed)
			});
		}
		const labelled = ctx.quick ? images.slice(0, 3) : images;
		const scores: LabelledScores[] = [];
		const otherScores: LabelledScores[] = [];
		for (const image of labelled) {
			progress(`faces: labelled set, ${image.id}`);
			const pixels = await image.pixels();
			for (const [into, smallFacesSide] of [
				[scores, SMALL_FACES_SIDE],
				[otherScores, OTHER_SIDE]
			] as const) {
				const scan = await findFaces(tf, detector, pixels, { threshold: FLOOR, smallFacesSide });
				into.push({
					id: image.id,
					faces: image.faces,
					note: image.note,
					scores: scan.faces.map((f) => round(f.score, 3))
				});
			}
		}
		return {
			detector: card.id,
			loadMs: round(loadMs),
			smallFacesSide: SMALL_FACES_SIDE,
			timing,
			chosenThreshold: card.threshold,
			labelled: scores.map((image) => ({
				...image,
				foundAtChosenThreshold: image.scores.filter((s) => s >= card.threshold).length
			})),
			sweep: THRESHOLDS.map((threshold) => counted(scores, threshold)),
			[`smallFacesSide${OTHER_SIDE}AtChosenThreshold`]: counted(otherScores, card.threshold)
		};
	} finally {
		detector.dispose();
	}
}

export const FACES_NOTES = [
	'faces: timing is the whole search of findFaces on wasm from the photo at its full size: the first look (the photo sampled into the 256 input) and the second look for small faces (the photo averaged down to smallFacesSide, 512, one input padded to multiples of 32); a photo over 1024 px is first averaged down to 1024 (as the studio and the gallery send it). wholeImagePassOnlyMedianMs is the first look alone, smallFacesSide448MedianMs the search with a 448 second look (the same photo, the same runs, interleaved). medianCpuMs: user + system CPU time of the process during the whole search (wasm runs on one thread here), closer than wall time to what an idle machine would take when other work shares the cores.',
	'faces: recall and false positives are counted, not matched by box: recall = sum(min(found, labelled)) / sum(labelled), false positives = sum(max(0, found - labelled)) / images. The Night Watch is listed but left out (too many small faces to label by count). synthetic-group is the one image whose small faces are known by construction (12 pasted heads, faces 1/33 to 1/15 of the long side). The sweep keeps the faces of one search at score 0.5 and counts those over each threshold, so it approximates separate searches at each threshold. smallFacesSide448AtChosenThreshold: the same count with a 448 second look.',
	"faces: the chosen threshold (on the catalog card, 0.75) was picked from this sweep with the earlier 2x2 tiles: 0.7 was the lowest at which no labelled negative showed a face (the rocket photo scored 0.695), and 0.75 kept a margin. With the 512 second look the cat scores 0.73, so 0.75 is now the lowest without a false positive (a thinner margin); at 448 the recall equals the tiles' and the cat scores 0.72.",
	'faces: on a 24 MP photo most of the time is averaging the photo down to 1024 px in plain JS inside findFaces (the CLI path); the studio downscales on a canvas and the gallery while decoding with sharp, both to 1024 px, before findFaces.'
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	console.log = (...args: unknown[]) => console.error(...args);
	const quick = process.argv.includes('--quick');
	const ctx = {
		tf: await useWasmBackend(),
		catalog: await loadProjectCatalog(),
		cacheDir: defaultCacheDir(PROJECT_ROOT),
		quick
	};
	process.stdout.write(
		`${JSON.stringify({ quick, faces: await benchFaces(ctx), notes: FACES_NOTES }, null, 2)}\n`
	);
}
