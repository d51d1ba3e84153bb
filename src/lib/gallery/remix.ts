// Remix: a gallery image opened in the studio as the photo to paint over. The original bytes come back
// unchanged, so the studio reads the image's own Content Credentials and names it as the parent
// ingredient of whatever it exports.
import { api, ApiError, type GalleryImage } from './api';

const EXTENSIONS: Record<GalleryImage['mimeType'], string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp'
};

/** A file name from the image's title (it becomes the ingredient's title), without path or control characters. */
export function remixFileName(image: Pick<GalleryImage, 'id' | 'title' | 'mimeType'>): string {
	const base =
		image.title
			// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
			.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ')
			.replace(/\s+/g, ' ')
			.trim()
			.slice(0, 100) || `gallery-${image.id}`;
	return `${base}.${EXTENSIONS[image.mimeType]}`;
}

/** The gallery image `id` as a File, ready for StudioState.setContent. */
export async function remixFile(id: string, fetcher: typeof fetch = fetch): Promise<File> {
	const image = await api<GalleryImage>(`/api/images/${encodeURIComponent(id)}`, {}, fetcher);
	const response = await fetcher(image.originalUrl);
	if (!response.ok) {
		throw new ApiError(response.status, `The original of “${image.title}” could not be downloaded.`);
	}
	return new File([await response.blob()], remixFileName(image), { type: image.mimeType });
}
