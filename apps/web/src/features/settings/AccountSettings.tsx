/**
 * My account: profile (name and avatar URL, `PATCH /me`, shown in every workspace at once),
 * appearance (light, dark or system, on this device) and the session (sign out, leave the
 * workspace).
 */
import { runInAction } from 'mobx';
import { observer } from 'mobx-react-lite';
import { type FormEvent, useState } from 'react';
import { go } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { getThemePreference, setThemePreference, type ThemePreference } from '../../theme.ts';
import { Button, inputClass } from '../../ui/Button.tsx';
import { Avatar } from '../../ui/icons.tsx';
import * as api from './api.ts';
import { ErrorText, Field, PageTitle, Section, useAction } from './kit.tsx';

const THEMES: [ThemePreference, string, string][] = [
  ['system', 'System', 'Follows your device'],
  ['light', 'Light', 'Always light'],
  ['dark', 'Dark', 'Always dark'],
];

/** The screen. */
export const AccountSettings = observer(function AccountSettings() {
  const store = useStore();
  const me = store.me!;
  const [name, setName] = useState(me.user.name);
  const [avatarUrl, setAvatarUrl] = useState(me.user.avatarUrl ?? '');
  const [theme, setTheme] = useState<ThemePreference>(getThemePreference());
  const [run, busy, error] = useAction();
  const [leave, leaving, leaveError] = useAction();
  const dirty = name.trim() !== me.user.name || (avatarUrl.trim() || null) !== me.user.avatarUrl;
  const ws = store.workspace!;
  const role = me.workspaces.find((w) => w.id === ws.id)?.role;

  const save = (e: FormEvent) => {
    e.preventDefault();
    const body: { name?: string; avatarUrl?: string | null } = {};
    if (name.trim() !== me.user.name) body.name = name.trim();
    if ((avatarUrl.trim() || null) !== me.user.avatarUrl) body.avatarUrl = avatarUrl.trim() || null;
    void run(async () => {
      const u = await api.updateMe(body);
      runInAction(() => {
        store.setMe({ ...store.me!, user: { ...store.me!.user, name: u.name, avatarUrl: u.avatarUrl } });
      });
      setName(u.name);
      setAvatarUrl(u.avatarUrl ?? '');
      store.ui.toast('Profile updated');
    });
  };

  return (
    <>
      <PageTitle title="My account" description={me.user.email} />
      <Section title="Profile" description="How you appear to others in every workspace you belong to.">
        <form className="flex flex-col gap-4" onSubmit={save}>
          <div className="flex items-center gap-3">
            {me.user.avatarUrl ? (
              <img src={me.user.avatarUrl} alt="" className="h-12 w-12 rounded-full border border-line object-cover" />
            ) : (
              <Avatar name={me.user.name || me.user.email} size={48} />
            )}
            <div className="text-muted">
              <div className="font-medium text-fg">{me.user.name || me.user.email}</div>
              <div className="text-sm">{role ? `${role[0]!.toUpperCase()}${role.slice(1)} of ${ws.name}` : ''}</div>
            </div>
          </div>
          <Field label="Name">
            <input className={inputClass} value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} autoComplete="name" />
          </Field>
          <Field label="Avatar URL" hint="An https:// image address, or empty for initials.">
            <input
              className={inputClass}
              value={avatarUrl}
              maxLength={2048}
              type="url"
              inputMode="url"
              placeholder="https://…"
              onChange={(e) => setAvatarUrl(e.target.value)}
            />
          </Field>
          <ErrorText error={error} />
          <div>
            <Button type="submit" variant="primary" disabled={busy || !dirty || !name.trim()}>
              {busy ? 'Saving…' : 'Save profile'}
            </Button>
          </div>
        </form>
      </Section>
      <Section title="Appearance" description="Choose how exponential looks to you on this device.">
        <fieldset className="grid min-w-0 grid-cols-3 gap-2 sm:max-w-md" aria-label="Theme">
          {THEMES.map(([value, label, hint]) => (
            <label
              key={value}
              className={`relative flex cursor-pointer flex-col items-start rounded-lg border px-3 py-2 text-left ${theme === value ? 'border-accent bg-accent-soft' : 'border-line hover:bg-hover'}`}
            >
              <input
                type="radio"
                name="theme"
                value={value}
                className="absolute inset-0 size-full cursor-pointer appearance-none rounded-lg outline-accent focus-visible:outline-2"
                checked={theme === value}
                onChange={() => {
                  setTheme(value);
                  setThemePreference(value);
                }}
              />
              <span className="font-medium">{label}</span>
              <span className="text-sm text-muted">{hint}</span>
            </label>
          ))}
        </fieldset>
      </Section>
      <Section title="Session">
        <div className="flex flex-wrap items-center gap-2">
          <Button onClick={() => void store.signOut()}>Sign out</Button>
          <Button
            variant="ghost"
            className="text-danger! hover:bg-danger/10"
            disabled={leaving}
            onClick={() => {
              if (!window.confirm(`Leave ${ws.name}? You will lose access to its issues.`)) return;
              void leave(async () => {
                await api.leaveWorkspace();
                await store.refreshMe();
                go('/', { replace: true });
              });
            }}
          >
            Leave {ws.name}
          </Button>
        </div>
        <div className="mt-3">
          <ErrorText error={leaveError} />
        </div>
      </Section>
    </>
  );
});
