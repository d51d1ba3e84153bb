// Loads the catalog cards from the models/ folder on disk (CLI, tests, benchmarks).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Catalog, CatalogError, parseCatalog } from '../assets/catalog';

export async function loadCatalogFromDir(modelsDir: string): Promise<Catalog> {
	const raw: Record<string, unknown> = {};
	for (const sub of ['models', 'styles', 'detectors']) {
		const dir = path.join(modelsDir, sub);
		for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
			const where = path.join(sub, name);
			try {
				raw[where] = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
			} catch (cause) {
				throw new CatalogError(`${where}: not valid JSON (${(cause as Error).message})`);
			}
		}
	}
	return parseCatalog(raw);
}

/** The project's root folder, where `models/` and the default asset cache live. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function loadProjectCatalog(): Promise<Catalog> {
	return loadCatalogFromDir(path.join(PROJECT_ROOT, 'models'));
}
