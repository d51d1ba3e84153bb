// The style engine with tfjs and its wasm and WebGPU backends (WebGL comes with tfjs), bundled on its own
// for a bare Chromium page on the studio's origin (which serves the verified weights): the GPU parity
// test and `npm run bench:gpu` drive it with page functions.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { catalog } from '../../../src/lib/assets/bundled';
import { StyleEngine } from '../../../src/lib/engine/engine';
import { readAsset } from '../../../src/lib/engine/worker/runtime';

const core = { tf, StyleEngine, catalog, readAsset };
/** What the page's `rakkanEngine` global holds (for typing page functions). */
export type EngineCore = typeof core;

Object.assign(globalThis, { rakkanEngine: core });
