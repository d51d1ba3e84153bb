// `npx rakkan <command>`: the command line over the studio's own engine and catalog.
// Each command is imported when it runs: `rakkan verify` should not wait for tfjs to load.

const USAGE = `Usage:
  rakkan assets                         download and verify every catalog file into the cache
  rakkan stylize --content IN --out OUT.png|OUT.jpg [--model ID] [--style ID|FILE ...] [--weights A,B,...]
                 [--strength 0..1] [--preserve-colors] [--style-scale N] [--working-side N] [--max-side N]
                 [--tile N|auto] [--threads N] [--option NAME=VALUE ...] [--creator NAME] [--allow-training]
                 [--key KEY.pem --cert CHAIN.pem]
  rakkan verify FILE [--json] [--trust ROOT.pem] [--lookup GALLERY_URL]
                                        check a file's Content Credentials (exit 0 only when valid);
                                        --lookup also finds its signed original by its pixels (exit 0 when found)
  rakkan fingerprint FILE               print the ISCC image code of the file's pixels (ISCC:EE...)
  rakkan share FILE --server URL --token T [--title T] [--description D]
               [--visibility public|unlisted|private] [--rights-confirmed]
                                        upload an image to a gallery; prints its address
  rakkan admin grant NAME | revoke NAME | list
                                        gallery moderators, in the server's database (DATABASE_URL or
                                        RAKKAN_DATA_DIR; stop a server on the embedded database first)`;

/** Runs a command and returns the exit code; errors are printed as one readable line. */
export async function main(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	try {
		switch (command) {
			case 'assets':
				return await (await import('./assets')).runAssets();
			case 'stylize':
				return await (await import('./stylize')).runStylize(rest);
			case 'verify':
				return await (await import('./verify')).runVerify(rest);
			case 'fingerprint':
				return await (await import('./fingerprint')).runFingerprint(rest);
			case 'share':
				return await (await import('./share')).runShare(rest);
			case 'admin':
				return await (await import('./admin')).runAdmin(rest);
			case undefined:
			case '--help':
			case '-h':
				console.log(USAGE);
				return command ? 0 : 2;
			default:
				console.error(`rakkan: unknown command "${command}"\n${USAGE}`);
				return 2;
		}
	} catch (error) {
		// One line, always: some messages (node:util parseArgs) come in several.
		const message = (error as Error).message.trim().replace(/\s*\n\s*/g, ' ');
		console.error(`rakkan ${command}: ${message}`);
		return 1;
	}
}
