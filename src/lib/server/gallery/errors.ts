// An expected failure with the HTTP status that says what kind it is (answered as `{message}`).
export class GalleryError extends Error {
	readonly retryAfter?: number;

	constructor(
		readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429,
		message: string,
		options: { retryAfter?: number } = {}
	) {
		super(message);
		this.name = 'GalleryError';
		this.retryAfter = options.retryAfter;
	}
}
