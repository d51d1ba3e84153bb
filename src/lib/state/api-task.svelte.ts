// What every page that calls the gallery's API needs: one call at a time, a busy flag for its buttons,
// and the server's refusal in words for a role="alert".
import { errorMessage } from '../gallery/api';

export class ApiTask {
	busy = $state(false);
	alert = $state<string | null>(null);

	/** Runs `work` unless a call is under way; true when it succeeded, else its message is in `alert`. */
	protected async run(work: () => Promise<void>): Promise<boolean> {
		if (this.busy) return false;
		this.busy = true;
		this.alert = null;
		try {
			await work();
			return true;
		} catch (error) {
			this.alert = errorMessage(error);
			return false;
		} finally {
			this.busy = false;
		}
	}
}
