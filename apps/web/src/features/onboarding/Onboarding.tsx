/**
 * Onboarding: a signed-in user without a workspace (or making another) creates one with its
 * first team. The URL slug and team key are suggested from the names and stay editable. Pending
 * invitations to the user's address are offered above the form ("Join").
 */
import { observer } from 'mobx-react-lite';
import { type FormEvent, useId, useState } from 'react';
import { ApiError, type FieldError } from '../../api/client.ts';
import { createWorkspace } from '../../api/endpoints.ts';
import { go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { Button, inputClass } from '../../ui/Button.tsx';
import { Logo } from '../shell/Logo.tsx';
import { Splash, useRequireSession } from '../shell/Root.tsx';
import { PendingInvitations } from './Invite.tsx';
import { slugify, teamKeyFor } from './names.ts';

/** The onboarding screen. */
export const Onboarding = observer(function Onboarding() {
  const store = useStore();
  const signedIn = useRequireSession();
  const fieldId = useId();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [teamName, setTeamName] = useState('Engineering');
  const [teamKey, setTeamKey] = useState('ENG');
  const [keyEdited, setKeyEdited] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);

  if (!signedIn) return <Splash />;
  const first = (store.me?.workspaces.length ?? 0) === 0;
  const effectiveSlug = slugEdited ? slug : slugify(name);
  const errorFor = (field: string) => fieldErrors.find((f) => f.field.endsWith(`/${field}`))?.message;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors([]);
    try {
      const res = await createWorkspace({
        name: name.trim(),
        ...(effectiveSlug ? { urlSlug: effectiveSlug } : {}),
        teamName: teamName.trim(),
        teamKey: teamKey.trim(),
      });
      await store.refreshMe();
      go(paths.team(res.workspace.urlSlug, res.team.key, 'all'), { replace: true });
    } catch (err) {
      if (err instanceof ApiError) {
        setError(err.message);
        setFieldErrors(err.fieldErrors);
      } else setError('Something went wrong. Try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex min-h-full items-center justify-center bg-bg px-4 py-10">
      <div className="w-[420px]">
        <div className="mb-8 flex flex-col items-center gap-3 text-center">
          <Logo size={40} />
          <h1 className="text-xl font-semibold">{first ? 'Create your workspace' : 'Create a new workspace'}</h1>
          <p className="text-muted">Workspaces hold your teams, issues and members. You can change these later.</p>
        </div>
        <div className="mb-6 empty:hidden">
          <PendingInvitations />
        </div>
        <form className="flex flex-col gap-4 rounded-lg border border-line bg-elevated p-6 shadow-sm" onSubmit={submit}>
          <Field label="Workspace name" htmlFor={`${fieldId}-workspaceName`} error={errorFor('name')}>
            <input
              className={inputClass}
              id={`${fieldId}-workspaceName`}
              name="workspaceName"
              required
              maxLength={100}
              autoFocus
              placeholder="Acme Inc."
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </Field>
          <Field label="Workspace URL" htmlFor={`${fieldId}-urlSlug`} error={errorFor('urlSlug')}>
            <div className="flex items-center rounded-md border border-line bg-subtle focus-within:border-accent">
              <span className="pl-2.5 text-muted">{window.location.host}/</span>
              <input
                className="h-8 min-w-0 flex-1 bg-transparent pr-2.5 outline-none"
                id={`${fieldId}-urlSlug`}
                name="urlSlug"
                maxLength={48}
                placeholder="acme"
                value={effectiveSlug}
                onChange={(e) => {
                  setSlugEdited(true);
                  setSlug(e.target.value.toLowerCase());
                }}
              />
            </div>
          </Field>
          <div className="grid grid-cols-[1fr_110px] gap-3">
            <Field label="First team" htmlFor={`${fieldId}-teamName`} error={errorFor('teamName')}>
              <input
                className={inputClass}
                id={`${fieldId}-teamName`}
                name="teamName"
                required
                maxLength={100}
                value={teamName}
                onChange={(e) => {
                  setTeamName(e.target.value);
                  if (!keyEdited) setTeamKey(teamKeyFor(e.target.value));
                }}
              />
            </Field>
            <Field label="Team key" htmlFor={`${fieldId}-teamKey`} error={errorFor('teamKey')}>
              <input
                className={`${inputClass} font-mono uppercase`}
                id={`${fieldId}-teamKey`}
                name="teamKey"
                required
                maxLength={7}
                pattern="[A-Za-z][A-Za-z0-9]{0,6}"
                title="1–7 letters or digits, starting with a letter"
                value={teamKey}
                onChange={(e) => {
                  setKeyEdited(true);
                  setTeamKey(e.target.value.toUpperCase());
                }}
              />
            </Field>
          </div>
          <p className="-mt-2 text-sm text-faint">Issue IDs start with the team key, e.g. {teamKey || 'ENG'}-1.</p>
          {error && (
            <p role="alert" className="text-sm text-danger">
              {error}
            </p>
          )}
          <Button type="submit" variant="primary" className="h-9" disabled={busy || !name.trim() || !teamName.trim() || !teamKey}>
            {busy ? 'Creating…' : 'Create workspace'}
          </Button>
        </form>
        {!first && (
          <div className="mt-4 text-center">
            <Button variant="ghost" onClick={() => history.back()}>
              Cancel
            </Button>
          </div>
        )}
      </div>
    </div>
  );
});

/** A labelled form field; `htmlFor` is the id of the input inside `children`. */
function Field({ label, htmlFor, error, children }: { label: string; htmlFor: string; error?: string; children: React.ReactNode }) {
  return (
    <label className="flex flex-col gap-1.5" htmlFor={htmlFor}>
      <span className="text-sm font-medium text-muted">{label}</span>
      {children}
      {error && <span className="text-sm text-danger">{error}</span>}
    </label>
  );
}
