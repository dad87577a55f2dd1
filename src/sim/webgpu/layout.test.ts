/**
 * The byte layouts layout.ts writes and reads are the ones the WGSL structs have: every struct in
 * shaders/*.wgsl (and in the generated prelude and inline module) is laid out by the WGSL spec's
 * rules (test/helpers/wgslLayout.ts) and compared with the host's sizes, writers, readers, offset
 * constants and the offsets the comments on both sides state. The host side is exercised, not
 * parsed: the writers fill marker values and the bytes are read back at the WGSL offsets, the
 * readers are handed markers placed at the WGSL offsets. A member added, removed or moved on one
 * side only fails here. All comparisons are exact: these are integers (offsets, sizes) and small
 * integer markers that f32, i32 and u32 all hold exactly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as layout from './layout.ts';
import {
  COUNTER_ACTIVE,
  COUNTER_STOPPED_STEPS,
  COUNTERS_BYTES,
  CROSSING_BYTES,
  CrossingView,
  DIRECTION_UNITS,
  MODE_BYTES,
  PARAMS_BYTES,
  PARTICLE_BYTES,
  ParticleView,
  shaderPrelude,
  writeLaunchStates,
  writeParams,
  type DispatchParams,
} from './layout.ts';
import { inlineModesSource } from './inline.ts';
import { packModes } from './lattice.ts';
import { finerGrids, finerGridsSource } from './nested.ts';
import { MODE_STRIDE } from '../../turbulence/field.ts';
import {
  boundTypes,
  parseAliases,
  parseIntegerConstants,
  parseStructs,
  roundUp,
  structsIn,
  uniformViolations,
  WgslLayouts,
  type StructLayout,
  type WgslStruct,
} from '../../../test/helpers/wgslLayout.ts';

// ---------------------------------------------------------------------------------------------
// The sources: shaders/*.wgsl plus what the host generates (prelude, inline mode table).
// ---------------------------------------------------------------------------------------------

const SHADER_DIR = new URL('../../../shaders/', import.meta.url);
const SOURCES: { file: string; text: string }[] = [
  ...readdirSync(SHADER_DIR)
    .filter((f) => f.endsWith('.wgsl'))
    .sort()
    .map((file) => ({ file, text: readFileSync(new URL(file, SHADER_DIR), 'utf8') })),
  // Array counts such as MODE_COUNT come from here; structs would be checked like the others.
  { file: 'prelude (layout.ts shaderPrelude)', text: shaderPrelude({ modeCount: 3, gridBits: 4 }) },
  { file: 'inline modes (inline.ts)', text: inlineModesSource(new ArrayBuffer(MODE_BYTES), 1) },
  { file: 'finer grids (nested.ts)', text: finerGridsSource([{ turnsInt: 1, turnsHi: 2, turnsLo: 3, bits: 4, offset: 5 }]) },
];

function allLayouts(sources: readonly { file: string; text: string }[]): WgslLayouts {
  const constants = new Map<string, number>();
  const aliases = new Map<string, string>();
  const structs: WgslStruct[] = [];
  for (const s of sources) {
    for (const [k, v] of parseIntegerConstants(s.text)) constants.set(k, v);
    for (const [k, v] of parseAliases(s.text)) aliases.set(k, v);
    structs.push(...parseStructs(s.text, s.file));
  }
  return new WgslLayouts(structs, constants, aliases);
}

const WGSL = allLayouts(SOURCES);

/** Members named with a leading underscore are explicit padding: nothing reads or writes them. */
const isPadding = (name: string): boolean => name.startsWith('_');

// ---------------------------------------------------------------------------------------------
// Reading and writing members by their WGSL type
// ---------------------------------------------------------------------------------------------

type Scalar = 'f32' | 'i32' | 'u32';

/** Scalar type and component count of a 4-byte scalar, vector or atomic member. */
function components(type: string): { scalar: Scalar; n: number } {
  const t = type.replace(/^atomic<(.*)>$/, '$1');
  const m = /^(?:vec([234])<(f32|i32|u32)>|vec([234])([fiu])|(f32|i32|u32))$/.exec(t);
  if (!m) throw new Error(`layout test: no reader for member type ${type}`);
  if (m[5]) return { scalar: m[5] as Scalar, n: 1 };
  if (m[2]) return { scalar: m[2] as Scalar, n: Number(m[1]) };
  return { scalar: `${m[4]}32` as Scalar, n: Number(m[3]) };
}

