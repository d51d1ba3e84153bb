import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	worker: { format: 'es' },
	optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
	// Bundled into the server build so that provenance/c2pa/reflect-shim.ts runs before tsyringe loads (an
	// external import would be hoisted above it).
	ssr: { noExternal: ['@peculiar/x509', 'tsyringe'] },
	test: {
		projects: [
			{
				extends: true,
				test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' }
			},
			{
				// Real weights on the wasm backend: slower, so they get their own project and timeout.
				extends: true,
				test: {
					name: 'engine',
					include: ['tests/engine/**/*.test.ts', 'tests/cli/**/*.test.ts'],
					environment: 'node',
					testTimeout: 120_000,
					hookTimeout: 120_000
				}
			},
			{
				// Minutes on two cores: a 24 MP photo through the CLI.
				extends: true,
				test: {
					name: 'slow',
					include: ['tests/slow/**/*.test.ts'],
					environment: 'node',
					testTimeout: 1_200_000
				}
			},
			{
				// Content Credentials: c2pa-wasm and ExifTool as independent checks, the CLI, fuzzing.
				extends: true,
				test: {
					name: 'provenance',
					include: ['tests/provenance/**/*.test.ts'],
					environment: 'node',
					testTimeout: 120_000,
					hookTimeout: 120_000
				}
			},
			{
				// The gallery: repository and stores against PGlite, a throwaway PostgreSQL cluster and s3rver on
				// loopback; the API through the production build (npm run build first).
				extends: true,
				test: {
					name: 'gallery',
					include: ['tests/gallery/**/*.test.ts'],
					environment: 'node',
					testTimeout: 180_000,
					hookTimeout: 180_000
				}
			},
			{
				// Real Chromium against the production build (npm run build first).
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					testTimeout: 180_000,
					hookTimeout: 180_000,
					fileParallelism: false
				}
			}
		]
	}
});
