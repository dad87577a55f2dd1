/**
 * Assembles the kernel source: the constants prelude from layout.ts, then the .wgsl files of the
 * field variant. Reading the files is the platform's business (node.ts reads them from disk; a
 * browser build fetches or bundles them), so this module only takes a loader.
 */
import { shaderFiles, shaderPrelude, type FieldVariant, type KernelConstants } from './layout.ts';

/** Returns the text of shaders/<file>. */
export type ShaderLoader = (file: string) => Promise<string>;

/** WGSL directives (`enable f16;`) must precede every declaration: they are moved to the top. */
const DIRECTIVE = /^\s*(enable|requires|diagnostic)\b[^;]*;\s*$/;

/** A module made by the host rather than read from shaders/ (inline.ts). */
export interface GeneratedModule {
  readonly name: string;
  readonly text: string;
}

export async function kernelSource(
  load: ShaderLoader,
  variant: FieldVariant,
  constants: KernelConstants,
  generated: readonly GeneratedModule[] = [],
): Promise<string> {
  const files = [...shaderFiles(variant), ...generated.map((g) => g.name)];
  const read = await Promise.all(shaderFiles(variant).map((f) => load(f)));
  const texts = [...read, ...generated.map((g) => g.text)];
  const directives = new Set<string>();
  const bodies = texts.map((text, i) => {
    const lines = text.split('\n').filter((line) => {
      if (!DIRECTIVE.test(line)) return true;
      directives.add(line.trim());
      return false;
    });
    return `// ---- ${files[i]}\n${lines.join('\n')}`;
  });
  return [...directives, shaderPrelude(constants), ...bodies].join('\n');
}
