// Runs once in the browser before any page code.
import { z } from 'zod';

// zod compiles fast object parsers with `new Function` when eval is allowed, and finds out by trying one.
// The pages' Content-Security-Policy forbids eval, so that probe is reported as a violation on every page
// that parses anything: tell zod not to try.
z.config({ jitless: true });
