// A one-shot worker: decodes an exported file as any viewer will (EXIF orientation, sRGB) and answers
// its ISCC image code, so a 24 MP export does not block the page while its pixels are read and reduced.
import { imageCode } from '../kernels/iscc';
import type { FingerprintReply } from './fingerprint';

self.onmessage = async (event: MessageEvent<Uint8Array>) => {
	const bytes = event.data;
	let reply: FingerprintReply;
	try {
		const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
			imageOrientation: 'from-image'
		});
		const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
		const context = canvas.getContext('2d', { willReadFrequently: true });
		if (!context) throw new Error('This browser cannot read image pixels (no 2D canvas).');
		context.drawImage(bitmap, 0, 0);
		bitmap.close();
		const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
		reply = { code: imageCode({ data, width, height }), bytes };
	} catch (error) {
		reply = { error: error instanceof Error ? error.message : String(error), bytes };
	}
	// The bytes go back to the page, which signs them next.
	self.postMessage(reply, { transfer: [bytes.buffer as ArrayBuffer] });
};
