/**
 * The page build: `npm run build:web` → web/dist/ (static files). The engine's worker and the cpu
 * pool's workers are ES-module workers; WGSL comes from ../shaders as text. The headers make the
 * page cross-origin isolated in `vite dev`/`preview` (crsky serve sends the same), so the cpu
 * backend can share memory with a pool of workers.
 */
import { defineConfig } from 'vite';

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: 'web',
  base: './',
  // pluginTimings: Vite's own note on slow plugins, noise in every build here
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000, rolldownOptions: { checks: { pluginTimings: false } } },
  worker: { format: 'es', rolldownOptions: { checks: { pluginTimings: false } } },
  server: { headers: isolation, fs: { allow: ['..'] } },
  preview: { headers: isolation },
});
