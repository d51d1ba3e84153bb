#!/usr/bin/env node
// The `rakkan` command: runs the TypeScript CLI through tsx so the CLI shares the studio's engine code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
