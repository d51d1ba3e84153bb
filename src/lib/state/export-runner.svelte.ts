// One export at a time, from the top bar, the export panel or Ctrl/Cmd+E: the file is downloaded, and a
// failure is shown in the studio's alert (nothing is lost: the document stays open).
import { createContext } from 'svelte';
import { download } from '../canvas/download';
import type { StudioState } from './studio.svelte';

export class ExportRunner {
	exporting = $state(false);

	constructor(private readonly studio: StudioState) {}

	async save(make: () => Promise<{ blob: Blob; filename: string } | null>): Promise<void> {
		if (this.exporting) return;
		this.exporting = true;
		try {
			const file = await make();
			if (file) download(file);
		} catch (error) {
			this.studio.alert = `The export failed: ${(error as Error).message}`;
		} finally {
			this.exporting = false;
		}
	}

	/** The document, signed, in the export panel's format and size. */
	exportDocument(): Promise<void> {
		return this.save(() => this.studio.exportSigned());
	}
}

export const [getExportRunner, setExportRunner] = createContext<ExportRunner>();
