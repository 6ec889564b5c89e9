// Whether a process still runs: the one check behind every pid lock file of the project (the bundle cache's
// build lock, the local cloud's data-directory lock and port claims, the tests' launched-sample claim).

/** True while a process with this pid runs (signal 0 only asks; EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
