/**
 * The WGSL kernels as text, from the repository's shaders/ (Vite bundles them as strings): the
 * same files the CLI reads from disk, never copied.
 */
import type { ShaderLoader } from '../../../src/core.ts';

const files = import.meta.glob<string>('../../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true });

export const loadShader: ShaderLoader = async (file) => {
  const text = files[`../../../shaders/${file}`];
  if (text === undefined) throw new Error(`webgpu: shader ${file} is not in the page bundle (shaders/*.wgsl)`);
  return text;
};
