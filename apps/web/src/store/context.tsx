/** React access to the one root store. */
import { createContext, useContext } from 'react';
import { RootStore } from './root.ts';

/** The application's store (one per page load). */
export const store = new RootStore();

const StoreContext = createContext<RootStore>(store);

/** The root store (tests may provide another through {@link StoreContext}). */
export function useStore(): RootStore {
  return useContext(StoreContext);
}

export { StoreContext };
