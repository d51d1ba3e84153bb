// The editor's compositing and mask code, bundled on its own for a bare Chromium page (no studio needed).
import * as compose from '../../../src/lib/canvas/compose';
import * as brush from '../../../src/lib/kernels/brush';

Object.assign(globalThis, { rakkan: { ...compose, ...brush } });
