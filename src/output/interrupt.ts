/**
 * What to undo when the process is stopped (SIGINT, SIGTERM) in the middle of writing: release a
 * run directory's lock, remove a merge's half-built directory. Each holder registers a synchronous
 * cleanup while it holds the resource; the front end runs them all before it exits. Files
 * themselves need nothing: every write is atomic (src/io/atomic.ts).
 */

type Cleanup = () => string | null;

const pending = new Map<number, Cleanup>();
let next = 0;

/** Registers `cleanup` (which may return a line for the user); returns the unregister function. */
export function onInterrupt(cleanup: Cleanup): () => void {
  const id = next++;
  pending.set(id, cleanup);
  return () => {
    pending.delete(id);
  };
}

/** Runs every registered cleanup once, newest first; returns their lines for the user. */
export function runInterruptCleanups(): string[] {
  const lines: string[] = [];
  for (const id of [...pending.keys()].reverse()) {
    const c = pending.get(id)!;
    pending.delete(id);
    try {
      const line = c();
      if (line) lines.push(line);
    } catch {
      // exiting anyway: one failed cleanup must not stop the others
    }
  }
  return lines;
}
