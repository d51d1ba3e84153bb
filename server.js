// Production entry: the SvelteKit handler on HOST:PORT (default 127.0.0.1:3000), printing its address.
import http from 'node:http';

// adapter-node refuses bodies over 512 kB with a plain-text answer; the gallery's upload route reads the
// body itself with its own limit (RAKKAN_MAX_UPLOAD_BYTES) and answers 413 as JSON.
process.env.BODY_SIZE_LIMIT ??= 'Infinity';
// Without ORIGIN (or PROTOCOL_HEADER, e.g. x-forwarded-proto behind a TLS proxy) adapter-node assumes
// https; this server speaks plain http, and says so in a header it sets itself on every request.
const PROTOCOL = 'x-rakkan-protocol';
const ownProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (ownProtocol) process.env.PROTOCOL_HEADER = PROTOCOL;
const { handler } = await import('./build/handler.js');
// Cached public listing pages are answered here, before SvelteKit's per-request work; the hook (registered
// by the app once the gallery is open, see src/lib/server/gallery/public-listing.ts) says which. It is
// looked up per request, so a gallery opened after start-up is served too.
const PUBLIC_LISTING = Symbol.for('rakkan.publicListing');

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);

const server = http.createServer((req, res) => {
	const cached = globalThis[PUBLIC_LISTING]?.(req.method, req.url, req.headers);
	if (cached) {
		res.writeHead(200, cached.headers);
		res.end(cached.body);
		return;
	}
	if (ownProtocol) req.headers[PROTOCOL] = 'http';
	handler(req, res, () => {});
});
server.listen(port, host, () => {
	const address = server.address();
	const shown = typeof address === 'object' && address ? address.port : port;
	console.log(`Rakkan studio listening on http://${host.includes(':') ? `[${host}]` : host}:${shown}/studio`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
