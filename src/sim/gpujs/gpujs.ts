/**
 * The part of gpu.js (https://github.com/gpujs/gpu.js, WebGL2 backend) that the gpujs tracker
 * uses, as structural types: the page brings gpu.js itself (it is bundled for the page only) and
 * hands over `new GPU({ mode: 'webgl2' })`, so nothing below the front ends imports the package.
 */
import type { NativeFunction } from './glsl.ts';

/** A kernel output kept on the GPU (settings `pipeline: true`). */
export interface GpuJsTexture {
  /** The texture's texels as RGBA floats, row-major: particle i at [4i, 4i + 4). */
  renderRawOutput(): Float32Array;
  delete(): void;
}

/** Argument of a kernel call: a flat float array (4 per texel) or a texture from an earlier call. */
export type GpuJsArgument = Float32Array | GpuJsTexture | number;

export interface GpuJsKernelSettings {
  readonly output: readonly [number];
  readonly returnType: 'Array(4)';
  readonly argumentTypes: Readonly<Record<string, 'Array' | 'ArrayTexture(4)' | 'Float'>>;
  readonly precision: 'single';
  /** 'precision': highp floats and ints. */
  readonly tactic: 'precision';
  readonly pipeline: true;
  /** Each call returns new textures, so the last call's may be this call's inputs. */
  readonly immutable: true;
  readonly injectedNative: string;
  readonly nativeFunctions: readonly NativeFunction[];
}

/** A kernel map: `result` is the root kernel's output, the rest one per sub-kernel. */
export interface GpuJsKernelMap {
  (...args: GpuJsArgument[]): Readonly<Record<string, GpuJsTexture>>;
  destroy(removeCanvasReferences?: boolean): void;
  /** The WebGL2 context, once built (gpu.js keeps it on the run shortcut's kernel). */
  readonly kernel?: { readonly context?: WebGL2RenderingContext };
}

export interface GpuJsInstance {
  createKernelMap(subKernels: Readonly<Record<string, string>>, root: string, settings: GpuJsKernelSettings): GpuJsKernelMap;
  destroy(): unknown;
}
