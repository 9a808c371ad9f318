/**
 * Wall and CPU time of the whole process around `work` (main thread, workers and DuckDB's
 * threads): unlike wall time, CPU time barely moves when other jobs share the machine.
 */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number }> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { result, seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
