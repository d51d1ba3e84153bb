// @peculiar/x509 depends on tsyringe, which refuses to load without the Reflect metadata API
// (reflect-metadata and friends). This is the small part of that API tsyringe and tslib use, installed
// only where it is missing. Import it before @peculiar/x509 (x509.ts does).

type Key = unknown;
const store = new WeakMap<object, Map<Key, unknown>>();

function own(target: object, create: boolean): Map<Key, unknown> | undefined {
	let map = store.get(target);
	if (!map && create) {
		map = new Map();
		store.set(target, map);
	}
	return map;
}

interface ReflectMetadata {
	defineMetadata(key: Key, value: unknown, target: object): void;
	getOwnMetadata(key: Key, target: object): unknown;
	getMetadata(key: Key, target: object): unknown;
	hasMetadata(key: Key, target: object): boolean;
	metadata(key: Key, value: unknown): (target: object) => void;
}

const api: ReflectMetadata = {
	defineMetadata(key, value, target) {
		own(target, true)!.set(key, value);
	},
	getOwnMetadata(key, target) {
		return own(target, false)?.get(key);
	},
	getMetadata(key, target) {
		for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
			const map = own(t, false);
			if (map?.has(key)) return map.get(key);
		}
		return undefined;
	},
	hasMetadata(key, target) {
		return api.getMetadata(key, target) !== undefined;
	},
	metadata(key, value) {
		return (target) => api.defineMetadata(key, value, target);
	}
};

const reflect = Reflect as unknown as Partial<ReflectMetadata>;
if (typeof reflect.getMetadata !== 'function') {
	for (const [name, fn] of Object.entries(api)) {
		Object.defineProperty(Reflect, name, { value: fn, configurable: true, writable: true });
	}
}

export {};
