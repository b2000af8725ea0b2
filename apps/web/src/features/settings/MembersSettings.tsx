/**
 * Members: everyone in the workspace with their role (owners and admins change roles and remove
 * people; the server's rules decide, and its refusals — your own role, the last owner, owner
 * roles for admins — are shown as it words them, next to the member), invitations by e-mail and
 * the pending ones (revoke).
 */
import { observer } from 'mobx-react-lite';
import { type FormEvent, useState } from 'react';
import { useStore } from '../../store/context.tsx';
import { Button, inputClass } from '../../ui/Button.tsx';
import { Avatar } from '../../ui/icons.tsx';
import * as api from './api.ts';
import { Empty, ErrorText, Field, formatDay, LoadingRows, messageOf, PageTitle, Section, selectClass, useAction, useIsAdmin, useLoad } from './kit.tsx';

const ROLE_LABELS: Record<api.Role, string> = { owner: 'Owner', admin: 'Admin', member: 'Member', guest: 'Guest' };

/** The screen. */
export const MembersSettings = observer(function MembersSettings() {
  const store = useStore();
  const isAdmin = useIsAdmin();
  const members = useLoad(api.listMembers);
  const invitations = useLoad(() => (isAdmin ? api.listInvitations() : Promise.resolve([])), [isAdmin]);
  const [rowError, setRowError] = useState<{ userId: string; message: string } | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<api.Role>('member');
  const [invite, inviting, inviteError] = useAction();
  const [revoke, , revokeError] = useAction();
  const [filter, setFilter] = useState('');
  const me = store.userId;

  const changeRole = async (m: api.Member, next: api.Role) => {
    setRowError(null);
    try {
      const updated = await api.updateMemberRole(m.userId, next);
      members.setData((members.data ?? []).map((x) => (x.userId === m.userId ? updated : x)));
      store.ui.toast(`${m.name || m.email} is now ${ROLE_LABELS[updated.role].toLowerCase()}`);
    } catch (err) {
      setRowError({ userId: m.userId, message: messageOf(err) });
    }
  };
  const remove = async (m: api.Member) => {
    if (!window.confirm(`Remove ${m.name || m.email} from the workspace? Their tokens stop working.`)) return;
    setRowError(null);
    try {
      await api.removeMember(m.userId);
      members.setData((members.data ?? []).filter((x) => x.userId !== m.userId));
    } catch (err) {
      setRowError({ userId: m.userId, message: messageOf(err) });
    }
  };
  const sendInvite = (e: FormEvent) => {
    e.preventDefault();
    void invite(async () => {
      const inv = await api.createInvitation(email.trim(), role);
      invitations.setData([inv, ...(invitations.data ?? []).filter((i) => i.id !== inv.id)]);
      store.ui.toast(`Invitation sent to ${inv.email}`);
      setEmail('');
    });
  };

  const q = filter.trim().toLowerCase();
  const shown = (members.data ?? []).filter((m) => !q || m.name.toLowerCase().includes(q) || m.email.toLowerCase().includes(q));
  const pending = (invitations.data ?? []).filter((i) => i.status === 'pending');

  return (
    <>
      <PageTitle title="Members" description="People in this workspace and what they may do." />
      {isAdmin && (
        <Section title="Invite people" description="They get an e-mail with a link to join." testId="invite">
          <form className="flex flex-wrap items-end gap-2" onSubmit={sendInvite}>
            <div className="min-w-[220px] flex-1">
              <Field label="E-mail">
                <input className={inputClass} type="email" value={email} maxLength={254} required onChange={(e) => setEmail(e.target.value)} placeholder="name@example.com" />
              </Field>
            </div>
            <Field label="Role">
              <select className={selectClass} value={role} onChange={(e) => setRole(e.target.value as api.Role)}>
                {(['admin', 'member', 'guest'] as const).map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABELS[r]}
                  </option>
                ))}
              </select>
            </Field>
            <Button type="submit" variant="primary" className="h-8" disabled={inviting || !email.trim()}>
              {inviting ? 'Sending…' : 'Send invitation'}
            </Button>
          </form>
          <div className="mt-3">
            <ErrorText error={inviteError} />
          </div>
          {pending.length > 0 && (
            <ul className="mt-4 divide-y divide-line rounded-lg border border-line" aria-label="Pending invitations">
              {pending.map((i) => (
                <li key={i.id} className="flex items-center gap-3 px-4 py-2.5" data-testid="invitation-row">
                  <div className="min-w-0 flex-1">
                    <div className="truncate">{i.email}</div>
                    <div className="text-sm text-muted">
                      {ROLE_LABELS[i.role]} · invited {formatDay(i.createdAt)} · expires {formatDay(i.expiresAt)}
                    </div>
                  </div>
                  <Button
                    size="sm"
                    onClick={() =>
                      void revoke(async () => {
                        await api.revokeInvitation(i.id);
                        invitations.setData((invitations.data ?? []).filter((x) => x.id !== i.id));
                      })
                    }
                  >
                    Revoke
                  </Button>
                </li>
              ))}
            </ul>
          )}
          <div className="mt-2">
            <ErrorText error={revokeError} />
          </div>
        </Section>
      )}
      <Section
        title={`Members${members.data ? ` (${members.data.length})` : ''}`}
        testId="members"
        actions={
          <div className="w-48 shrink-0">
            <input className={inputClass} aria-label="Filter members" placeholder="Filter…" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </div>
        }
      >
        <ErrorText error={members.error} />
        {!members.data && !members.error && <LoadingRows what="members" rowHeight={57} />}
        {members.data && shown.length === 0 && <Empty>No member matches “{filter}”.</Empty>}
        <ul className={shown.length ? 'divide-y divide-line rounded-lg border border-line' : 'hidden'}>
          {shown.map((m) => (
            <li key={m.userId} className="px-4 py-2.5" data-testid="member-row" data-email={m.email}>
              <div className="flex items-center gap-3">
                {m.avatarUrl ? <img src={m.avatarUrl} alt="" className="h-7 w-7 rounded-full object-cover" /> : <Avatar name={m.name || m.email} size={28} />}
                <div className="min-w-0 flex-1">
                  <div className="truncate font-medium">
                    {m.name || m.email}
                    {m.userId === me && <span className="ml-2 text-sm font-normal text-muted">(you)</span>}
                  </div>
                  <div className="truncate text-sm text-muted">{m.email}</div>
                </div>
                {isAdmin ? (
                  <select
                    className={selectClass}
                    aria-label={`Role of ${m.name || m.email}`}
                    value={m.role}
                    onChange={(e) => void changeRole(m, e.target.value as api.Role)}
                  >
                    {api.ROLES.map((r) => (
                      <option key={r} value={r}>
                        {ROLE_LABELS[r]}
                      </option>
                    ))}
                  </select>
                ) : (
                  <span className="text-sm text-muted">{ROLE_LABELS[m.role]}</span>
                )}
                {isAdmin && m.userId !== me && (
                  <Button size="sm" variant="ghost" aria-label={`Remove ${m.name || m.email}`} onClick={() => void remove(m)}>
                    Remove
                  </Button>
                )}
              </div>
              {rowError?.userId === m.userId && (
                <div className="mt-2">
                  <ErrorText error={rowError.message} testId="member-error" />
                </div>
              )}
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
});
