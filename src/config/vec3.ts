/** The one 3-vector type of crsky: Cartesian components (pc, uG or unit vectors by context). */
export type Vec3 = readonly [number, number, number];
