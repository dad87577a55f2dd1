/**
 * Memory layout of WGSL structs, computed from the shader source by the rules of the WGSL spec
 * (https://www.w3.org/TR/WGSL/#alignment-and-size), for tests that compare it with the host
 * code's byte offsets (src/sim/webgpu/layout.test.ts).
 *
 * Covers the host-shareable types: i32/u32/f32/f16 (and bool, not host-shareable but laid out
 * the same), atomic<T>, vecN<T> and the vec3f-style aliases, matCxR<T> and mat4x4f-style
 * aliases, fixed and runtime-sized arrays, nested structs, `alias` declarations and the member
 * attributes @align(n) and @size(n). Array counts may be integer literals or `const`s declared
 * in the sources given; an unknown count leaves the array's size undefined. Pointer, texture and
 * sampler types are not struct members and are not handled.
 */

export interface WgslMember {
  readonly name: string;
  /** The type as written, whitespace removed. */
  readonly type: string;
  /** The member's attributes @align(n), @size(n), if given. */
  readonly alignAttr?: number;
  readonly sizeAttr?: number;
  /** The `//` comment on the member's line, if any, without the slashes. */
  readonly comment?: string;
}

export interface WgslStruct {
  readonly name: string;
  readonly file: string;
  readonly members: readonly WgslMember[];
  /** The `//` comment lines directly above `struct`, without the slashes. */
  readonly header: readonly string[];
  /** Comment-only lines inside the body, without the slashes (e.g. "28: 4 bytes padding"). */
  readonly bodyComments: readonly string[];
}

export interface MemberLayout {
  readonly name: string;
  readonly type: string;
  readonly offset: number;
  /** SizeOfMember: @size or SizeOf(T); undefined for a runtime-sized array. */
  readonly size: number | undefined;
  readonly align: number;
}

export interface StructLayout {
  readonly name: string;
  readonly align: number;
  /** SizeOf(S); undefined if the last member is a runtime-sized array. */
  readonly size: number | undefined;
  readonly members: readonly MemberLayout[];
}

export interface TypeLayout {
  readonly align: number;
  /** undefined: runtime-sized array, or an array whose count is not known here. */
  readonly size: number | undefined;
}

/** A type expression: `name` or `name<arg, ...>` (array counts stay as expressions). */
interface TypeNode {
  readonly name: string;
  readonly args: readonly TypeNode[];
}

export const roundUp = (k: number, n: number): number => Math.ceil(n / k) * k;

/** The source with comments blanked out (same length, newlines kept), so positions still match. */
function blankComments(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/\/\/[^\n]*/g, (c) => ' '.repeat(c.length));
}

/** Splits at the top-level commas (outside <...> and (...)). */
function splitTopLevel(s: string, sep = ','): { text: string; start: number }[] {
  const parts: { text: string; start: number }[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === sep && depth === 0) {
      parts.push({ text: s.slice(start, i), start });
      start = i + 1;
    }
  }
  parts.push({ text: s.slice(start), start });
  return parts;
}

function parseType(s: string): TypeNode {
  const t = s.replace(/\s+/g, '');
  const lt = t.indexOf('<');
  if (lt < 0) return { name: t, args: [] };
  if (!t.endsWith('>')) throw new Error(`wgsl layout: cannot parse type '${s}'`);
  return { name: t.slice(0, lt), args: splitTopLevel(t.slice(lt + 1, -1)).map((p) => parseType(p.text)) };
}

const lineOf = (src: string, pos: number): number => src.slice(0, pos).split('\n').length - 1;

/** Every `struct` declaration of one WGSL source, with the comments around its members. */
export function parseStructs(source: string, file: string): WgslStruct[] {
  const code = blankComments(source);
  const lines = source.split('\n');
  const commentOf = (line: number): string | undefined => {
    const m = /\/\/(.*)$/.exec(lines[line]);
    return m ? m[1].trim() : undefined;
  };
  const structs: WgslStruct[] = [];
  const re = /\bstruct\s+([A-Za-z_]\w*)\s*\{([^}]*)\}/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const name = m[1];
    const bodyStart = m.index + m[0].indexOf('{') + 1;
    const members: WgslMember[] = [];
    for (const part of splitTopLevel(m[2])) {
      if (part.text.trim() === '') continue;
      const attrs: Record<string, number> = {};
      const text = part.text.replace(/@(\w+)\s*(?:\(([^)]*)\))?/g, (_, attr: string, arg: string | undefined) => {
        if (arg !== undefined && /^\s*\d+[iu]?\s*$/.test(arg)) attrs[attr] = parseInt(arg, 10);
        return ' ';
      });
      const mm = /^\s*([A-Za-z_]\w*)\s*:\s*([\s\S]+?)\s*$/.exec(text);
      if (!mm) throw new Error(`wgsl layout: ${file}: cannot parse member '${part.text.trim()}' of struct ${name}`);
      // The member's comment is the one on the line where its declaration ends.
      const end = bodyStart + part.start + part.text.trimEnd().length;
      members.push({
        name: mm[1],
        type: mm[2].replace(/\s+/g, ''),
        alignAttr: attrs.align,
        sizeAttr: attrs.size,
        comment: commentOf(lineOf(source, end)),
      });
    }
    const header: string[] = [];
    for (let l = lineOf(source, m.index) - 1; l >= 0 && /^\s*\/\//.test(lines[l]); l--) header.unshift(lines[l].replace(/^\s*\/\/\s?/, ''));
    const bodyComments: string[] = [];
    const firstLine = lineOf(source, bodyStart);
    const lastLine = lineOf(source, m.index + m[0].length - 1);
    for (let l = firstLine; l <= lastLine; l++) if (/^\s*\/\//.test(lines[l])) bodyComments.push(lines[l].replace(/^\s*\/\/\s?/, ''));
    structs.push({ name, file, members, header, bodyComments });
  }
  return structs;
}

