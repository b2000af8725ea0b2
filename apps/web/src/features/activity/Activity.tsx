/**
 * The issue's activity: history events interleaved with comment threads in time order (oldest
 * first, as Linear), then the composer. Each change is a line of its own.
 */
import { observer } from 'mobx-react-lite';
import type { HistoryEvent } from '../../api/details.ts';
import type { Issue } from '../../api/types.ts';
import { useStore } from '../../store/context.tsx';
import { Avatar } from '../../ui/icons.tsx';
import { CommentThread } from '../comments/CommentThread.tsx';
import { Composer } from '../comments/Composer.tsx';
import { labelName } from '../pickers/options.tsx';
import { describeEvent, type NameLookup, timeAgo } from './describe.ts';

const exact = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

type Entry = { kind: 'history'; at: string; events: HistoryEvent[] } | { kind: 'thread'; at: string; id: string };

/** The activity feed and composer. */
export const Activity = observer(function Activity({ issue }: { issue: Issue }) {
  const store = useStore();
  const { details } = store;
  const names: NameLookup = {
    state: (id) => store.states.get(id)?.name,
    user: (id) => {
      const u = store.users.get(id);
      return u ? u.name || u.email : undefined;
    },
    label: (id) => {
      const l = store.labels.get(id);
      return l ? labelName(store, l) : undefined;
    },
    team: (id) => store.teams.get(id)?.name,
    issue: (id) => details.summary(id)?.identifier,
  };
  const threads = details.threadsOf(issue.id);
  const history = details.history.by(issue.id).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));

  // One line per event (an event already holds every field one save changed).
  const entries: Entry[] = history.map((h) => ({ kind: 'history', at: h.createdAt, events: [h] }));
  for (const t of threads) entries.push({ kind: 'thread', at: t.root.createdAt, id: t.root.id });
  entries.sort((a, b) => a.at.localeCompare(b.at));
  const loading = details.load.get(issue.id) === 'loading' && !history.length;

  return (
    <section className="mt-10 border-t border-line pt-5" aria-label="Activity" data-testid="activity">
      <h2 className="mb-3 text-sm font-medium text-muted">Activity</h2>
      {loading && <p className="text-sm text-faint">Loading activity…</p>}
      <ol className="flex flex-col gap-3">
        {entries.map((e) => {
          if (e.kind === 'thread') {
            const t = threads.find((x) => x.root.id === e.id);
            return t ? (
              <li key={e.id}>
                <CommentThread root={t.root} replies={t.replies} />
              </li>
            ) : null;
          }
          const first = e.events[0]!;
          const lines = e.events.flatMap((ev) => describeEvent(ev, names));
          if (!lines.length) return null;
          const who = first.actor?.name || 'Someone';
          const at = e.events[e.events.length - 1]!.createdAt;
          return (
            <li key={first.id} className="flex items-start gap-2 px-1 text-sm text-muted" data-testid="history-entry">
              <Avatar name={first.actor ? who : null} size={16} />
              <p className="min-w-0 flex-1">
                <span className="font-medium text-fg">{who}</span> {lines.join(', ')}
                <span className="text-faint"> · </span>
                <time className="text-faint" dateTime={at} title={exact.format(new Date(at))}>
                  {timeAgo(at)}
                </time>
              </p>
            </li>
          );
        })}
      </ol>
      <div className="mt-5">
        <Composer issueId={issue.id} />
      </div>
    </section>
  );
});
