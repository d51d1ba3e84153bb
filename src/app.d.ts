// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
		}
		interface Locals {
			/** The signed-in user: from the session cookie, or from an API token (`Authorization: Bearer`). */
			user: { id: string; username: string; isAdmin: boolean } | null;
			/** How the user was authenticated; cookie requests must come from this site. */
			authenticatedBy: 'cookie' | 'token' | null;
		}
	}
}

export {};