/** `const NAME[: T] = <integer>[iu];` declarations: the values array counts may name. */
export function parseIntegerConstants(source: string): Map<string, number> {
  const out = new Map<string, number>();
  const code = blankComments(source);
  const re = /\bconst\s+([A-Za-z_]\w*)\s*(?::\s*\w+\s*)?=\s*(\d+)[iu]?\s*;/g;
  for (let m = re.exec(code); m; m = re.exec(code)) out.set(m[1], parseInt(m[2], 10));
  return out;
}

/** `alias NAME = T;` declarations. */
export function parseAliases(source: string): Map<string, string> {
  const out = new Map<string, string>();
  const code = blankComments(source);
  const re = /\balias\s+([A-Za-z_]\w*)\s*=\s*([^;]+);/g;
  for (let m = re.exec(code); m; m = re.exec(code)) out.set(m[1], m[2].replace(/\s+/g, ''));
  return out;
}

const SCALARS: Record<string, number> = { i32: 4, u32: 4, f32: 4, f16: 2, bool: 4 };
/** Suffixes of the predeclared aliases vec3f, mat4x4h, ... */
const SUFFIX: Record<string, string> = { f: 'f32', h: 'f16', i: 'i32', u: 'u32' };

/** The layouts of a set of structs (e.g. all of shaders/), resolving types across them. */
export class WgslLayouts {
  private readonly structs = new Map<string, WgslStruct>();
  private readonly done = new Map<string, StructLayout>();
  private readonly inProgress = new Set<string>();

  constructor(
    structs: readonly WgslStruct[],
    private readonly constants: ReadonlyMap<string, number> = new Map(),
    private readonly aliases: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const s of structs) {
      const other = this.structs.get(s.name);
      if (other) throw new Error(`wgsl layout: struct ${s.name} is declared in ${other.file} and in ${s.file}`);
      this.structs.set(s.name, s);
    }
  }

  names(): string[] {
    return [...this.structs.keys()];
  }

  source(name: string): WgslStruct {
    const s = this.structs.get(name);
    if (!s) throw new Error(`wgsl layout: no struct ${name}`);
    return s;
  }

  struct(name: string): StructLayout {
    const cached = this.done.get(name);
    if (cached) return cached;
    const s = this.source(name);
    if (this.inProgress.has(name)) throw new Error(`wgsl layout: struct ${name} contains itself`);
    this.inProgress.add(name);
    const members: MemberLayout[] = [];
    let end = 0;
    s.members.forEach((m, i) => {
      const t = this.type(m.type);
      const align = m.alignAttr ?? t.align;
      const size = m.sizeAttr ?? t.size;
      if (size === undefined && i !== s.members.length - 1) {
        throw new Error(`wgsl layout: ${name}.${m.name} has no fixed size and is not the last member`);
      }
      const offset = roundUp(align, end);
      members.push({ name: m.name, type: m.type, offset, size, align });
      end = offset + (size ?? 0);
    });
    this.inProgress.delete(name);
    const align = Math.max(...members.map((m) => m.align));
    const last = members[members.length - 1];
    const layout: StructLayout = { name, align, size: last.size === undefined ? undefined : roundUp(align, end), members };
    this.done.set(name, layout);
    return layout;
  }

  /** AlignOf and SizeOf of a type expression. */
  type(expr: string): TypeLayout {
    return this.node(parseType(expr));
  }

  /** The element stride of array<E, ...>: roundUp(AlignOf(E), SizeOf(E)). */
  stride(element: string): number {
    const e = this.type(element);
    if (e.size === undefined) throw new Error(`wgsl layout: array element ${element} has no fixed size`);
    return roundUp(e.align, e.size);
  }

  private node(t: TypeNode): TypeLayout {
    const alias = this.aliases.get(t.name);
    if (alias !== undefined && t.args.length === 0) return this.type(alias);
    if (t.name in SCALARS && t.args.length === 0) return { align: SCALARS[t.name], size: SCALARS[t.name] };
    if (t.name === 'atomic') return this.node(t.args[0]);
    const vec = /^vec([234])([fhiu]?)$/.exec(t.name);
    if (vec) {
      const n = Number(vec[1]);
      const s = this.scalar(vec[2] ? SUFFIX[vec[2]] : t.args[0]?.name, t.name);
      return { align: (n === 2 ? 2 : 4) * s, size: n * s };
    }
    const mat = /^mat([234])x([234])([fh]?)$/.exec(t.name);
    if (mat) {
      const [c, r] = [Number(mat[1]), Number(mat[2])];
      const col = this.node({ name: `vec${r}`, args: [{ name: mat[3] ? SUFFIX[mat[3]] : t.args[0]?.name ?? '', args: [] }] });
      return { align: col.align, size: c * roundUp(col.align, col.size ?? 0) };
    }
    if (t.name === 'array') {
      const e = this.node(t.args[0]);
      if (e.size === undefined) throw new Error('wgsl layout: array of a runtime-sized type');
      if (t.args.length === 1) return { align: e.align, size: undefined };
      const count = this.count(t.args[1].name);
      return { align: e.align, size: count === undefined ? undefined : count * roundUp(e.align, e.size) };
    }
    if (this.structs.has(t.name) && t.args.length === 0) {
      const s = this.struct(t.name);
      return { align: s.align, size: s.size };
    }
    throw new Error(`wgsl layout: unknown type '${t.name}'`);
  }

  private scalar(name: string | undefined, where: string): number {
    if (name === undefined || !(name in SCALARS)) throw new Error(`wgsl layout: ${where} needs a scalar component type, got ${name}`);
    return SCALARS[name];
  }

  private count(expr: string): number | undefined {
    const lit = /^(\d+)[iu]?$/.exec(expr);
    if (lit) return parseInt(lit[1], 10);
    return this.constants.get(expr);
  }
}

