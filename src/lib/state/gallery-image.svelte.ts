// One gallery image's page: reporting a rights problem (anyone signed in), and for its owner or an admin
// the reports, hiding, visibility and deletion. Every call goes to the JSON API; a refusal becomes
// `alert` and leaves the page as it was.
import { api, type GalleryImage, type ImageReport, type Visibility } from '../gallery/api';
import { ApiTask } from './api-task.svelte';

export const MAX_REPORT_LENGTH = 2000;

export class ImagePage extends ApiTask {
	image = $state<GalleryImage>() as GalleryImage;
	/** Null unless the viewer may see them (owner or admin). */
	reports = $state<ImageReport[] | null>(null);
	reportReason = $state('');
	reported = $state(false);
	visibility = $state<Visibility>('public');
	rightsConfirmed = $state(false);
	/** What the last change did, in words, for a status line. */
	notice = $state<string | null>(null);

	constructor(image: GalleryImage, reports: ImageReport[] | null) {
		super();
		this.image = image;
		this.reports = reports;
		this.visibility = image.visibility;
		this.rightsConfirmed = image.rights.confirmedByOwner;
	}

	get #path(): string {
		return `/api/images/${encodeURIComponent(this.image.id)}`;
	}

	async report(): Promise<void> {
		const reason = this.reportReason.trim();
		if (!reason) {
			this.alert = 'Say what the rights problem is, so the owner and the moderators can act on it.';
			return;
		}
		await this.#change(async () => {
			await api(`${this.#path}/reports`, { json: { reason } });
			this.reportReason = '';
			this.reported = true;
			if (this.reports) await this.#reloadReports();
		});
	}

	async saveVisibility(): Promise<void> {
		await this.#change(async () => {
			this.image = await api<GalleryImage>(this.#path, {
				method: 'PATCH',
				json: { visibility: this.visibility, rightsConfirmed: this.rightsConfirmed }
			});
			this.notice = `Saved: the image is now ${this.image.visibility}.`;
		});
	}

	async setHidden(hidden: boolean): Promise<void> {
		await this.#change(async () => {
			this.image = await api<GalleryImage>(`${this.#path}/hide`, { json: { hidden } });
			this.notice = hidden ? 'Hidden from the gallery.' : 'Shown in the gallery again.';
		});
	}

	/** True once the server deleted the image. */
	remove(): Promise<boolean> {
		return this.#change(() => api(this.#path, { method: 'DELETE' }));
	}

	async #reloadReports(): Promise<void> {
		this.reports = (await api<{ reports: ImageReport[] }>(`${this.#path}/reports`)).reports;
	}

	#change(work: () => Promise<void>): Promise<boolean> {
		this.notice = null;
		return this.run(work);
	}
}
