/**
 * Drag and drop loads after the list has painted: @dnd-kit and the move logic are a separate
 * chunk (B11: the issue list's initial JavaScript stays under its budget). Until the chunk is
 * there rows render without drag handles; then they remount once with them.
 */
import { useEffect, useState } from 'react';

/** The drag-and-drop module (features/board/dnd.tsx). */
export type DndModule = typeof import('./dnd.tsx');

/** What a draggable row or card receives from {@link DndModule.useIssueDrag}. */
export type DragBinding = ReturnType<DndModule['useIssueDrag']>;

let loaded: DndModule | null = null;
let loading: Promise<DndModule> | null = null;

/** Starts loading the module (once) and resolves with it. */
export function loadDnd(): Promise<DndModule> {
  loading ??= import('./dnd.tsx').then((m) => (loaded = m));
  return loading;
}

/** The module once loaded (null on the first paint of the first list). */
export function useDnd(): DndModule | null {
  const [mod, setMod] = useState<DndModule | null>(loaded);
  useEffect(() => {
    if (mod) return;
    let live = true;
    void loadDnd().then((m) => live && setMod(m));
    return () => {
      live = false;
    };
  }, [mod]);
  return mod;
}