/** Structs and element types bound to a `var<uniform>` or `var<storage>` in a source, by space. */
export function boundTypes(source: string): { space: 'uniform' | 'storage'; type: string }[] {
  const out: { space: 'uniform' | 'storage'; type: string }[] = [];
  const code = blankComments(source);
  const re = /\bvar\s*<\s*(uniform|storage)[^>]*>\s*[A-Za-z_]\w*\s*:\s*([^;]+);/g;
  for (let m = re.exec(code); m; m = re.exec(code)) out.push({ space: m[1] as 'uniform' | 'storage', type: m[2].replace(/\s+/g, '') });
  return out;
}

/** The struct names a type expression mentions (array<Mode, N> → Mode), nested structs included. */
export function structsIn(expr: string, layouts: WgslLayouts): string[] {
  const found = new Set<string>();
  const known = new Set(layouts.names());
  const visit = (t: TypeNode): void => {
    if (known.has(t.name) && !found.has(t.name)) {
      found.add(t.name);
      for (const m of layouts.source(t.name).members) visit(parseType(m.type));
    }
    t.args.forEach(visit);
  };
  visit(parseType(expr));
  return [...found];
}

/**
 * Violations of the uniform address space's layout constraints (WGSL spec, "Address Space Layout
 * Constraints") for a type placed in a uniform buffer: structure and array members aligned to 16,
 * array strides a multiple of 16, 16 bytes after a nested struct. Empty if none.
 */
export function uniformViolations(expr: string, layouts: WgslLayouts): string[] {
  const out: string[] = [];
  const requiredAlign = (t: TypeNode): number => {
    const l = layouts.type(typeText(t));
    return t.name === 'array' || layouts.names().includes(t.name) ? roundUp(16, l.align) : l.align;
  };
  const visit = (t: TypeNode, where: string): void => {
    if (t.name === 'array') {
      const stride = layouts.stride(typeText(t.args[0]));
      if (stride % 16 !== 0) out.push(`${where}: array stride ${stride} is not a multiple of 16`);
      visit(t.args[0], `${where}[]`);
      return;
    }
    if (!layouts.names().includes(t.name)) return;
    const s = layouts.struct(t.name);
    s.members.forEach((m, i) => {
      const mt = parseType(m.type);
      const req = requiredAlign(mt);
      if (m.offset % req !== 0) out.push(`${t.name}.${m.name} at ${m.offset} is not aligned to ${req}`);
      const next = s.members[i + 1];
      if (next && layouts.names().includes(mt.name) && next.offset - m.offset < roundUp(16, m.size ?? 0)) {
        out.push(`${t.name}.${next.name} follows struct member ${m.name} by less than roundUp(16, SizeOf)`);
      }
      visit(mt, `${t.name}.${m.name}`);
    });
  };
  visit(parseType(expr), expr);
  return out;
}

function typeText(t: TypeNode): string {
  return t.args.length === 0 ? t.name : `${t.name}<${t.args.map(typeText).join(',')}>`;
}
