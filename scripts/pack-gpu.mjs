#!/usr/bin/env node
// Packs what a GPU machine without Node.js or a package registry needs to run crsky into one
// git-ignored folder, gpu-pack/ (well under the 64 MiB a device call may carry):
//   node.xz                 this machine's Node binary, xz-compressed (unpacked on first use)
//   crsky/                  dist/ (the bundle; pure-JS dependencies inside), shaders/, bin/,
//                           package.json, and node_modules/webgpu with only linux-x64's dawn.node
//   lib/libvulkan.so.1      the Vulkan loader, for machines whose image lacks it
//   run.sh                  unpacks node, finds the NVIDIA Vulkan driver, runs bin/crsky.js
//                           (`run.sh gpu-check ...`: dist/gpu-check.js, scripts/gpu-check.ts bundled)
//   gpu-bench.sh            a copy of scripts/gpu-bench.sh, the one device command
// Check it here: `node scripts/pack-gpu.mjs && bash gpu-pack/run.sh bench --quick --backends webgpu`
// from any directory (no node_modules needed). scripts/gpu-bench.sh is the one device command:
// with gpu-pack carried, `bash scripts/gpu-bench.sh --out $OUT` (or `bash gpu-pack/gpu-bench.sh`);
// `--smoke` checks it on any machine in under 2 minutes (docs/benchmark.md, A real GPU in one call).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pack = join(root, 'gpu-pack');
const app = join(pack, 'crsky');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-types'], { cwd: root });
rmSync(app, { recursive: true, force: true });
mkdirSync(join(app, 'node_modules', 'webgpu', 'dist', 'linux-x64'), { recursive: true });
for (const d of ['dist', 'shaders', 'bin']) cpSync(join(root, d), join(app, d), { recursive: true, filter: (f) => !f.endsWith('.map') && !f.includes('/dist/types') });
copyFileSync(join(root, 'package.json'), join(app, 'package.json'));
const webgpu = join(root, 'node_modules', 'webgpu');
for (const f of ['package.json', 'index.js']) copyFileSync(join(webgpu, f), join(app, 'node_modules', 'webgpu', f));
copyFileSync(join(webgpu, 'dist', 'linux-x64', 'dawn.node'), join(app, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node'));

// The Node binary: compressed once, reused while it is the same binary.
const node = realpathSync(process.execPath);
const stamp = `${node} ${statSync(node).size} ${process.version}`;
const stampFile = join(pack, 'node.xz.source');
if (!existsSync(join(pack, 'node.xz')) || !existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
  process.stderr.write(`compressing ${node} (${process.version}) ...\n`);
  const xz = spawnSync('xz', ['-T0', '-6', '-c', node], { maxBuffer: 512 * 1024 * 1024 });
  if (xz.status !== 0) throw new Error(`xz failed: ${xz.stderr}`);
  writeFileSync(join(pack, 'node.xz'), xz.stdout);
  writeFileSync(stampFile, stamp);
}
mkdirSync(join(pack, 'lib'), { recursive: true });
copyFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1'), join(pack, 'lib', 'libvulkan.so.1'));
writeFileSync(
  join(pack, 'run.sh'),
  `#!/usr/bin/env bash
# Runs crsky from this folder: bash run.sh <crsky arguments>. Needs only bash, xz and the GPU driver.
set -euo pipefail
here="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
node="\${CRSKY_NODE:-/tmp/crsky-node-${process.version}}"
[ -x "$node" ] || { xz -d -c "$here/node.xz" > "$node.tmp" && chmod +x "$node.tmp" && mv "$node.tmp" "$node"; }
# The system's Vulkan loader if it has one, else the packed one.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then export LD_LIBRARY_PATH="$here/lib\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
# NVIDIA's Vulkan driver where GPU containers put it, unless the caller chose one.
if [ -z "\${VK_DRIVER_FILES:-}\${VK_ICD_FILENAMES:-}" ]; then
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$f" ]; then export VK_DRIVER_FILES="$f"; break; fi
  done
fi
# 'gpu-check ...': the adapter report, the precision check and the summary (dist/gpu-check.js)
if [ "\${1:-}" = gpu-check ]; then shift; exec "$node" "$here/crsky/dist/gpu-check.js" "$@"; fi
exec "$node" "$here/crsky/bin/crsky.js" "$@"
`,
);
chmodSync(join(pack, 'run.sh'), 0o755);
// the one device command, also runnable from inside the pack: bash gpu-pack/gpu-bench.sh --out DIR
copyFileSync(join(root, 'scripts', 'gpu-bench.sh'), join(pack, 'gpu-bench.sh'));
chmodSync(join(pack, 'gpu-bench.sh'), 0o755);
const du = spawnSync('du', ['-sb', pack], { encoding: 'utf8' });
process.stderr.write(`gpu-pack/: ${(Number(du.stdout.split('\t')[0]) / 2 ** 20).toFixed(1)} MiB\n`);
