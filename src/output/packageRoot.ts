/**
 * The package's root directory (package.json, bin/, shaders/), from the TypeScript sources
 * (src/output/) or from the bundle (dist/).
 */
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../' : '../', import.meta.url));
