// The editor's core, bundled on its own for a bare Chromium page (no studio needed): compositing, the
// brush, the mask PNG writer, and the document, history, autosave and project-file modules.
import * as compose from '../../../src/lib/canvas/compose';
import * as autosave from '../../../src/lib/document/autosave';
import * as blobStore from '../../../src/lib/document/blob-store';
import * as documentOps from '../../../src/lib/document/document';
import * as history from '../../../src/lib/document/history';
import * as projectFile from '../../../src/lib/document/project';
import * as brush from '../../../src/lib/kernels/brush';
import * as png from '../../../src/lib/kernels/png';

const core = {
	...compose,
	...brush,
	...png,
	...autosave,
	...blobStore,
	...documentOps,
	...history,
	...projectFile
};
/** What the page's `rakkan` global holds (for typing the tests' page functions). */
export type EditorCore = typeof core;

Object.assign(globalThis, { rakkan: core });
