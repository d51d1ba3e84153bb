// The Verify view reads files with WebCrypto and object URLs: it renders in the browser only (on this
// route, not the root layout, so unknown URLs still get a 404).
export const ssr = false;
