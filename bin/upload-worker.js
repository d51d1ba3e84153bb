// An upload worker thread's entry (see src/lib/server/gallery/upload-pool.ts): registers TypeScript
// loading, as bin/rakkan.js does, and starts the worker. The server's production build runs on plain Node;
// its upload threads load the same TypeScript sources the CLI runs.
import { register } from 'tsx/esm/api';

register();
await import('../src/lib/server/gallery/upload-worker.ts');
