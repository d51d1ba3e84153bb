import { describe, expect, it } from 'vitest';
import { chooseBackend, type DeviceProbe, isSoftwareRenderer } from '../../src/lib/engine/backend';

const SWIFTSHADER_WEBGL =
	'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const LLVMPIPE = 'llvmpipe (LLVM 15.0.6, 256 bits)';
const NVIDIA = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)';

function probe(
	webgpu: Partial<DeviceProbe['webgpu']> = {},
	webgl: Partial<DeviceProbe['webgl']> = {}
): DeviceProbe {
	return {
		webgpu: { available: false, adapterDescription: null, isFallbackAdapter: false, ...webgpu },
		webgl: { available: false, renderer: null, ...webgl }
	};
}

describe('isSoftwareRenderer', () => {
	it('recognises software rasterisers', () => {
		expect(isSoftwareRenderer(SWIFTSHADER_WEBGL)).toBe(true);
		expect(isSoftwareRenderer(LLVMPIPE)).toBe(true);
		expect(isSoftwareRenderer('Gallium 0.4 on softpipe')).toBe(true);
		expect(isSoftwareRenderer('Microsoft Basic Render Driver')).toBe(true);
		expect(isSoftwareRenderer('Google SwiftShader')).toBe(true);
	});

	it('does not flag real GPUs or an unknown renderer', () => {
		expect(isSoftwareRenderer(NVIDIA)).toBe(false);
		expect(isSoftwareRenderer('ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)')).toBe(
			false
		);
		expect(isSoftwareRenderer('Mali-G78')).toBe(false);
		expect(isSoftwareRenderer(null)).toBe(false);
	});
});

describe('chooseBackend', () => {
	it('puts WebGPU first on a real GPU, then WebGL, then wasm', () => {
		const choice = chooseBackend(
			probe({ available: true, adapterDescription: 'nvidia ampere' }, { available: true, renderer: NVIDIA })
		);
		expect(choice.order.slice(0, 3)).toEqual(['webgpu', 'webgl', 'wasm']);
		expect(choice.order).toContain('cpu');
		expect(choice.reason).toMatch(/WebGPU/);
	});

	it('skips WebGL after WebGPU when WebGL renders in software', () => {
		const choice = chooseBackend(
			probe({ available: true, adapterDescription: 'nvidia' }, { available: true, renderer: LLVMPIPE })
		);
		expect(choice.order[0]).toBe('webgpu');
		expect(choice.order).not.toContain('webgl');
		expect(choice.order).toContain('wasm');
	});

	it('does not pick WebGPU on a fallback adapter', () => {
		const choice = chooseBackend(
			probe(
				{ available: true, adapterDescription: 'some adapter', isFallbackAdapter: true },
				{ available: false }
			)
		);
		expect(choice.order).not.toContain('webgpu');
		expect(choice.order[0]).toBe('wasm');
	});

	it('does not pick WebGPU when the adapter is SwiftShader', () => {
		const choice = chooseBackend(
			probe(
				{ available: true, adapterDescription: 'Google SwiftShader', isFallbackAdapter: false },
				{ available: true, renderer: NVIDIA }
			)
		);
		expect(choice.order).not.toContain('webgpu');
		expect(choice.order[0]).toBe('webgl');
	});

	it.each([SWIFTSHADER_WEBGL, LLVMPIPE])('puts wasm first when WebGL is %s', (renderer) => {
		const choice = chooseBackend(probe({}, { available: true, renderer }));
		expect(choice.order[0]).toBe('wasm');
		expect(choice.order).not.toContain('webgl');
		expect(choice.reason).toMatch(/software/);
		expect(choice.reason).toContain(renderer);
	});

	it('puts WebGL first on a real GPU without WebGPU', () => {
		const choice = chooseBackend(probe({}, { available: true, renderer: NVIDIA }));
		expect(choice.order).toEqual(['webgl', 'wasm', 'cpu']);
		expect(choice.reason).toContain('NVIDIA GeForce RTX 3080');
	});

	it('falls back to wasm when nothing is available', () => {
		const choice = chooseBackend(probe());
		expect(choice.order).toEqual(['wasm', 'cpu']);
		expect(choice.reason).toMatch(/no WebGL or WebGPU/);
	});

	it('puts the user preference first and keeps the wasm fallback', () => {
		const software = probe({}, { available: true, renderer: SWIFTSHADER_WEBGL });
		const webgl = chooseBackend(software, 'webgl');
		expect(webgl.order).toEqual(['webgl', 'wasm', 'cpu']);
		expect(webgl.reason).toBe('chosen by the user');

		const webgpu = chooseBackend(probe(), 'webgpu');
		expect(webgpu.order).toEqual(['webgpu', 'wasm', 'cpu']);

		const cpu = chooseBackend(software, 'cpu');
		expect(cpu.order[0]).toBe('cpu');
		expect(cpu.order).toContain('wasm');
	});

	it('does not repeat wasm when wasm is the preference', () => {
		expect(chooseBackend(probe({}, { available: true, renderer: NVIDIA }), 'wasm').order).toEqual([
			'wasm',
			'cpu'
		]);
	});

	it('treats "auto" like no preference', () => {
		const p = probe({}, { available: true, renderer: NVIDIA });
		expect(chooseBackend(p, 'auto')).toEqual(chooseBackend(p));
	});
});
