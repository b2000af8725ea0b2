/**
 * OAuth applications (owners and admins): register an application (name, redirect URIs, scopes;
 * its client secret is shown once), rotate a secret (the new one shown once), delete. Clients use
 * the authorization code flow with PKCE (`/oauth/authorize`, `/oauth/token`).
 */
import { observer } from 'mobx-react-lite';
import { type FormEvent, useState } from 'react';
import { Button, inputClass } from '../../ui/Button.tsx';
import * as api from './api.ts';
import { AdminOnly, Empty, ErrorText, Field, formatWhen, LoadingRows, PageTitle, SecretOnce, Section, useAction, useIsAdmin, useLoad } from './kit.tsx';

/** The screen. */
export const AppsSettings = observer(function AppsSettings() {
  const isAdmin = useIsAdmin();
  const apps = useLoad(() => (isAdmin ? api.listApps() : Promise.resolve([])), [isAdmin]);
  const [name, setName] = useState('');
  const [uris, setUris] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read']);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [run, busy, error] = useAction();
  const [act, acting, actError] = useAction();
  if (!isAdmin) return <AdminOnly what="manage OAuth applications" />;

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await api.createApp({
        name: name.trim(),
        redirectUris: uris
          .split(/\s+/)
          .map((u) => u.trim())
          .filter(Boolean),
        scopes,
      });
      apps.setData([r.application, ...(apps.data ?? [])]);
      setSecret({ label: `Client secret of “${r.application.name}” (client ID ${r.application.clientId})`, value: r.clientSecret });
      setName('');
      setUris('');
    });
  };

  return (
    <>
      <PageTitle title="OAuth applications" description="Let other tools act for your members, with their consent, through OAuth 2 (authorization code with PKCE)." />
      <Section title="Register an application" testId="new-app">
        {secret ? (
          <SecretOnce label={secret.label} value={secret.value} onDone={() => setSecret(null)} testId="app-secret" />
        ) : (
          <form className="flex flex-col gap-3" onSubmit={create}>
            <Field label="Name">
              <input className={inputClass} value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} />
            </Field>
            <Field label="Redirect URIs" hint="One per line. https, or http on localhost.">
              <textarea
                className={`${inputClass} h-20 py-1.5`}
                value={uris}
                required
                onChange={(e) => setUris(e.target.value)}
                placeholder="https://tool.example.com/oauth/callback"
              />
            </Field>
            <fieldset className="flex flex-wrap gap-x-4 gap-y-1.5">
              <legend className="mb-1 text-sm font-medium text-muted">Scopes it may ask for</legend>
              {api.OAUTH_SCOPES.map((s) => (
                <label key={s} className="flex items-center gap-1.5">
                  <input
                    type="checkbox"
                    className="accent-accent"
                    checked={scopes.includes(s)}
                    onChange={(e) => setScopes((c) => (e.target.checked ? [...c, s] : c.filter((x) => x !== s)))}
                  />
                  <code className="font-mono text-sm">{s}</code>
                </label>
              ))}
            </fieldset>
            <ErrorText error={error} />
            <div>
              <Button type="submit" variant="primary" disabled={busy || !name.trim() || !uris.trim() || !scopes.length}>
                {busy ? 'Registering…' : 'Register application'}
              </Button>
            </div>
          </form>
        )}
      </Section>
      <Section title="Applications" testId="apps">
        <ErrorText error={apps.error ?? actError} />
        {!apps.data && !apps.error && <LoadingRows what="applications" />}
        {apps.data && apps.data.length === 0 && <Empty>No applications registered.</Empty>}
        <ul className={apps.data?.length ? 'divide-y divide-line rounded-lg border border-line' : 'hidden'}>
          {(apps.data ?? []).map((a) => (
            <li key={a.id} className="px-4 py-3" data-testid="app-row">
              <div className="flex items-start gap-3">
                <div className="min-w-0 flex-1">
                  <div className="font-medium">{a.name}</div>
                  <div className="mt-0.5 text-sm text-muted">
                    Client ID <code className="font-mono select-all">{a.clientId}</code> · secret <code className="font-mono">{a.secretPreview}</code>
                  </div>
                  <div className="text-sm text-muted">
                    {a.scopes.join(', ')} · {a.redirectUris.join(', ')} · updated {formatWhen(a.updatedAt)}
                  </div>
                </div>
                <Button
                  size="sm"
                  disabled={acting}
                  onClick={() => {
                    if (!window.confirm(`Rotate the secret of “${a.name}”? The old one stops working at once.`)) return;
                    void act(async () => {
                      const r = await api.rotateAppSecret(a.id);
                      apps.setData((apps.data ?? []).map((x) => (x.id === a.id ? r.application : x)));
                      setSecret({ label: `New client secret of “${a.name}”`, value: r.clientSecret });
                    });
                  }}
                >
                  Rotate secret
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  disabled={acting}
                  aria-label={`Delete ${a.name}`}
                  onClick={() => {
                    if (!window.confirm(`Delete “${a.name}”? Every authorization of it ends.`)) return;
                    void act(async () => {
                      await api.deleteApp(a.id);
                      apps.setData((apps.data ?? []).filter((x) => x.id !== a.id));
                    });
                  }}
                >
                  Delete
                </Button>
              </div>
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
});
