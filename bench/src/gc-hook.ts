/*
 * Preloaded into server processes by the idle scenario only
 * (`node --expose-gc -r bench/dist/gc-hook.js …`), the same way for every
 * target: SIGUSR2 runs a full garbage collection, so that the heap and RSS the
 * bench reads afterwards are what the connections retain, not garbage left
 * from connecting them. It changes nothing else in the process.
 */
const collect = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  collect?.();
});
