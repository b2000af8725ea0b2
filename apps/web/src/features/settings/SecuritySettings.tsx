/**
 * Security and access: the workspace's allowed sign-in methods (owners and admins; the server
 * refuses a policy that would lock out the admin's own session, and its message is shown as is),
 * the user's browser sessions (end one, or every other), and the OAuth applications the user
 * authorized (revoke).
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import * as api from './api.ts';
import { AdminOnly, Empty, ErrorText, formatWhen, LoadingRows, PageTitle, Section, useAction, useIsAdmin, useLoad } from './kit.tsx';

const SignInMethods = observer(function SignInMethods() {
  const isAdmin = useIsAdmin();
  const policy = useLoad(api.getAuthPolicy);
  const [chosen, setChosen] = useState<string[]>([]);
  const [run, busy, error] = useAction();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (policy.data) setChosen(policy.data.allowedMethods);
  }, [policy.data]);
  const dirty = !!policy.data && [...chosen].sort().join() !== [...policy.data.allowedMethods].sort().join();
  return (
    <Section title="Sign-in methods" description="Which ways of signing in give access to this workspace." testId="auth-policy">
      {policy.error && <ErrorText error={policy.error} />}
      {!policy.data && !policy.error && <LoadingRows what="sign-in methods" rows={3} rowHeight={54} />}
      {policy.data && (
        <form
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            void run(async () => {
              policy.setData(await api.setAuthPolicy(chosen));
              setSaved(true);
            });
          }}
        >
          <fieldset className="flex flex-col gap-2" disabled={!isAdmin}>
            <legend className="sr-only">Allowed sign-in methods</legend>
            {api.AUTH_METHODS.map(([id, label, hint]) => (
              <label key={id} className="flex items-start gap-2.5 rounded-lg border border-line px-3 py-2 hover:bg-hover">
                <input
                  type="checkbox"
                  className="mt-1 accent-accent"
                  checked={chosen.includes(id)}
                  onChange={(e) => setChosen((c) => (e.target.checked ? [...c, id] : c.filter((x) => x !== id)))}
                />
                <span>
                  <span className="font-medium">{label}</span>
                  <span className="block text-sm text-muted">{hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {!isAdmin && <AdminOnly what="change sign-in methods" />}
          <ErrorText error={error} testId="auth-policy-error" />
          {saved && !dirty && (
            <p role="status" className="text-sm text-muted">
              Saved. New sign-ins follow this policy.
            </p>
          )}
          {isAdmin && (
            <div>
              <Button type="submit" variant="primary" disabled={busy || !dirty || chosen.length === 0}>
                {busy ? 'Saving…' : 'Save sign-in methods'}
              </Button>
              {chosen.length === 0 && <span className="ml-3 text-sm text-muted">Keep at least one method.</span>}
            </div>
          )}
        </form>
      )}
    </Section>
  );
});

const Sessions = observer(function Sessions() {
  const sessions = useLoad(api.listSessions);
  const [run, busy, error] = useAction();
  const others = (sessions.data ?? []).filter((s) => !s.current);
  return (
    <Section
      title="Your sessions"
      description="Browsers signed in to your account. End any you do not recognise."
      testId="sessions"
      actions={
        others.length > 0 && (
          <Button
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await api.revokeOtherSessions();
                await sessions.reload();
              })
            }
          >
            Sign out other sessions
          </Button>
        )
      }
    >
      <ErrorText error={sessions.error ?? error} />
      {!sessions.data && !sessions.error && <LoadingRows what="sessions" />}
      {!!sessions.data?.length && (
      <ul className="divide-y divide-line rounded-lg border border-line">
        {sessions.data.map((s) => (
          <li key={s.id} className="flex items-center gap-3 px-4 py-3" data-testid="session-row">
            <div className="min-w-0 flex-1">
              <div className="font-medium">
                {s.device}
                {s.current && <span className="ml-2 rounded-full bg-accent-soft px-2 py-0.5 text-sm text-fg">This browser</span>}
              </div>
              <div className="truncate text-sm text-muted">
                {s.ip ?? 'Unknown address'} · signed in {formatWhen(s.createdAt)} · last active {formatWhen(s.lastSeenAt)}
              </div>
            </div>
            {!s.current && (
              <Button
                size="sm"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await api.revokeSession(s.id);
                    sessions.setData((sessions.data ?? []).filter((x) => x.id !== s.id));
                  })
                }
              >
                Sign out
              </Button>
            )}
          </li>
        ))}
      </ul>
      )}
    </Section>
  );
});

const Authorizations = observer(function Authorizations() {
  const list = useLoad(api.listAuthorizations);
  const [run, busy, error] = useAction();
  return (
    <Section title="Authorized applications" description="Applications you allowed to act on your behalf in this workspace.">
      <ErrorText error={list.error ?? error} />
      {!list.data && !list.error && <LoadingRows what="authorized applications" />}
      {list.data && list.data.length === 0 && <Empty>You have not authorized any application.</Empty>}
      {list.data && list.data.length > 0 && (
        <ul className="divide-y divide-line rounded-lg border border-line">
          {list.data.map((a) => (
            <li key={a.applicationId} className="flex items-center gap-3 px-4 py-3">
              <div className="min-w-0 flex-1">
                <div className="font-medium">{a.name}</div>
                <div className="text-sm text-muted">
                  {a.scopes.join(', ')} · authorized {formatWhen(a.authorizedAt)} · last used {formatWhen(a.lastUsedAt)}
                </div>
              </div>
              <Button
                size="sm"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await api.revokeAuthorization(a.applicationId);
                    list.setData((list.data ?? []).filter((x) => x.applicationId !== a.applicationId));
                  })
                }
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
});

/** The screen. */
export function SecuritySettings() {
  return (
    <>
      <PageTitle title="Security & access" />
      <SignInMethods />
      <Sessions />
      <Authorizations />
    </>
  );
}
