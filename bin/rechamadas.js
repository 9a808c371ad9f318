#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the TypeScript CLI through tsx, so the package needs no build step. A larger young
// generation: building the site allocates hundreds of MB of short-lived rows and HTML, and a
// larger one collects them for ≈ 7 % less of the build's CPU (docs/decisions.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../pipeline/cli.ts');
process.exitCode = await main(process.argv.slice(2));
