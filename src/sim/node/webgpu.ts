/**
 * The Node adapter of the WebGPU backend, the only module of it that uses Node APIs: WebGPU comes
 * from the `webgpu` package (Dawn; on a machine without a GPU it runs on Mesa's lavapipe) and the
 * shaders are read from the package's shaders/ directory.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ShaderLoader } from '../webgpu/shaders.ts';

export interface NodeGpuOptions {
  /** What this process's kernels mostly evaluate, for lavapipe's vector width (lavapipeVectorWidth). */
  readonly kernels?: 'modes' | 'grid';
  /** The run is small enough that compiling dominates: skip LLVM's optimization passes (lavapipeQuickCompile). */
  readonly quickCompile?: boolean;
}

/** True when /proc/cpuinfo lists AVX-512F (Linux; false elsewhere). */
function hasAvx512(): boolean {
  try {
    return /^flags\s*:.*\bavx512f\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

/**
 * lavapipe compiles kernels for 256-bit vectors (8 lanes) unless LP_NATIVE_VECTOR_WIDTH says
 * otherwise, and reads the variable once, when the driver starts in the process. With 512-bit
 * vectors on an AVX-512 CPU (Intel Xeon, Emerald Rapids class) the plane-wave kernels ran
 * 23-29 % faster (64/256/1024 modes, CPU-normalized, interleaved) and the grid kernel 34 % slower
 * (its gathers go lane by lane): docs/benchmark.md. So plane-wave processes get 512 on AVX-512
 * CPUs, unless the user set the variable. Returns the width in effect ('' = the driver's default).
 */
export function lavapipeVectorWidth(kernels: NodeGpuOptions['kernels']): string {
  return envDefault('LP_NATIVE_VECTOR_WIDTH', kernels === 'modes' && hasAvx512() ? '512' : undefined);
}

/**
 * lavapipe runs LLVM's IR optimization passes on every kernel unless GALLIVM_PERF has `nopt`; the
 * kernels arrive optimized by Mesa's NIR already, and without the passes they compile in ~0.6 of
 * the time and step ~10-15 % slower, with bitwise the same end states (webgpu/cost.ts
 * LAVAPIPE_COST.noOpt). Like the vector width, Mesa reads it once per process, when the driver
 * starts, and its shader cache keeps the two kinds of binaries apart. So a process whose run is
 * mostly compiling (cost.ts prefersQuickCompile) sets it, unless the user set GALLIVM_PERF.
 * Returns the value in effect ('' = unset).
 */
export function lavapipeQuickCompile(quick: boolean | undefined): string {
  return envDefault('GALLIVM_PERF', quick ? 'nopt' : undefined);
}

/** Sets the variable `name` to `value` unless it is set already (or `value` is undefined); returns the value in effect ('' = unset). */
function envDefault(name: string, value: string | undefined): string {
  if (process.env[name] === undefined && value !== undefined) process.env[name] = value;
  return process.env[name] ?? '';
}

/** The driver has started in this process (createNodeGpu has set its variables). */
let driverStarted = false;

/**
 * A fresh GPU object (navigator.gpu's equivalent). Dawn keeps the process alive while it is
 * referenced, so the tracker holds it and drops it in dispose(); nothing here keeps a copy.
 * Installs the WebGPU globals (GPUBufferUsage, GPUShaderStage, ...) the host code uses. The
 * package is imported on first use, so a platform without its native module still runs the cpu
 * backend.
 */
export async function createNodeGpu(options: NodeGpuOptions = {}): Promise<GPU> {
  // the driver reads its variables when it first starts in the process; later calls change nothing
  if (!driverStarted) {
    driverStarted = true;
    lavapipeVectorWidth(options.kernels);
    lavapipeQuickCompile(options.quickCompile);
  }
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
