// Signing up, signing in and out, and personal API tokens, over the JSON API. The pages bind to these
// fields and call these methods; a refusal from the server becomes `alert`, and what was typed stays.
import { api, type ApiToken } from '../gallery/api';
import { ApiTask } from './api-task.svelte';

export type AuthMode = 'signup' | 'signin';

const AUTH_PATHS: Record<AuthMode, string> = { signup: '/api/auth/signup', signin: '/api/auth/login' };

/** The server's rules for new accounts, stated next to the fields (the server's message says which failed). */
export const USERNAME_PATTERN = '[a-zA-Z0-9_\\-]{3,32}';
export const MIN_PASSWORD_LENGTH = 10;

export class AuthForm extends ApiTask {
	username = $state('');
	password = $state('');

	constructor(readonly mode: AuthMode) {
		super();
	}

	/** Signs up or in; true when the session cookie is set. */
	submit(): Promise<boolean> {
		return this.run(async () => {
			await api(AUTH_PATHS[this.mode], { json: { username: this.username.trim(), password: this.password } });
			this.password = '';
		});
	}
}

/** Ends the session on the server (the cookie is cleared by the response). */
export async function signOut(): Promise<void> {
	await api('/api/auth/logout', { method: 'POST' });
}

export class TokenList extends ApiTask {
	tokens = $state<ApiToken[]>([]);
	name = $state('');
	/** The secret of the token just made: shown once, never stored here beyond this page. */
	created = $state<{ name: string; token: string } | null>(null);

	constructor(tokens: ApiToken[]) {
		super();
		this.tokens = tokens;
	}

	async create(): Promise<void> {
		const name = this.name.trim();
		if (!name) {
			this.alert = 'Give the token a name, e.g. the machine or script that will use it.';
			return;
		}
		await this.run(async () => {
			const made = await api<{ id: string; name: string; token: string }>('/api/tokens', { json: { name } });
			this.created = { name: made.name, token: made.token };
			this.name = '';
			await this.#reload();
		});
	}

	async revoke(id: string): Promise<void> {
		await this.run(async () => {
			await api(`/api/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
			await this.#reload();
		});
	}

	async #reload(): Promise<void> {
		this.tokens = (await api<{ tokens: ApiToken[] }>('/api/tokens')).tokens;
	}
}