function readMember(bytes: ArrayBuffer, at: number, type: string): number[] {
  const view = new DataView(bytes);
  const { scalar, n } = components(type);
  return Array.from({ length: n }, (_, c) => {
    const o = at + 4 * c;
    return scalar === 'f32' ? view.getFloat32(o, true) : scalar === 'i32' ? view.getInt32(o, true) : view.getUint32(o, true);
  });
}

function writeMember(bytes: ArrayBuffer, at: number, type: string, values: readonly number[]): void {
  const view = new DataView(bytes);
  const { scalar } = components(type);
  values.forEach((v, c) => {
    const o = at + 4 * c;
    if (scalar === 'f32') view.setFloat32(o, v, true);
    else if (scalar === 'i32') view.setInt32(o, v, true);
    else view.setUint32(o, v, true);
  });
}

/**
 * Which bytes a writer sets: it runs twice, into buffers pre-filled with two different patterns;
 * a byte that differs between the runs was left alone.
 */
function writtenBytes(bytes: number, write: (out: ArrayBuffer) => void): { out: ArrayBuffer; written: boolean[] } {
  const runs = [0x5a, 0xa5].map((fill) => {
    const out = new ArrayBuffer(bytes);
    new Uint8Array(out).fill(fill);
    write(out);
    return out;
  });
  const [a, b] = runs.map((r) => new Uint8Array(r));
  return { out: runs[0], written: Array.from(a, (x, i) => x === b[i]) };
}

const camel = (snake: string): string => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Checks a host reader class against a struct: each method `name(p)` or `name(p, axis)` must be a
 * WGSL member of that (camelCase) name, and return the marker placed at the member's offset in
 * element p of an array of the struct (divided by `scale[name]` where the host converts units).
 */
function checkReader(
  s: StructLayout,
  stride: number,
  make: (bytes: ArrayBuffer) => object,
  scale: Record<string, number> = {},
): string[] {
  const problems: string[] = [];
  const count = 3;
  const bytes = new ArrayBuffer(count * stride);
  const marker = new Map<string, number[]>();
  let next = 1;
  for (let p = 0; p < count; p++) {
    for (const m of s.members) {
      if (isPadding(m.name)) continue;
      const values = Array.from({ length: components(m.type).n }, () => next++);
      writeMember(bytes, p * stride + m.offset, m.type, values);
      marker.set(`${m.name}/${p}`, values);
    }
  }
  const view = make(bytes);
  const proto = Object.getPrototypeOf(view) as object;
  const methods = Object.getOwnPropertyNames(proto).filter((k) => k !== 'constructor');
  for (const method of methods) {
    const member = s.members.find((m) => camel(m.name) === method);
    if (!member) {
      problems.push(`${s.name}: the host reads ${method}(), which is no member of the WGSL struct`);
      continue;
    }
    const fn = Reflect.get(view, method) as (p: number, axis?: number) => number;
    for (let p = 0; p < count; p++) {
      const want = marker.get(`${member.name}/${p}`) ?? [];
      const got = fn.length >= 2 ? want.map((_, a) => fn.call(view, p, a)) : [fn.call(view, p)];
      const scaled = got.map((g) => g * (scale[method] ?? 1));
      if (scaled.join() !== want.join()) {
        problems.push(`${s.name}.${member.name} (element ${p}): the host reads ${scaled.join(', ')} where the WGSL offset ${member.offset} holds ${want.join(', ')}`);
      }
    }
  }
  return problems;
}

/**
 * Checks a host writer against a struct: the members in `expected` must hold those values at
 * their WGSL offsets in every element, and every other non-padding member must at least be
 * written (a member the kernel reads but the host leaves as garbage fails). Names in `expected`
 * that are no WGSL member fail too, and so does a write past the last element.
 */
