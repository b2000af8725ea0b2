/**
 * The audit log (owners and admins): security-relevant events newest first — who, what, on what,
 * from where — with an exact action filter and "load more" through the cursor.
 */
import { observer } from 'mobx-react-lite';
import { useState } from 'react';
import { Button, inputClass } from '../../ui/Button.tsx';
import * as api from './api.ts';
import { AdminOnly, Empty, ErrorText, formatWhen, messageOf, PageTitle, useIsAdmin, useLoad } from './kit.tsx';

/** Metadata as a short readable line: a change as `member → admin`, then the other facts. */
export function describeMetadata(m: Record<string, unknown>): string {
  const fmt = (v: unknown) => (Array.isArray(v) ? v.join(', ') : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));
  const parts: string[] = [];
  if ('from' in m && 'to' in m) parts.push(`${fmt(m.from ?? 'none')} → ${fmt(m.to ?? 'none')}`);
  for (const [k, v] of Object.entries(m)) {
    if (k === 'from' || k === 'to' || v === null || v === undefined || v === '') continue;
    parts.push(`${k}: ${fmt(v)}`);
  }
  return parts.join(' · ');
}

/** The screen. */
export const AuditLog = observer(function AuditLog() {
  const isAdmin = useIsAdmin();
  const [action, setAction] = useState('');
  const [applied, setApplied] = useState('');
  const [more, setMore] = useState<{ rows: api.AuditEvent[]; cursor: string | null; error: string | null; busy: boolean }>({ rows: [], cursor: null, error: null, busy: false });
  const first = useLoad(async () => {
    if (!isAdmin) return { data: [] as api.AuditEvent[], nextCursor: null };
    const page = await api.listAuditEvents(applied ? { action: applied } : {});
    setMore({ rows: [], cursor: page.nextCursor ?? null, error: null, busy: false });
    return page;
  }, [applied, isAdmin]);
  if (!isAdmin) return <AdminOnly what="read the audit log" />;
  const rows = [...(first.data?.data ?? []), ...more.rows];

  const loadMore = async () => {
    if (!more.cursor) return;
    setMore((m) => ({ ...m, busy: true }));
    try {
      const page = await api.listAuditEvents({ cursor: more.cursor, ...(applied ? { action: applied } : {}) });
      setMore((m) => ({ rows: [...m.rows, ...page.data], cursor: page.nextCursor ?? null, error: null, busy: false }));
    } catch (err) {
      setMore((m) => ({ ...m, error: messageOf(err), busy: false }));
    }
  };

  return (
    <>
      <PageTitle title="Audit log" description="Sign-ins, role changes, tokens, invitations and other security events." />
      <form
        className="mt-4 flex items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(action.trim());
        }}
      >
        <input
          className={`${inputClass} max-w-xs`}
          aria-label="Filter by action"
          placeholder="Action, e.g. member.role_changed"
          value={action}
          onChange={(e) => setAction(e.target.value)}
        />
        <Button type="submit">Filter</Button>
        {applied && (
          <Button
            variant="ghost"
            onClick={() => {
              setAction('');
              setApplied('');
            }}
          >
            Clear
          </Button>
        )}
      </form>
      <div className="mt-4">
        <ErrorText error={first.error ?? more.error} />
        {!first.loading && rows.length === 0 && <Empty>{applied ? `No “${applied}” events.` : 'Nothing recorded yet.'}</Empty>}
        {rows.length > 0 && (
          <div className="overflow-x-auto rounded-lg border border-line">
            <table className="w-full text-left text-sm" data-testid="audit-table">
              <thead className="bg-subtle text-muted">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">
                    When
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Who
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Action
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Details
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {rows.map((e) => (
                  <tr key={e.id} className="align-top" data-testid="audit-row">
                    <td className="px-3 py-2 whitespace-nowrap text-muted">{formatWhen(e.createdAt)}</td>
                    <td className="px-3 py-2">{e.actor ? e.actor.name || e.actor.email : <span className="text-muted">System</span>}</td>
                    <td className="px-3 py-2">
                      <code className="font-mono">{e.action}</code>
                    </td>
                    <td className="px-3 py-2 text-muted">
                      {describeMetadata(e.metadata)}
                      {e.ip && <span className="block text-faint">{e.ip}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {more.cursor && (
          <div className="mt-3">
            <Button disabled={more.busy} onClick={() => void loadMore()}>
              {more.busy ? 'Loading…' : 'Load more'}
            </Button>
          </div>
        )}
      </div>
    </>
  );
});
