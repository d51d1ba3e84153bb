// Probes what this browser offers (WebGPU adapter, WebGL renderer) without keeping any context.
import type { DeviceProbe } from '../backend';

interface GpuAdapterLike {
	isFallbackAdapter?: boolean;
	info?: { vendor?: string; architecture?: string; description?: string; device?: string };
}

async function probeWebGpu(): Promise<DeviceProbe['webgpu']> {
	const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
	const adapter = await gpu?.requestAdapter().catch(() => null);
	if (!adapter) return { available: false, adapterDescription: null, isFallbackAdapter: false };
	const info = adapter.info ?? {};
	const description = [info.vendor, info.architecture, info.device, info.description]
		.filter(Boolean)
		.join(' ');
	return {
		available: true,
		adapterDescription: description || null,
		isFallbackAdapter: adapter.isFallbackAdapter ?? false
	};
}

function probeWebGl(): DeviceProbe['webgl'] {
	if (typeof OffscreenCanvas === 'undefined') return { available: false, renderer: null };
	const gl = new OffscreenCanvas(1, 1).getContext('webgl2') ?? new OffscreenCanvas(1, 1).getContext('webgl');
	if (!gl) return { available: false, renderer: null };
	const debug = gl.getExtension('WEBGL_debug_renderer_info');
	const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
	gl.getExtension('WEBGL_lose_context')?.loseContext();
	return { available: true, renderer };
}

export async function probeDevice(): Promise<DeviceProbe> {
	return { webgpu: await probeWebGpu(), webgl: probeWebGl() };
}
