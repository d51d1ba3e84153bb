// Production entry: the SvelteKit handler on HOST:PORT (default 127.0.0.1:3000), printing its address.
import http from 'node:http';
import { handler } from './build/handler.js';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);

const server = http.createServer((req, res) => handler(req, res, () => {}));
server.listen(port, host, () => {
	const address = server.address();
	const shown = typeof address === 'object' && address ? address.port : port;
	console.log(`Rakkan studio listening on http://${host.includes(':') ? `[${host}]` : host}:${shown}/studio`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
