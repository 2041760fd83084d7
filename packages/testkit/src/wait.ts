/**
 * Waits for a condition that has no event to await (a health endpoint
 * flipping, a process state): checks it until true, failing after `timeoutMs`
 * (default 20 s), every `intervalMs` (default 50 ms).
 */
export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Whether a GET of `url` answers 2xx now (false when nothing listens). */
export async function answersOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}
