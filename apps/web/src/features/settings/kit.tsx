/**
 * Small building blocks of the settings screens: sections, labelled fields, error and empty
 * states, a secret shown once with a copy button, and a hook running one request at a time.
 */
import { cloneElement, type ReactElement, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { useStore } from '../../store/context.tsx';
import { Button } from '../../ui/Button.tsx';
import { copyText } from '../pickers/copy.ts';

/** A titled block of a settings page. */
export function Section({ title, description, children, actions, testId }: { title: string; description?: ReactNode; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <section className="border-b border-line py-6 last:border-0" aria-label={title} data-testid={testId}>
      <div className="flex items-start justify-between gap-4">
        <div className="min-w-0">
          <h2 className="text-lg font-medium">{title}</h2>
          {description && <p className="mt-0.5 text-muted">{description}</p>}
        </div>
        {actions}
      </div>
      <div className="mt-4">{children}</div>
    </section>
  );
}

/** The page title of a settings screen. */
export function PageTitle({ title, description }: { title: string; description?: ReactNode }) {
  return (
    <div className="pb-2">
      <h1 className="text-2xl font-semibold">{title}</h1>
      {description && <p className="mt-1 text-muted">{description}</p>}
    </div>
  );
}

/**
 * A labelled control: the label names the control by `for`/`id` (not by wrapping it, which would
 * fold a select's current option into its name) and the hint describes it.
 */
export function Field({ label, hint, children }: { label: string; hint?: ReactNode; children: ReactElement<{ id?: string; 'aria-describedby'?: string }> }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium text-muted">
        {label}
      </label>
      {cloneElement(children, { id, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}) })}
      {hint && (
        <span id={`${id}-hint`} className="text-sm text-faint">
          {hint}
        </span>
      )}
    </div>
  );
}

/** A server message shown as is. */
export function ErrorText({ error, testId }: { error: string | null; testId?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className="rounded-md border border-danger/30 bg-danger/10 px-3 py-2 text-sm text-danger" data-testid={testId}>
      {error}
    </p>
  );
}

/** A friendly "nothing here yet" line. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded-lg border border-dashed border-line px-4 py-6 text-center text-muted">{children}</p>;
}

/**
 * Stands in for a list while it loads: `rows` rows of `rowHeight` px in the list's frame, so the
 * page does not jump when the data arrives; announced to screen readers as "Loading <what>".
 */
export function LoadingRows({ what, rows = 1, rowHeight = 62 }: { what: string; rows?: number; rowHeight?: number }) {
  return (
    <div role="status" aria-label={`Loading ${what}`} className="divide-y divide-line rounded-lg border border-line" data-testid="loading-rows">
      {[...Array(rows).keys()].map((row) => (
        <div key={row} className="flex items-center px-4" style={{ height: rowHeight }}>
          <span className="h-3 w-1/3 animate-pulse rounded bg-subtle" />
        </div>
      ))}
    </div>
  );
}

/** Shown instead of admin-only controls. */
export function AdminOnly({ what }: { what: string }) {
  return <p className="rounded-lg border border-line bg-subtle px-4 py-3 text-muted">Only workspace owners and admins can {what}.</p>;
}

/** A secret the server shows once: monospace, selectable, with a copy button and a warning. */
export function SecretOnce({ label, value, onDone, testId }: { label: string; value: string; onDone: () => void; testId?: string }) {
  const store = useStore();
  return (
    <div className="rounded-lg border border-accent/40 bg-accent-soft p-4" role="status" data-testid={testId}>
      <p className="font-medium">{label}</p>
      <p className="mt-0.5 text-sm text-muted">Copy it now: it will not be shown again.</p>
      <div className="mt-3 flex items-center gap-2">
        <code className="min-w-0 flex-1 truncate rounded-md border border-line bg-bg px-2.5 py-1.5 font-mono text-sm select-all" data-testid="secret-value">
          {value}
        </code>
        <Button
          size="sm"
          className="h-8"
          onClick={() => void copyText(value).then((ok) => store.ui.toast(ok ? 'Copied' : 'Copying needs clipboard permission', ok ? 'info' : 'error'))}
        >
          Copy
        </Button>
        <Button size="sm" variant="ghost" className="h-8" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}

/** The message of any thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof ApiError || err instanceof Error ? err.message : String(err);
}

/**
 * Loads data once (and on `reload()`), tracking loading and error.
 * @returns `{data, error, loading, reload, setData}`
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await loadRef.current());
      setError(null);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(
    () => {
      void reload();
    },
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to reload
    deps,
  );
  return { data, error, loading, reload, setData };
}

/**
 * Runs one action at a time, keeping its error message.
 * @returns `[run, busy, error, setError]`; `run` resolves to whether the action succeeded
 */
export function useAction(): [(fn: () => Promise<unknown>) => Promise<boolean>, boolean, string | null, (e: string | null) => void] {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(messageOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return [run, busy, error, setError];
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A timestamp for tables ("Nov 29, 2026, 10:32 AM"). */
export function formatWhen(iso: string | null | undefined): string {
  return iso ? when.format(new Date(iso)) : '—';
}

/** A date for tables ("Nov 29, 2026"). */
export function formatDay(iso: string | null | undefined): string {
  return iso ? day.format(new Date(iso)) : '—';
}

/** The current user's role in the current workspace. */
export function useRole(): string | null {
  const store = useStore();
  return store.me?.workspaces.find((w) => w.id === store.workspace?.id)?.role ?? null;
}

/** Whether the current user manages the workspace (owner or admin). */
export function useIsAdmin(): boolean {
  const role = useRole();
  return role === 'owner' || role === 'admin';
}

/** A native select styled like the inputs. */
export const selectClass =
  'h-8 rounded-md border border-line bg-bg px-2 text-base text-fg outline-none focus:border-accent focus:ring-2 focus:ring-accent-soft disabled:opacity-60';
