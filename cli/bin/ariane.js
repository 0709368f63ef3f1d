#!/usr/bin/env node
// Loads the TypeScript entry point through tsx, so `npx ariane` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
