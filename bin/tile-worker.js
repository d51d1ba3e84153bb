// A tile painter thread's entry (see src/lib/node/tile-pool.ts): registers TypeScript loading, as
// bin/rakkan.js does, and starts the painter.
import { register } from 'tsx/esm/api';

register();
await import('../src/lib/node/tile-worker.ts');