function checkWriter(
  s: StructLayout,
  stride: number,
  count: number,
  write: (out: ArrayBuffer) => void,
  expected: (element: number) => Record<string, readonly number[]>,
): string[] {
  const problems: string[] = [];
  // One element more than the writer is asked for: it must stay untouched.
  const { out, written } = writtenBytes((count + 1) * stride, write);
  const beyond = written.indexOf(true, count * stride);
  if (beyond >= 0) problems.push(`${s.name}: the host writes byte ${beyond - (count - 1) * stride} of element ${count - 1}, beyond the struct's ${stride} bytes`);
  for (const name of Object.keys(expected(0))) {
    if (!s.members.some((m) => m.name === name)) problems.push(`${s.name}: the host writes ${name}, which is no member of the WGSL struct`);
  }
  for (let p = 0; p < count; p++) {
    const want = expected(p);
    for (const m of s.members) {
      if (isPadding(m.name)) continue;
      const at = p * stride + m.offset;
      const size = m.size ?? 0;
      if (!written.slice(at, at + size).every(Boolean)) {
        problems.push(`${s.name}.${m.name} (element ${p}, bytes ${m.offset}..${m.offset + size}): not written by the host`);
        continue;
      }
      const w = want[m.name];
      if (w === undefined) continue;
      const got = readMember(out, at, m.type);
      if (got.join() !== w.join()) {
        problems.push(`${s.name}.${m.name} (element ${p}): WGSL offset ${m.offset} holds ${got.join(', ')}, the host meant ${w.join(', ')}`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The layout rules themselves, on the spec's own examples
// ---------------------------------------------------------------------------------------------

describe('WGSL layout rules (test/helpers/wgslLayout.ts) reproduce the spec', () => {
  it('AlignOf / SizeOf of scalars, vectors, matrices and arrays match the spec table', () => {
    const w = new WgslLayouts([]);
    const table: [string, number, number][] = [
      ['f32', 4, 4],
      ['f16', 2, 2],
      ['atomic<u32>', 4, 4],
      ['vec2<f32>', 8, 8],
      ['vec3<f32>', 16, 12],
      ['vec3u', 16, 12],
      ['vec4<i32>', 16, 16],
      ['vec3<f16>', 8, 6],
      ['vec3h', 8, 6],
      ['mat2x2<f32>', 8, 16],
      ['mat3x2f', 8, 24],
      ['mat2x3<f32>', 16, 32],
      ['mat3x3<f32>', 16, 48],
      ['mat4x4f', 16, 64],
      ['mat3x3<f16>', 8, 24],
      ['array<vec3<f32>,4>', 16, 64],
      ['array<f32,5u>', 4, 20],
    ];
    for (const [type, align, size] of table) expect(w.type(type), type).toEqual({ align, size });
    expect(w.type('array<vec4f>')).toEqual({ align: 16, size: undefined });
  });

  it('the spec\'s structure layout examples: offsets, sizes and alignments, with and without @align/@size', () => {
    // "Structure Member Layout" examples of the WGSL spec, numbers copied from its comments.
    const src = `
      struct A { u: f32, v: f32, w: vec2<f32>, x: f32 }
      struct B { a: vec2<f32>, b: vec3<f32>, c: f32, d: f32, e: A, f: vec3<f32>, g: array<A, 3>, h: i32 }
      struct A2 { u: f32, v: f32, w: vec2<f32>, @size(16) x: f32 }
      struct B2 { a: vec2<f32>, b: vec3<f32>, c: f32, d: f32, @align(16) e: A2, f: vec3<f32>, g: array<A2, 3>, h: i32 }
      struct R { n: u32, data: array<vec3<f32>> }`;
    const w = new WgslLayouts(parseStructs(src, 'spec'));
    const offsets = (n: string) => w.struct(n).members.map((m) => m.offset);
    expect([w.struct('A').align, w.struct('A').size]).toEqual([8, 24]);
    expect(offsets('A')).toEqual([0, 4, 8, 16]);
    expect([w.struct('B').align, w.struct('B').size]).toEqual([16, 160]);
    expect(offsets('B')).toEqual([0, 16, 28, 32, 40, 64, 80, 152]);
    expect(w.stride('A')).toBe(24);
    expect([w.struct('A2').align, w.struct('A2').size]).toEqual([8, 32]);
    expect([w.struct('B2').align, w.struct('B2').size]).toEqual([16, 208]);
    expect(offsets('B2')).toEqual([0, 16, 28, 32, 48, 80, 96, 192]);
    expect(w.struct('R').members[1].offset).toBe(16);
    expect(w.struct('R').size).toBeUndefined();
    // B in a uniform buffer breaks three constraints: e: A at 40 is not 16-aligned, f follows e
    // by 24 < roundUp(16, SizeOf(A)) = 32 bytes, and array<A, 3> has stride 24.
    expect(uniformViolations('B', w).length).toBe(3);
    expect(uniformViolations('A', w)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// shaders/ against layout.ts
// ---------------------------------------------------------------------------------------------

/** The structs the host shares with the kernel, and how each is checked below. */
const HOST_STRUCTS = ['Params', 'Particle', 'Crossing', 'Counters', 'Mode'];

describe('shaders/*.wgsl structs agree with layout.ts', () => {
  it('every struct parses and lays out; every struct in a buffer binding is one the host checks here', () => {
    expect(WGSL.names()).toEqual(expect.arrayContaining(HOST_STRUCTS));
    for (const name of WGSL.names()) expect(() => WGSL.struct(name), name).not.toThrow();
    const bound = new Set<string>();
    for (const s of SOURCES) for (const b of boundTypes(s.text)) for (const n of structsIn(b.type, WGSL)) bound.add(n);
    // A new struct in a buffer needs its host side and a check here.
    expect([...bound].sort()).toEqual([...HOST_STRUCTS].sort());
  });

  it('buffer sizes and strides: PARAMS_BYTES, PARTICLE_BYTES, CROSSING_BYTES, COUNTERS_BYTES, MODE_BYTES', () => {
    expect(PARAMS_BYTES).toBe(WGSL.struct('Params').size);
    expect(PARTICLE_BYTES).toBe(WGSL.stride('Particle'));
    expect(CROSSING_BYTES).toBe(WGSL.stride('Crossing'));
    expect(MODE_BYTES).toBe(WGSL.stride('Mode'));
    // The counters buffer is the struct padded to 16 bytes for the copies.
    expect(COUNTERS_BYTES).toBe(roundUp(16, WGSL.struct('Counters').size ?? NaN));
  });

  it('uniform buffers (Params, the mode table) meet the uniform address space layout constraints', () => {
    const uniform = SOURCES.flatMap((s) => boundTypes(s.text)).filter((b) => b.space === 'uniform');
    expect(uniform.length).toBeGreaterThan(0);
    for (const b of uniform) expect(uniformViolations(b.type, WGSL), b.type).toEqual([]);
  });

  it('writeParams puts every DispatchParams field at its Params member, and writes every member', () => {
    // Distinct small integers: exact as f32, i32 and u32, so a field written through the wrong
    // view (f32 bits read as u32) shows as well as a wrong offset.
    const p: DispatchParams = {
      b0: [1, 2, 3],
      kickPerUG: 4,
      originCell: [5, 6, 7],
      driftCells: 8,
      originFraction: Uint32Array.of(9, 10, 11),
      lastKickPerUG: 12,
      sphereRadiusCells: 13,
      lastDriftCells: 14,
      stepCount: 15,
      firstStep: 16,
      stopStep: 17,
      activeCount: 18,
      activeOffset: 19,
    };
    const s = WGSL.struct('Params');
    const byMember: Record<string, readonly number[]> = {};
    for (const [key, value] of Object.entries(p)) {
      // DispatchParams.kickPerUG is Params.kick_per_ug: the names agree up to case and underscores.
      const member = s.members.find((m) => m.name.replace(/_/g, '').toLowerCase() === key.toLowerCase());
      byMember[member?.name ?? `(none for ${key})`] = typeof value === 'number' ? [value] : Array.from(value as ArrayLike<number>);
    }
    const problems = checkWriter(s, PARAMS_BYTES, 1, (out) => writeParams(p, out), () => byMember);
    expect(problems).toEqual([]);
  });

  it('writeLaunchStates fills each Particle at its WGSL offsets and stride', () => {
    const first = 1;
    const n = 3;
    // Directions that are exact in the fixed point: multiples of 2^-6.
    const directions = Float64Array.from({ length: 3 * (first + n) }, (_, i) => (i + 1) / 64 - 0.1875);
    const originCell = [-7, 8, 9] as const;
    const originFraction = Uint32Array.of(10, 0x80000000, 0xfffffff0);
    const s = WGSL.struct('Particle');
    const problems = checkWriter(s, PARTICLE_BYTES, n, (out) => writeLaunchStates(out, directions, first, n, originCell, originFraction), (k) => ({
      // The launch state: at the observer, u(0), no steps, no status bits.
      cell: [...originCell],
      fraction: [...originFraction],
      direction: [0, 1, 2].map((a) => directions[3 * (first + k) + a] * DIRECTION_UNITS),
      status: [0],
      steps: [0],
    }));
    expect(problems).toEqual([]);
  });

  it('ParticleView reads each member from its WGSL offset', () => {
    const problems = checkReader(WGSL.struct('Particle'), PARTICLE_BYTES, (b) => new ParticleView(b), { direction: DIRECTION_UNITS });
    expect(problems).toEqual([]);
  });

  it('CrossingView reads each member from its WGSL offset', () => {
    expect(checkReader(WGSL.struct('Crossing'), CROSSING_BYTES, (b) => new CrossingView(b))).toEqual([]);
  });

  it('COUNTER_* are the word indices of the Counters members', () => {
    const host: Record<string, number> = { running: COUNTER_ACTIVE, stopped_steps: COUNTER_STOPPED_STEPS };
    const s = WGSL.struct('Counters');
    expect(s.members.filter((m) => !isPadding(m.name)).map((m) => m.name).sort()).toEqual(Object.keys(host).sort());
    for (const m of s.members) if (!isPadding(m.name)) expect(4 * host[m.name], m.name).toBe(m.offset);
    // Every COUNTER_ index layout.ts exports is in the table above.
    const exported = Object.keys(layout).filter((k) => /^COUNTER_/.test(k));
    expect(exported.sort()).toEqual(['COUNTER_ACTIVE', 'COUNTER_STOPPED_STEPS']);
  });

  it('MODE_<MEMBER> are the word offsets of the Mode members, and packModes + inline.ts agree with them', () => {
    const s = WGSL.struct('Mode');
    const constants = layout as unknown as Record<string, number>;
    const memberConstants = Object.keys(layout).filter((k) => /^MODE_/.test(k) && k !== 'MODE_BYTES' && k !== 'MODE_WORDS');
    expect(memberConstants.sort()).toEqual(s.members.filter((m) => !isPadding(m.name)).map((m) => `MODE_${m.name.toUpperCase()}`).sort());
    for (const k of memberConstants) {
      const member = s.members.find((m) => `MODE_${m.name.toUpperCase()}` === k);
      expect(4 * constants[k], k).toBe(member?.offset);
    }
    // inline.ts builds Mode(...) by position: its arguments must be the members in order, with
    // the values packModes put at the members' offsets.
    const table = new Float64Array(2 * MODE_STRIDE).map((_, i) => 0.37 + 0.11 * i);
    const lattice = { spacingPc: 0.5, originCell: [0, 0, 0] as const, originFraction: new Uint32Array(3) };
    const packed = packModes(table, lattice, [1.5, -2, 0.25]);
    const calls = [...inlineModesSource(packed, 2).matchAll(/mode_term\(b\d, Mode\((.*)\), cell, centred\)/g)].map((m) => m[1]);
    expect(calls.length).toBe(2);
    calls.forEach((args, n) => {
      const parts = args.split(/,\s*(?![^(]*\))/);
      const members = s.members.filter((m) => !isPadding(m.name));
      expect(parts.length).toBe(members.length);
      parts.forEach((arg, i) => {
        const m = members[i];
        // f32 literals carry 9 digits: they read back as the f32 value, not as that double
        const f32 = components(m.type).scalar === 'f32';
        const values = (/\(([^)]*)\)/.exec(arg)?.[1] ?? arg).split(',').map((v) => Number(v.trim().replace(/u$/, ''))).map((v) => (f32 ? Math.fround(v) : v));
        expect(values, `Mode(...) argument ${i} = ${m.name}`).toEqual(readMember(packed, n * MODE_BYTES + m.offset, m.type));
      });
    });
  });

  // FinerGrid lives in registers (its values are compiled in), so there is no byte layout to
  // check; what must agree is the order: nested.ts builds FinerGrid(...) by position.
  it('nested.ts builds FinerGrid(...) with the members of field_nested_grids.wgsl, in order', () => {
    const members = WGSL.struct('FinerGrid').members.filter((m) => !isPadding(m.name));
    const grids = finerGrids(2, [
      { n: 32, spacingPc: 2, data: new Float32Array(0) },
      { n: 16, spacingPc: 0.7, data: new Float32Array(0) },
      { n: 8, spacingPc: 0.3, data: new Float32Array(0) },
    ]);
    for (const g of grids) expect(Object.keys(g)).toEqual(members.map((m) => camel(m.name)));
    const calls = [...finerGridsSource(grids).matchAll(/sample_finer_grid\(x, FinerGrid\(([^)]*)\)\)/g)].map((m) => m[1].split(',').map((v) => Number(v.trim().replace(/u$/, ''))));
    expect(calls).toEqual(grids.map((g) => members.map((m) => (g as unknown as Record<string, number>)[camel(m.name)])));
    for (const m of members) expect(m.type, m.name).toBe('u32');
  });

  it('the byte layout comments in the .wgsl files state the computed sizes, strides and offsets', () => {
    const problems: string[] = [];
    for (const name of WGSL.names()) {
      const src = WGSL.source(name);
      const s = WGSL.struct(name);
      for (const line of src.header) {
        const h = new RegExp(`^${name}: (\\d+) bytes`).exec(line);
        if (h && Number(h[1]) !== s.size) problems.push(`${src.file}: "${line}" but ${name} is ${s.size} bytes`);
        const st = /array stride (\d+)/.exec(line);
        if (st && Number(st[1]) !== WGSL.stride(name)) problems.push(`${src.file}: "${line}" but the stride is ${WGSL.stride(name)}`);
      }
      for (const m of src.members) {
        // "12: what it is" or a bare "72" (not "2κ y ...")
        const c = /^(\d+)(?::|$)/.exec(m.comment ?? '');
        const at = s.members.find((x) => x.name === m.name)?.offset;
        if (c && Number(c[1]) !== at) problems.push(`${src.file}: ${name}.${m.name} is commented at ${c[1]} but sits at ${at}`);
      }
      for (const line of src.bodyComments) {
        const pad = /^(\d+): (\d+) bytes? padding/.exec(line);
        if (!pad) continue;
        const [from, to] = [Number(pad[1]), Number(pad[1]) + Number(pad[2])];
        const overlaps = s.members.some((m) => m.offset < to && m.offset + (m.size ?? 0) > from);
        if (overlaps || to > (s.size ?? 0)) problems.push(`${src.file}: ${name}: "${line}" is not padding`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the byte layout comments in layout.ts state the WGSL sizes and offsets', () => {
    const text = readFileSync(new URL('./layout.ts', import.meta.url), 'utf8');
    const problems: string[] = [];
    let current: StructLayout | null = null;
    let sections = 0;
    for (const line of text.split('\n')) {
      if (/^\/\/ -{20,}/.test(line)) current = null;
      const head = /^\/\/ struct (\w+) \(([\w.]+)\): (\d+) bytes/.exec(line);
      if (head) {
        sections++;
        current = WGSL.struct(head[1]);
        if (WGSL.source(head[1]).file !== head[2]) problems.push(`layout.ts: ${head[1]} is declared in ${WGSL.source(head[1]).file}, not ${head[2]}`);
        if (Number(head[3]) !== current.size) problems.push(`layout.ts: "${line}" but ${head[1]} is ${current.size} bytes`);
        const st = /array stride (\d+)/.exec(line);
        if (st && Number(st[1]) !== WGSL.stride(head[1])) problems.push(`layout.ts: "${line}" but the stride is ${WGSL.stride(head[1])}`);
        continue;
      }
      const c = current && /\/\/\s*(\d+):\s*([A-Za-z_][\w<>]*)/.exec(line);
      if (!current || !c) continue;
      const at = Number(c[1]);
      // "N: member" or, for the offset constants, "N: type of the member there"
      const ok = current.members.some((m) => m.offset === at && (m.name === c[2] || m.type === c[2]));
      if (!ok) problems.push(`layout.ts (${current.name}): "${line.trim()}" names no member at ${at}`);
    }
    expect(sections).toBe(HOST_STRUCTS.length);
    expect(problems).toEqual([]);
  });
});
