// What every engine worker needs: the wasm binaries' URLs and verified asset reads from the studio.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { AssetFile } from '../../assets/catalog';
import { servedAssetUrl } from '../../assets/paths';

setWasmPaths({
	'tfjs-backend-wasm.wasm': wasmPlain,
	'tfjs-backend-wasm-simd.wasm': wasmSimd,
	'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded
});

/** Fetches a catalog file from the studio and checks its sha256 before any model sees it. */
export async function readAsset(file: AssetFile): Promise<Uint8Array> {
	const response = await fetch(servedAssetUrl(file.url));
	if (!response.ok) throw new Error(`${file.url}: the studio could not serve it (HTTP ${response.status})`);
	const bytes = new Uint8Array(await response.arrayBuffer());
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
	const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
	if (hex !== file.sha256) throw new Error(`${file.url} failed its sha256 check`);
	return bytes;
}
