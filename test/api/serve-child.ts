/**
 * Runs a server in a child process for the signal test: `vite-node test/api/serve-child.ts <home>`.
 */
import { runServer } from '../../src/serve.js';
import { apiTestConfig } from './test-config.js';

const home = process.argv[2];
if (!home) throw new Error('usage: serve-child.ts <home>');
await runServer(apiTestConfig(home, { log_level: 'info' }));
