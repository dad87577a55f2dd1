// The mode table as a storage buffer, for tables too large for a uniform buffer.
// Bind group 1: layout.ts fieldBindGroupLayout('modes-storage').
@group(1) @binding(0) var<storage, read> modes: array<Mode>;
