/**
 * Sign-in by magic link: an e-mail address, then "check your email". The link opens the server's
 * confirmation page (/auth/verify), whose POST sets the session and redirects into the app. In
 * local mode (no SMTP) the link is printed in the server log and written to the outbox folder.
 */
import { useSearch } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { requestMagicLink } from '../../api/endpoints.ts';
import { go } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { Button, inputClass } from '../../ui/Button.tsx';
import { Logo } from '../shell/Logo.tsx';

/** The sign-in screen. */
export const SignIn = observer(function SignIn() {
  const store = useStore();
  const search = useSearch({ strict: false }) as { next?: string };
  const next = search.next?.startsWith('/') && !search.next.startsWith('//') ? search.next : '/';
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (store.status === 'signedIn') go(next, { replace: true });
  }, [store.status, next]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await requestMagicLink(email.trim(), next);
      setSentTo(email.trim());
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong. Try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex min-h-full items-center justify-center bg-bg px-4">
      <div className="w-[340px]">
        <div className="mb-8 flex flex-col items-center gap-4 text-center">
          <Logo size={40} />
          <h1 className="text-xl font-semibold">{sentTo ? 'Check your email' : 'Sign in to exponential'}</h1>
        </div>
        {sentTo ? (
          <div className="flex flex-col gap-4 text-center" data-testid="check-email">
            <p className="text-muted">
              We sent a sign-in link to <span className="font-medium text-fg">{sentTo}</span>. It works once and expires in 15
              minutes.
            </p>
            <p className="rounded-md border border-line bg-subtle px-3 py-2 text-sm text-muted">
              Running locally without SMTP? The link is printed in the server log and saved in the data folder&rsquo;s{' '}
              <code className="font-mono">outbox</code>.
            </p>
            <Button variant="ghost" onClick={() => setSentTo(null)}>
              Use a different email
            </Button>
          </div>
        ) : (
          <form className="flex flex-col gap-3" onSubmit={submit}>
            <label className="flex flex-col gap-1.5">
              <span className="text-sm font-medium text-muted">Email</span>
              <input
                className={`${inputClass} h-10`}
                type="email"
                name="email"
                autoComplete="email"
                placeholder="you@company.com"
                required
                maxLength={254}
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </label>
            {error && (
              <p role="alert" className="text-sm text-danger">
                {error}
              </p>
            )}
            <Button type="submit" variant="primary" className="h-10" disabled={busy || !email.trim()}>
              {busy ? 'Sending…' : 'Continue with email'}
            </Button>
          </form>
        )}
      </div>
    </div>
  );
});
