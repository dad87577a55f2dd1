/**
 * The Node adapter of the WebGPU backend, the only module of it that uses Node APIs: WebGPU comes
 * from the `webgpu` package (Dawn; on a machine without a GPU it runs on Mesa's lavapipe) and the
 * shaders are read from the package's shaders/ directory.
 */
import { readFile } from 'node:fs/promises';
import type { ShaderLoader } from '../webgpu/shaders.ts';

/**
 * A fresh GPU object (navigator.gpu's equivalent). Dawn keeps the process alive while it is
 * referenced, so the tracker holds it and drops it in dispose(); nothing here keeps a copy.
 * Installs the WebGPU globals (GPUBufferUsage, GPUShaderStage, ...) the host code uses. The
 * package is imported on first use, so a platform without its native module still runs the cpu
 * backend.
 */
export async function createNodeGpu(): Promise<GPU> {
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (e) {
    throw new Error(`webgpu: the 'webgpu' package (Dawn for Node) does not load here: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!('GPUBufferUsage' in globalThis)) Object.assign(globalThis, dawn.globals);
  return dawn.create([]);
}

// from src/sim/node/ in the sources, from dist/ in the bundle
const SHADER_DIR = new URL(import.meta.url.endsWith('.ts') ? '../../../shaders/' : '../shaders/', import.meta.url);

export const readShaderFile: ShaderLoader = (file) => readFile(new URL(file, SHADER_DIR), 'utf8');
