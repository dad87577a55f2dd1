// The mode table as a uniform buffer (up to 64 KiB / 48 B = 1365 modes).
// Bind group 1: layout.ts fieldBindGroupLayout('modes-uniform').
@group(1) @binding(0) var<uniform> modes: array<Mode, MODE_COUNT>;
