// What an incoming file already says about its rights: its Content Credentials (validation state,
// CAWG training and data mining entries) and its XMP/IPTC/PLUS fields. Pure (WebCrypto only).
import { readXmp } from './c2pa/container';
import { type CredentialState, type IncomingRights, mergeIncomingRights } from './rights/rights';
import { type VerifyState, verifyImage } from './c2pa/verify';
import { incomingRightsFromXmp, parseXmp } from './xmp/xmp';

const CREDENTIAL: Record<VerifyState, CredentialState> = {
	trusted: 'trusted',
	untrusted: 'valid',
	tampered: 'invalid',
	invalid: 'invalid',
	// Not fully checked is not verified: the rights model treats it like credentials that did not validate.
	unchecked: 'invalid',
	none: 'none'
};

/** Never throws: a file whose metadata cannot be read simply says nothing. */
export async function incomingRightsOf(bytes: Uint8Array): Promise<IncomingRights> {
	const credentials = await verifyImage(bytes).catch(() => null);
	const fromC2pa: IncomingRights = credentials
		? { credential: CREDENTIAL[credentials.state], trainingMining: credentials.trainingMining }
		: {};
	let fromXmp: IncomingRights = {};
	try {
		const xmp = readXmp(bytes);
		if (xmp) fromXmp = incomingRightsFromXmp(parseXmp(xmp));
	} catch {
		// Unreadable XMP says nothing.
	}
	return mergeIncomingRights(fromC2pa, fromXmp);
}
