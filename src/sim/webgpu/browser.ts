/**
 * The browser adapter of the WebGPU backend, the counterpart of node.ts: WebGPU is the page's
 * navigator.gpu and the shaders are fetched from a server that serves the package's shaders/
 * directory. No Node APIs, so a bundler can take tracker.ts and this module into a page.
 *
 *   const tracker = await WebGpuTracker.create(browserWebGpu(new URL('./', location.href)));
 */
import type { ShaderLoader } from './shaders.ts';
import type { WebGpuEnvironment } from './tracker.ts';

/** navigator.gpu; throws when the browser (or a non-secure context: http other than localhost) has none. */
export function browserGpu(): GPU {
  const gpu = typeof navigator === 'undefined' ? undefined : navigator.gpu;
  if (!gpu) {
    throw new Error('webgpu: WebGPU is not available in this browser (no navigator.gpu; it needs a secure context: https or localhost)');
  }
  return gpu;
}

/** A ShaderLoader that fetches `shaders/<file>` relative to `baseUrl` (absolute, or relative to the page). */
export function fetchShaderFile(baseUrl: string | URL): ShaderLoader {
  const dir = new URL('shaders/', new URL(baseUrl, globalThis.location?.href));
  return async (file) => {
    const url = new URL(file, dir);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`webgpu: cannot load shader ${url.href}: HTTP ${response.status} ${response.statusText}`);
    return response.text();
  };
}

/** The environment WebGpuTracker.create takes, for a page that serves shaders/ under `baseUrl`. */
export function browserWebGpu(baseUrl: string | URL): WebGpuEnvironment {
  return { gpu: browserGpu(), loadShader: fetchShaderFile(baseUrl) };
}
