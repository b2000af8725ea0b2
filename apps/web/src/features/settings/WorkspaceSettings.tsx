/** General workspace settings: its name and URL slug (owners and admins). */
import { observer } from 'mobx-react-lite';
import { type FormEvent, useState } from 'react';
import { updateWorkspace } from '../../api/endpoints.ts';
import { go } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { Button, inputClass } from '../../ui/Button.tsx';
import { AdminOnly, ErrorText, Field, PageTitle, Section, useAction, useIsAdmin } from './kit.tsx';
import { settingsPath } from './sections.ts';

/** The screen. */
export const WorkspaceSettings = observer(function WorkspaceSettings() {
  const store = useStore();
  const ws = store.workspace!;
  const isAdmin = useIsAdmin();
  const [name, setName] = useState(ws.name);
  const [slug, setSlug] = useState(ws.urlSlug);
  const [run, busy, error] = useAction();
  const dirty = name.trim() !== ws.name || slug !== ws.urlSlug;

  const save = (e: FormEvent) => {
    e.preventDefault();
    const body: { name?: string; urlSlug?: string } = {};
    if (name.trim() !== ws.name) body.name = name.trim();
    if (slug !== ws.urlSlug) body.urlSlug = slug;
    void run(async () => {
      const updated = await updateWorkspace(body);
      store.applyOps([{ entity: 'workspace', id: updated.id, action: 'update', data: updated }]);
      store.ui.toast('Workspace updated');
      if (updated.urlSlug !== ws.urlSlug) go(settingsPath(updated.urlSlug, 'workspace'), { replace: true });
    });
  };

  return (
    <>
      <PageTitle title="General" description="Your workspace's name and address." />
      <Section title="Workspace">
        <form className="flex flex-col gap-4" onSubmit={save}>
          <Field label="Name">
            <input className={inputClass} value={name} maxLength={100} required disabled={!isAdmin} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="URL" hint={`${window.location.origin}/${slug || '…'}`}>
            <input
              className={inputClass}
              value={slug}
              maxLength={48}
              required
              pattern="[a-z0-9][a-z0-9-]*"
              title="Lower-case letters, digits and dashes"
              disabled={!isAdmin}
              onChange={(e) => setSlug(e.target.value.toLowerCase().replace(/[^a-z0-9-]/g, '-'))}
            />
          </Field>
          {!isAdmin && <AdminOnly what="rename the workspace or change its URL" />}
          <ErrorText error={error} />
          {isAdmin && (
            <div>
              <Button type="submit" variant="primary" disabled={busy || !dirty}>
                {busy ? 'Saving…' : 'Save'}
              </Button>
            </div>
          )}
        </form>
      </Section>
    </>
  );
});
