/**
 * Slurm job scripts for a scan: one job array whose tasks are (point, shard) pairs, and a merge
 * job that depends on the whole array (afterok) and writes the scan summary. All paths in the
 * scripts are absolute, so they run from any directory on the cluster's shared file system.
 */
import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic.ts';
import { ConfigError } from '../../config/errors.ts';
import { PACKAGE_ROOT } from '../packageRoot.ts';
import type { ScanSpec } from './scanConfig.ts';

export interface SlurmFiles {
  readonly array: string;
  readonly merge: string;
  readonly submit: string;
  readonly tasks: number;
}

const CRSKY_BIN = path.join(PACKAGE_ROOT, 'bin', 'crsky.js');

/** Single-quoted for bash. */
function q(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * An #SBATCH option value. sbatch splits directive lines itself, not bash: whitespace separates
 * arguments, an unquoted '#' starts a comment, quotes group and a backslash escapes the next
 * character (inside quotes too). In --output, '%' starts a filename pattern: '%%' is a literal '%'.
 */
function sbatchArg(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

/** `output`: the log file name pattern inside logDir (%x job name, %A_%a array job and task, %j job id). */
function header(spec: ScanSpec, jobName: string, logDir: string, output: string, extra: string[]): string[] {
  const s = spec.slurm;
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${jobName}`,
    `#SBATCH --output=${sbatchArg(`${logDir.replaceAll('%', '%%')}/${output}`)}`,
    `#SBATCH --time=${s.time}`,
    `#SBATCH --mem=${s.memory}`,
    ...(s.partition ? [`#SBATCH --partition=${s.partition}`] : []),
    ...(s.account ? [`#SBATCH --account=${s.account}`] : []),
    ...extra,
  ];
}

export function emitSlurm(spec: ScanSpec, pointCount: number, scanFile: string, out: string): SlurmFiles {
  const absOut = path.resolve(out);
  const absScan = path.resolve(scanFile);
  const logDir = path.join(absOut, 'logs');
  // slurmstepd treats a backslash in an --output path as an escape: the job would fail (0:53)
  if (logDir.includes('\\')) throw new ConfigError(`scan --emit slurm: Slurm cannot write job logs under a path with a backslash: ${logDir}`);
  const tasks = pointCount * spec.shards;
  const node = process.execPath;
  const crsky = `${q(node)} ${q(CRSKY_BIN)}`;
  const array = [
    ...header(spec, `crsky-${spec.name}`, logDir, '%x-%A_%a.out', [
      `#SBATCH --array=0-${tasks - 1}`,
      `#SBATCH --cpus-per-task=${spec.slurm.cpusPerTask}`,
      ...(spec.slurm.gpus > 0 ? [`#SBATCH --gres=gpu:${spec.slurm.gpus}`] : []),
    ]),
    '# One task per (scan point, realization shard): point = task / SHARDS, shard = task % SHARDS.',
    'set -euo pipefail',
    `SHARDS=${spec.shards}`,
    'POINT=$((SLURM_ARRAY_TASK_ID / SHARDS))',
    'SHARD=$((SLURM_ARRAY_TASK_ID % SHARDS))',
    `exec ${crsky} scan --config ${q(absScan)} --out ${q(absOut)} --point "$POINT" --shard "$SHARD/$SHARDS" --threads "\${SLURM_CPUS_PER_TASK:-1}" --log json`,
    '',
  ].join('\n');
  const merge = [
    // not an array job: %a would be 4294967294. If an array task fails, afterok can never be met:
    // have Slurm cancel the merge job then instead of leaving it pending forever.
    ...header(spec, `crsky-${spec.name}-merge`, logDir, '%x-%j.out', ['#SBATCH --cpus-per-task=1', '#SBATCH --kill-on-invalid-dep=yes']),
    '# Runs after every array task succeeded: merges the shards of each point and writes the summary.',
    'set -euo pipefail',
    `exec ${crsky} scan --config ${q(absScan)} --out ${q(absOut)} --merge --log json`,
    '',
  ].join('\n');
  const arrayFile = path.join(absOut, `${spec.name}.sbatch`);
  const mergeFile = path.join(absOut, `${spec.name}-merge.sbatch`);
  const submit = [
    '#!/bin/bash',
    `# Submits the ${tasks}-task array of scan "${spec.name}" and its merge job (afterok).`,
    'set -euo pipefail',
    `mkdir -p ${q(logDir)}`,
    `ARRAY_ID=$(sbatch --parsable ${q(arrayFile)})`,
    'ARRAY_ID=${ARRAY_ID%%;*}',
    `MERGE_ID=$(sbatch --parsable --dependency=afterok:"$ARRAY_ID" ${q(mergeFile)})`,
    'echo "submitted array job $ARRAY_ID and merge job ${MERGE_ID%%;*}"',
    '',
  ].join('\n');
  const submitFile = path.join(absOut, 'submit.sh');
  writeFileAtomic(arrayFile, array);
  writeFileAtomic(mergeFile, merge);
  writeFileAtomic(submitFile, submit);
  return { array: arrayFile, merge: mergeFile, submit: submitFile, tasks };
}
