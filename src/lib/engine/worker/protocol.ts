// The typed message channel between the studio page and the engine worker.
import type { BackendPreference } from '../backend';
import type { StylizeJob } from '../engine';
import type { FaceScan } from '../faces';
import type { BackendName, Pixels, Progress } from '../types';

export type EngineRequest =
	| { type: 'init'; id: number; preference: BackendPreference }
	| { type: 'stylize'; id: number; job: StylizeJob }
	| { type: 'cancel'; id: number }
	/** Faces in a (downscaled) copy of the photo, found with the catalog's face detector. */
	| { type: 'detect-faces'; id: number; pixels: Pixels }
	/** Diagnostics: loses the GPU context on purpose, to see the engine recover. */
	| { type: 'simulate-gpu-reset' };

export type EngineResponse =
	| { type: 'ready'; id: number; backend: BackendName; reason: string }
	| { type: 'init-failed'; id: number; message: string }
	| { type: 'progress'; id: number; progress: Progress }
	/** Something the user should know that does not end the job (the GPU was reset and the job resumed). */
	| { type: 'notice'; id: number; message: string; backend: BackendName }
	| { type: 'done'; id: number; result: Pixels }
	| { type: 'canceled'; id: number }
	| { type: 'error'; id: number; message: string }
	| { type: 'faces'; id: number; scan: FaceScan }
	| { type: 'faces-failed'; id: number; message: string };
