// Passwords and secrets. Passwords are hashed with scrypt (memory-hard) with explicit cost parameters
// and a random salt per password, and compared in constant time; the parameters are stored with the hash
// so they can be raised later. Session cookies and API tokens are random; only their sha256 is stored.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** N = 2^15, r = 8, p = 1: 32 MiB and roughly 50-100 ms per hash on a server core. */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

function scryptAsync(
	password: string,
	salt: Buffer,
	keyLength: number,
	options: ScryptOptions
): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)))
	);
}

const maxmem = (N: number, r: number) => 256 * N * r;

/** `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
	const { N, r, p, keyLength, saltLength } = SCRYPT;
	const salt = randomBytes(saltLength);
	const key = await scryptAsync(password, salt, keyLength, { N, r, p, maxmem: maxmem(N, r) });
	return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, n, r, p, salt, hash] = stored.split('$');
	if (scheme !== 'scrypt' || !salt || !hash) return false;
	const N = Number(n);
	const R = Number(r);
	const expected = Buffer.from(hash, 'base64url');
	const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
		N,
		r: R,
		p: Number(p),
		maxmem: maxmem(N, R)
	});
	return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash nobody's password matches: sign-in for an unknown name costs as much as for a known one. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
	decoy ??= hashPassword(randomBytes(16).toString('hex'));
	return decoy;
}

export function randomSecret(prefix = ''): string {
	return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function randomId(): string {
	return randomBytes(12).toString('base64url');
}

export function sha256Hex(value: string | Uint8Array): string {
	return createHash('sha256').update(value).digest('hex');
}

export const TOKEN_PREFIX = 'rk_';

export const USERNAME = /^[a-zA-Z0-9_-]{3,32}$/;
export const MIN_PASSWORD = 10;
/** scrypt hashes whatever it is given; a cap keeps a megabyte "password" from being a cheap attack. */
export const MAX_PASSWORD = 1024;

/** Why these credentials cannot make an account, or null. */
export function signupProblem(username: unknown, password: unknown): string | null {
	if (typeof username !== 'string' || !USERNAME.test(username)) {
		return 'The username must be 3 to 32 letters, digits, "_" or "-".';
	}
	if (typeof password !== 'string' || password.length < MIN_PASSWORD) {
		return `The password must be at least ${MIN_PASSWORD} characters long.`;
	}
	if (password.length > MAX_PASSWORD) return `The password must be at most ${MAX_PASSWORD} characters long.`;
	return null;
}
