#!/usr/bin/env node
// The `exponential` command: runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/main.ts');
run();
