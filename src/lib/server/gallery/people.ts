// The gallery's check of the people in an upload: what its own face detector found, what the credentials
// claim (the photo's people facts and model release), whether the two disagree, and the public-sharing
// rule (faces need a release, or "not applicable" with the creator's statement). Pure.
import type { ImagePeople } from '../../gallery-api';
import type { FaceScan } from '../../engine/faces';
import { type PeopleRights, releaseCovers } from '../../provenance/rights/people';

const faces = (n: number) => (n === 1 ? '1 face' : `${n} faces`);

/** `scan` is null when the gallery's detector could not run. */
export function checkPeople(scan: FaceScan | null, claimed: PeopleRights | null): ImagePeople {
	const found = scan
		? { checked: true, count: scan.faces.length, detector: scan.detector }
		: { checked: false, count: 0 };
	const covered = claimed !== null && releaseCovers(claimed);
	let mismatch: string | null = null;
	if (found.checked && found.count > 0 && !covered) {
		if (!claimed)
			mismatch = `The gallery found ${faces(found.count)}; the Content Credentials say nothing about people.`;
		else if (!claimed.faces.checked)
			mismatch = `The gallery found ${faces(found.count)}; the Content Credentials say faces were not checked.`;
		else if (claimed.faces.count === 0)
			mismatch = `The gallery found ${faces(found.count)}; the Content Credentials claim there are none.`;
	}
	return {
		found,
		modelRelease: claimed?.modelRelease ?? null,
		notARealPerson: claimed?.notARealPerson ?? false,
		releaseCovers: covered,
		mismatch
	};
}

/** Why an image with people cannot be public, or null. Confirming one's rights does not lift this. */
export function peoplePublicationProblem(people: ImagePeople | null): string | null {
	if (!people || !people.found.checked || people.found.count === 0 || people.releaseCovers) return null;
	return (
		`The gallery found ${faces(people.found.count)} in this image and its Content Credentials record no model ` +
		'release (MR-LMR or MR-UMR), nor "not applicable" (MR-NAP) with the creator\'s statement that no real ' +
		'person is shown, so it is not published publicly; share it as unlisted or private.'
	);
}
