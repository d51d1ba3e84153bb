// TF Lite import: read a .tflite flatbuffer and rebuild its graph with tfjs ops (see graph.ts).
import { type BuildOptions, buildGraph, type TfliteGraph } from './graph';
import { parseTflite } from './schema';

export { type BuildOptions, buildGraph, type GraphTensor, type Statistics, type TfliteGraph } from './graph';
export { INT8_OPS } from './int8';
export { OPS } from './ops';
export { operatorNames, parseTflite, TfliteFormatError, type TfliteModel } from './schema';

/** Parses and rebuilds a TF Lite file in one go; throws EngineError (TfliteFormatError) on a bad file. */
export function loadTflite(
	tf: typeof import('@tensorflow/tfjs'),
	bytes: Uint8Array,
	options: BuildOptions = {}
): TfliteGraph {
	return buildGraph(tf, parseTflite(bytes), options);
}
