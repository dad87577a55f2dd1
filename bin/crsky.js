#!/usr/bin/env node
// The package runs its TypeScript sources directly through tsx's loader, so a clean clone
// works after `npm ci` without a build step; worker threads register the same loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
