/**
 * API: personal access tokens for scripts and the CLI. A new token's value is shown once (the
 * server keeps only its hash); the list shows each token's prefix, scopes, expiry and last use,
 * and revokes.
 */
import { observer } from 'mobx-react-lite';
import { type FormEvent, useState } from 'react';
import { Button, inputClass } from '../../ui/Button.tsx';
import * as api from './api.ts';
import { Empty, ErrorText, Field, formatDay, formatWhen, LoadingRows, PageTitle, SecretOnce, Section, selectClass, useAction, useLoad } from './kit.tsx';

const EXPIRY: [string, string][] = [
  ['30', '30 days'],
  ['90', '90 days'],
  ['365', '1 year'],
  ['never', 'No expiry'],
];

/** The screen. */
export const ApiSettings = observer(function ApiSettings() {
  const tokens = useLoad(api.listTokens);
  const [name, setName] = useState('');
  const [write, setWrite] = useState(false);
  const [expiry, setExpiry] = useState('90');
  const [created, setCreated] = useState<{ name: string; value: string } | null>(null);
  const [run, busy, error] = useAction();
  const [revoke, revoking, revokeError] = useAction();
  const live = (tokens.data ?? []).filter((t) => !t.revokedAt);

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await api.createToken({ name: name.trim(), scopes: write ? ['read', 'write'] : ['read'], expiresInDays: expiry === 'never' ? null : Number(expiry) });
      setCreated({ name: r.token.name, value: r.value });
      setName('');
      tokens.setData([r.token, ...(tokens.data ?? [])]);
    });
  };

  return (
    <>
      <PageTitle title="API" description="Personal access tokens let scripts and the exponential CLI act as you in this workspace." />
      <Section title="New personal access token" testId="new-token">
        {created ? (
          <SecretOnce label={`Your token “${created.name}”`} value={created.value} onDone={() => setCreated(null)} testId="token-created" />
        ) : (
          <form className="flex flex-col gap-3" onSubmit={create}>
            <Field label="Name" hint="What will use it, e.g. “CI release script”.">
              <input className={inputClass} value={name} maxLength={80} required onChange={(e) => setName(e.target.value)} />
            </Field>
            <fieldset className="flex flex-col gap-1.5">
              <legend className="mb-1 text-sm font-medium text-muted">Access</legend>
              <label className="flex items-center gap-2">
                <input type="radio" name="scope" className="accent-accent" checked={!write} onChange={() => setWrite(false)} />
                Read only
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="scope" className="accent-accent" checked={write} onChange={() => setWrite(true)} />
                Read and write
              </label>
            </fieldset>
            <Field label="Expires">
              <select className={`${selectClass} w-40`} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
                {EXPIRY.map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
              </select>
            </Field>
            <ErrorText error={error} />
            <div>
              <Button type="submit" variant="primary" disabled={busy || !name.trim()}>
                {busy ? 'Creating…' : 'Create token'}
              </Button>
            </div>
          </form>
        )}
      </Section>
      <Section title="Your tokens" testId="tokens">
        <ErrorText error={tokens.error ?? revokeError} />
        {!tokens.data && !tokens.error && <LoadingRows what="tokens" />}
        {tokens.data && live.length === 0 && <Empty>No tokens yet. Create one above to use the API or the CLI.</Empty>}
        {live.length > 0 && (
          <ul className="divide-y divide-line rounded-lg border border-line">
            {live.map((t) => (
              <li key={t.id} className="flex items-center gap-3 px-4 py-3" data-testid="token-row">
                <div className="min-w-0 flex-1">
                  <div className="font-medium">{t.name}</div>
                  <div className="truncate text-sm text-muted">
                    <code className="font-mono">{t.tokenPrefix}…</code> · {t.scopes.join(', ')} · {t.expiresAt ? `expires ${formatDay(t.expiresAt)}` : 'no expiry'} ·{' '}
                    {t.lastUsedAt ? `last used ${formatWhen(t.lastUsedAt)}` : 'never used'}
                  </div>
                </div>
                <Button
                  size="sm"
                  disabled={revoking}
                  onClick={() => {
                    if (!window.confirm(`Revoke “${t.name}”? Anything using it stops working.`)) return;
                    void revoke(async () => {
                      await api.revokeToken(t.id);
                      tokens.setData((tokens.data ?? []).filter((x) => x.id !== t.id));
                    });
                  }}
                >
                  Revoke
                </Button>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
});
