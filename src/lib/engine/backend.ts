// Which tfjs backend to run on. Pure: the probe of the real device is done elsewhere and passed in.
import type { BackendName } from './types';

export interface DeviceProbe {
	webgpu: { available: boolean; adapterDescription: string | null; isFallbackAdapter: boolean };
	webgl: { available: boolean; renderer: string | null };
}

export type BackendPreference = 'auto' | BackendName;

export interface BackendChoice {
	/** Backends to try, best first; the engine takes the first that initialises. */
	order: BackendName[];
	reason: string;
}

/** Backends that run on the GPU (the others, wasm and cpu, on the thread's own CPU and memory). */
export function isGpuBackend(name: string): boolean {
	return name === 'webgpu' || name === 'webgl';
}

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render driver|microsoft basic/i;

/** A software rasteriser: wasm is then about 40x faster than "GPU" kernels (measured, TOOLCHAIN.md). */
export function isSoftwareRenderer(renderer: string | null): boolean {
	return renderer !== null && SOFTWARE_RENDERERS.test(renderer);
}

export function chooseBackend(probe: DeviceProbe, preference: BackendPreference = 'auto'): BackendChoice {
	const fallback: BackendName[] = ['wasm', 'cpu'];
	if (preference !== 'auto') {
		return {
			order: [preference, ...fallback.filter((b) => b !== preference)],
			reason: 'chosen by the user'
		};
	}
	const webgpuHardware =
		probe.webgpu.available &&
		!probe.webgpu.isFallbackAdapter &&
		!isSoftwareRenderer(probe.webgpu.adapterDescription);
	const webglHardware = probe.webgl.available && !isSoftwareRenderer(probe.webgl.renderer);
	if (webgpuHardware) {
		return {
			order: ['webgpu', ...(webglHardware ? ['webgl' as const] : []), ...fallback],
			reason: 'a GPU with WebGPU'
		};
	}
	if (webglHardware)
		return {
			order: ['webgl', ...fallback],
			reason: `a GPU with WebGL (${probe.webgl.renderer ?? 'unknown renderer'})`
		};
	if (probe.webgl.available) {
		return {
			order: fallback,
			reason: `WebGL renders in software (${probe.webgl.renderer ?? 'unknown'}), wasm is faster`
		};
	}
	return { order: fallback, reason: 'no WebGL or WebGPU on this device' };
}
