/**
 * A module loaded on first use, and only once: later calls get the same
 * promise. Node resolves every `import()` on disk again, even of a module it
 * has loaded, and a file that is gone throws. A long-running process (the
 * webhook server, after an upgrade replaced its files) must keep what it
 * loaded instead of asking again. A failed load is not kept: the next call
 * tries again.
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((err: unknown) => {
      loaded = undefined;
      throw err;
    }));
}
