// Tells you when a job finishes while the studio's tab is in the background: the tab's title says so at
// once, and a system notification does too when you allowed notifications here.
import { readStorage, writeStorage } from './theme.svelte';

const STORAGE_KEY = 'rakkan.notify';

type Status = 'idle' | 'running' | 'done' | 'error' | 'canceled';

export class JobNotifier {
	/** Shown before the page title until the tab is seen again, e.g. "✓ ". */
	titlePrefix = $state('');
	/** Send system notifications (the browser's permission is asked when this is switched on). */
	enabled = $state(false);
	/** The browser refused notifications: the title still changes. */
	denied = $state(false);

	/** Follows the job status from the studio; returns the teardown (for onMount). */
	watch(status: () => Status, words: () => string): () => void {
		this.enabled = readStorage(STORAGE_KEY) === 'on' && Notification.permission === 'granted';
		let last = status();
		const onVisible = () => {
			if (!document.hidden) this.titlePrefix = '';
		};
		document.addEventListener('visibilitychange', onVisible);
		const stop = $effect.root(() => {
			$effect(() => {
				const now = status();
				if (last === 'running' && (now === 'done' || now === 'error') && document.hidden) {
					this.finished(now === 'done', words());
				}
				last = now;
			});
		});
		return () => {
			stop();
			document.removeEventListener('visibilitychange', onVisible);
		};
	}

	async setEnabled(on: boolean): Promise<void> {
		if (on && Notification.permission !== 'granted') {
			const permission = await Notification.requestPermission();
			this.denied = permission === 'denied';
			on = permission === 'granted';
		}
		this.enabled = on;
		writeStorage(STORAGE_KEY, on ? 'on' : 'off');
	}

	private finished(ok: boolean, words: string): void {
		this.titlePrefix = ok ? '✓ ' : '⚠ ';
		if (!this.enabled || Notification.permission !== 'granted') return;
		const notification = new Notification(ok ? 'Your painting is ready' : 'The painting failed', {
			body: words,
			tag: 'rakkan-job'
		});
		notification.onclick = () => {
			window.focus();
			notification.close();
		};
	}
}
