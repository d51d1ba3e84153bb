// The catalog as bundled into the app by Vite (studio, worker and server share it).
import { parseCatalog } from './catalog';

const cards = import.meta.glob('/models/**/*.json', { eager: true, import: 'default' });

export const catalog = parseCatalog(cards);
