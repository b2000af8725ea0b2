/**
 * Settings (a lazy chunk): appearance (light / dark / system), the workspace's name and URL, and
 * the account with sign-out.
 */
import { observer } from 'mobx-react-lite';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { updateWorkspace } from '../../api/endpoints.ts';
import { go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { getThemePreference, setThemePreference, type ThemePreference } from '../../theme.ts';
import { Button, inputClass } from '../../ui/Button.tsx';

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <section className="border-b border-line py-6 last:border-0">
      <h2 className="text-lg font-medium">{title}</h2>
      {description && <p className="mt-0.5 text-muted">{description}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

const THEMES: [ThemePreference, string][] = [
  ['system', 'System'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

/** `/$workspace/settings`. */
export const Settings = observer(function Settings() {
  const store = useStore();
  const ws = store.workspace;
  const [theme, setTheme] = useState<ThemePreference>(getThemePreference());
  const [name, setName] = useState(ws?.name ?? '');
  const [slug, setSlug] = useState(ws?.urlSlug ?? '');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'Settings · exponential';
  }, []);
  if (!ws || !store.me) return null;
  const isAdmin = store.me.workspaces.find((w) => w.id === ws.id)?.role !== 'member';

  const saveWorkspace = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const body: { name?: string; urlSlug?: string } = {};
      if (name.trim() !== ws.name) body.name = name.trim();
      if (slug !== ws.urlSlug) body.urlSlug = slug;
      if (!Object.keys(body).length) return;
      const updated = await updateWorkspace(body);
      store.applyOps([{ entity: 'workspace', id: updated.id, action: 'update', data: updated }]);
      store.ui.toast('Workspace updated');
      if (updated.urlSlug !== ws.urlSlug) go(paths.settings(updated.urlSlug), { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <header className="flex h-12 items-center border-b border-line px-5">
        <h1 className="font-medium">Settings</h1>
      </header>
      <div className="mx-auto max-w-[640px] px-8 py-4">
        <Section title="Appearance" description="Choose how exponential looks to you on this device.">
          <div className="flex gap-2" role="radiogroup" aria-label="Theme">
            {THEMES.map(([value, label]) => (
              <button
                key={value}
                type="button"
                role="radio"
                aria-checked={theme === value}
                onClick={() => {
                  setTheme(value);
                  setThemePreference(value);
                }}
                className={`h-8 rounded-md border px-3 ${theme === value ? 'border-accent bg-accent-soft font-medium text-fg' : 'border-line text-muted hover:bg-hover'}`}
              >
                {label}
              </button>
            ))}
          </div>
        </Section>
        <Section title="Workspace" description={isAdmin ? undefined : 'Only admins can change these.'}>
          <form className="flex flex-col gap-3" onSubmit={saveWorkspace}>
            <label className="flex flex-col gap-1.5">
              <span className="text-sm font-medium text-muted">Name</span>
              <input className={inputClass} value={name} maxLength={100} disabled={!isAdmin} onChange={(e) => setName(e.target.value)} />
            </label>
            <label className="flex flex-col gap-1.5">
              <span className="text-sm font-medium text-muted">URL</span>
              <input
                className={inputClass}
                value={slug}
                maxLength={48}
                disabled={!isAdmin}
                onChange={(e) => setSlug(e.target.value.toLowerCase())}
              />
            </label>
            {error && (
              <p role="alert" className="text-sm text-danger">
                {error}
              </p>
            )}
            {isAdmin && (
              <div>
                <Button type="submit" variant="primary" disabled={saving}>
                  {saving ? 'Saving…' : 'Save'}
                </Button>
              </div>
            )}
          </form>
        </Section>
        <Section title="Account">
          <div className="flex items-center justify-between gap-4">
            <div>
              <div className="font-medium">{store.me.user.name || store.me.user.email}</div>
              <div className="text-muted">{store.me.user.email}</div>
            </div>
            <Button onClick={() => void store.signOut()}>Sign out</Button>
          </div>
        </Section>
      </div>
    </div>
  );
});

export default Settings;
