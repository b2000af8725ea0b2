/** React binding of the command registry. */
import { useEffect, useRef } from 'react';
import { type Command, registry } from './registry.ts';

/**
 * Registers commands while the component is mounted. `build` runs again when `deps` change; the
 * commands' `run`/`isEnabled` should read live state (the store) rather than captured values.
 */
export function useCommands(build: () => Command[], deps: readonly unknown[]): void {
  const buildRef = useRef(build);
  buildRef.current = build;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a custom hook passing its caller's dependency list on, as useEffect's own API does; `build` is read through a ref so it is always the latest
  useEffect(() => registry.register(buildRef.current()), deps);
}

/** Installs the window keydown listener feeding the registry (once, at the app root). */
export function useGlobalKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      registry.handleKeyDown(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
