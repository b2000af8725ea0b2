/**
 * The root layout: loads the session once, shows toasts, and decides where `/` goes (the last
 * workspace, onboarding, or sign-in).
 */
import { Link, Outlet } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { useCallback, useEffect, useState } from 'react';
import { setUnauthenticatedHandler } from '../../api/client.ts';
import { useGlobalKeys } from '../../commands/useCommands.ts';
import { currentHref, go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { Toasts } from './Toasts.tsx';

/** Root layout. */
export const Root = observer(function Root() {
  const store = useStore();
  const [error, setError] = useState<string | null>(null);
  useGlobalKeys();
  const load = useCallback(() => {
    setError(null);
    store.loadSession().catch((err: Error) => setError(err.message));
  }, [store]);
  useEffect(() => {
    setUnauthenticatedHandler(() => store.setMe(null));
    if (store.status === 'unknown') load();
    return () => setUnauthenticatedHandler(null);
  }, [store, load]);
  return (
    <>
      {store.status !== 'unknown' ? (
        <Outlet />
      ) : error ? (
        <div className="flex h-full flex-col items-center justify-center gap-3 text-center" role="alert">
          <p className="text-danger">{error}</p>
          <button type="button" className="text-accent hover:underline" onClick={load}>
            Try again
          </button>
        </div>
      ) : (
        <Splash />
      )}
      <Toasts />
    </>
  );
});

/** Empty surface shown for the instant before the session is known. */
export function Splash() {
  return <div className="h-full bg-bg" aria-busy="true" />;
}

/**
 * Sends a signed-out visitor to sign-in (remembering where they were going).
 * @returns whether the session is signed in
 */
export function useRequireSession(): boolean {
  const store = useStore();
  const signedOut = store.status === 'signedOut';
  useEffect(() => {
    if (signedOut) go(paths.login(currentHref()), { replace: true });
  }, [signedOut]);
  return store.status === 'signedIn';
}

/** `/`: the preferred workspace, else onboarding. */
export const Home = observer(function Home() {
  const store = useStore();
  const signedIn = useRequireSession();
  useEffect(() => {
    if (!signedIn) return;
    const ws = store.preferredWorkspace();
    go(ws ? paths.workspace(ws.urlSlug) : paths.onboarding(), { replace: true });
  }, [signedIn, store]);
  return <Splash />;
});

/** Unknown URL. */
export function NotFound() {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-2 text-center">
      <div className="text-lg font-medium">Page not found</div>
      <p className="text-muted">There is nothing at this address.</p>
      <Link to="/" className="text-accent hover:underline">
        Go home
      </Link>
    </div>
  );
}
