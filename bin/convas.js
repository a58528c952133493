#!/usr/bin/env node
// The `convas` executable: load the TypeScript CLI through tsx's ESM loader, then run it.
import { register } from 'tsx/esm/api';

register();
const { runAsProcess } = await import('../src/cli/index.ts');
await runAsProcess(process.argv.slice(2));
