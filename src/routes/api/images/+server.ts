import { json, type RequestEvent } from '@sveltejs/kit';
import type { GalleryUser } from '$lib/gallery-api';
import { GalleryError, type GalleryRepository } from '$lib/server/gallery/repository';
import {
	api,
	discardBody,
	imageQueryFrom,
	LISTING_HEADERS,
	optionalText,
	parseBoolean,
	parseVisibility,
	readBody,
	requireUser
} from '$lib/server/gallery/http';
import { gallery } from '$lib/server/gallery/service';
import { tooManyBytesMessage } from '$lib/server/gallery/uploads';
import type { RequestHandler } from './$types';

/** Room for the form's other fields and the multipart boundaries around the file. */
const MULTIPART_OVERHEAD = 256 * 1024;

export const GET: RequestHandler = api(async ({ url, locals }) => {
	const { repository } = await gallery();
	const page = await repository.listImagesJson(imageQueryFrom(url.searchParams), locals.user);
	return new Response(page, { headers: LISTING_HEADERS });
});

export const POST: RequestHandler = api(async (event) => {
	const user = requireUser(event);
	const { repository, uploadGate } = await gallery();
	const type = event.request.headers.get('content-type') ?? '';
	if (!/^multipart\/form-data/i.test(type)) {
		throw new GalleryError(400, 'Send the image as multipart/form-data with a "file" field.');
	}
	// Admitted before the body is read: reading, checking and storing all count against the caps.
	let leave: () => void;
	try {
		leave = uploadGate.enter(user.id);
	} catch (refusal) {
		await discardBody(event.request, repository.limits.maxBytes + MULTIPART_OVERHEAD);
		throw refusal;
	}
	try {
		return await upload(event, user, repository);
	} finally {
		leave();
	}
});

async function upload(
	event: RequestEvent,
	user: GalleryUser,
	repository: GalleryRepository
): Promise<Response> {
	const type = event.request.headers.get('content-type') ?? '';
	const limits = repository.limits;
	const body = await readBody(event.request, limits.maxBytes + MULTIPART_OVERHEAD, () =>
		tooManyBytesMessage(Number(event.request.headers.get('content-length') ?? 0), limits)
	);
	let form: FormData;
	try {
		form = await new Response(body as Uint8Array<ArrayBuffer>, {
			headers: { 'content-type': type }
		}).formData();
	} catch {
		throw new GalleryError(400, 'The multipart form cannot be read.');
	}
	const file = form.get('file');
	if (!(file instanceof Blob)) throw new GalleryError(400, 'The form has no "file" field with the image.');
	const fallbackTitle = file instanceof File && file.name ? file.name.replace(/\.[^.]*$/, '') : 'Untitled';
	const image = await repository.createImage(user, {
		bytes: new Uint8Array(await file.arrayBuffer()),
		title: optionalText(form.get('title'), 'title') || fallbackTitle,
		description: optionalText(form.get('description'), 'description') ?? '',
		visibility: parseVisibility(form.get('visibility'), 'public'),
		rightsConfirmed: parseBoolean(form.get('rightsConfirmed'), 'rightsConfirmed') ?? false
	});
	return json(image, { status: 201 });
}
