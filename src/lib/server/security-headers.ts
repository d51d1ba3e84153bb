// The security headers every response of this server carries: set by the SvelteKit hook on everything it
// answers, and by the public listing's fast path in server.js (see gallery/public-listing.ts), so both
// send the same.

/** Sent with every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'same-origin',
	'x-frame-options': 'DENY',
	'cross-origin-opener-policy': 'same-origin'
};

/** API responses are data, never documents: nothing in them may run or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Adds the security headers; a response without its own content security policy gets the API's. */
export function applySecurityHeaders(headers: Headers): void {
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
	if (!headers.has('content-security-policy')) headers.set('content-security-policy', API_CSP);
}
