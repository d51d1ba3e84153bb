import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// SvelteKit's own check covers form content types only and would refuse the CLI's token uploads;
		// src/hooks.server.ts checks the Origin of every state-changing request instead.
		csrf: { trustedOrigins: ['*'] },
		// Pages: scripts only from this origin (SvelteKit adds hashes for its own inline script), wasm for the
		// tfjs backend, workers from this origin and blob: URLs, images from here and from blobs the studio
		// makes. Inline styles stay allowed: components set style attributes.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'worker-src': ['self', 'blob:'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'blob:', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self', 'blob:', 'data:'],
				'media-src': ['self', 'blob:'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
