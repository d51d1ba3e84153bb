// What people type is stored and shown as text: control characters (NUL, escape sequences, C1 codes) are
// refused, since PostgreSQL cannot store NUL and nothing else of them belongs in a title or a name, and so
// are broken UTF-16 strings (lone surrogates). Descriptions and report reasons may have lines and tabs.
import { GalleryError } from './errors';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- as above, less tab, line feed and carriage return
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Why this text cannot be stored, or null. */
export function textProblem(value: string, what: string, lines = false): string | null {
	if ((lines ? CONTROL_BUT_LINES : CONTROL).test(value)) {
		return `The ${what} contains control characters${lines ? ' (other than line breaks and tabs)' : ''}; remove them.`;
	}
	if (!value.isWellFormed()) return `The ${what} is not valid Unicode text.`;
	return null;
}

/** The text, or a 422 that says what is wrong with it. */
export function checkText(value: string, what: string, lines = false): string {
	const problem = textProblem(value, what, lines);
	if (problem) throw new GalleryError(422, problem);
	return value;
}

/** Ids the gallery makes (base64url); anything else names no row, and is answered like a missing one. */
export const ID = /^[A-Za-z0-9_-]{1,64}$/;
