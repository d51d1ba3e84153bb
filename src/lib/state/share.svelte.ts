// Sharing a painting from the studio to the gallery: the signed export (the same bytes "Download" gives)
// with a title, a description, a visibility and the owner's confirmation of their rights, sent to
// POST /api/images. The server's refusals (sign in first, the rights gate, too large) become `alert`;
// what was typed stays, so the person can fix it and try again.
import { api, type GalleryImage, type Visibility } from '../gallery/api';
import { ApiTask } from './api-task.svelte';

export const MAX_TITLE_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 5000;

export class ShareState extends ApiTask {
	title = $state('');
	description = $state('');
	visibility = $state<Visibility>('public');
	rightsConfirmed = $state(false);
	/** The gallery image the last share made. */
	shared = $state<Pick<GalleryImage, 'id' | 'title' | 'visibility'> | null>(null);

	constructor(private readonly exportSigned: () => Promise<{ blob: Blob; filename: string } | null>) {
		super();
	}

	async share(): Promise<void> {
		const title = this.title.trim();
		if (!title) {
			this.alert = 'Give the image a title before sharing it.';
			return;
		}
		await this.run(async () => {
			const exported = await this.exportSigned();
			if (!exported) throw new Error('there is nothing to share yet: stylize a photo first.');
			const form = new FormData();
			form.set('file', exported.blob, exported.filename);
			form.set('title', title);
			form.set('description', this.description.trim());
			form.set('visibility', this.visibility);
			form.set('rightsConfirmed', String(this.rightsConfirmed));
			const image = await api<GalleryImage>('/api/images', { form });
			this.shared = { id: image.id, title: image.title, visibility: image.visibility };
		});
	}
}
