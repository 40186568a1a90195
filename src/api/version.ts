/** The package version (src/version.ts), where the API and the CLI have always found it. */
export { VERSION } from '../version.js';
