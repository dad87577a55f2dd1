/**
 * The targets of `crsky reproduce`, by name. Each is a pure, in-memory computation
 * (src/pipeline/reproduce/*); src/output/reproduce/ writes its folder.
 */
import { ahlersMertschTarget } from './ahlersMertsch.ts';
import { diffusionTarget } from './diffusionTarget.ts';
import { dipoleTarget } from './dipoleTarget.ts';
import { giacintiSiglTarget } from './giacintiSigl.ts';
import { shapeTarget } from './shape.ts';
import type { ReproduceTarget } from './types.ts';

export const TARGETS: Readonly<Record<string, ReproduceTarget>> = {
  diffusion: diffusionTarget,
  'giacinti-sigl-2012': giacintiSiglTarget,
  'ahlers-mertsch-2015': ahlersMertschTarget,
  shape: shapeTarget,
  dipole: dipoleTarget,
};

export type { ReproduceContext, ReproduceResult, ReproduceTarget } from './types.ts';
