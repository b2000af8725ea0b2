/**
 * `/$workspace/view/$viewId`: a saved view — its team's issues (or every readable issue for a
 * workspace view) through its filter and display options. Changing filters or display puts the
 * changes in the URL; "Save changes" writes them to the view (when the user may), "Reset" drops them.
 */
import { DEFAULT_VIEW_DISPLAY } from '@exponential/domain';
import { useNavigate, useParams } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import type { Issue } from '../../api/types.ts';
import { go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { displayDiff, resolveDisplay } from '../../store/filters.ts';
import { viewsOf } from '../../store/views.ts';
import { Button } from '../../ui/Button.tsx';
import { Menu } from '../../ui/Menu.tsx';
import { IssuesScreen } from '../issues/list/IssuesScreen.tsx';
import type { ListScope } from '../issues/list/model.ts';
import { TeamBadge } from '../shell/Sidebar.tsx';
import { ViewGlyph } from './SidebarViews.tsx';

const message = (err: unknown) => (err instanceof ApiError || err instanceof Error ? err.message : String(err));

/** The saved view screen. */
export const ViewScreen = observer(function ViewScreen() {
  const store = useStore();
  const views = viewsOf(store);
  const navigate = useNavigate();
  const { viewId } = useParams({ strict: false }) as { viewId?: string };
  const [busy, setBusy] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again when the workspace changes
  useEffect(() => {
    void views.load();
  }, [views, store.workspace]);
  const view = views.get(viewId);
  const team = view?.teamId ? store.teams.get(view.teamId) : undefined;
  useEffect(() => {
    if (view) document.title = `${view.name} · exponential`;
  }, [view]);
  const baseDisplay = useMemo(() => resolveDisplay(view?.display, DEFAULT_VIEW_DISPLAY), [view?.display]);
  const teamId = view?.teamId ?? undefined;
  const scope = useMemo<ListScope>(() => ({ key: teamId ? `team:${teamId}` : 'all', teamId, pick: teamId ? (i: Issue) => i.teamId === teamId : undefined }), [teamId]);

  if (!view) {
    if (views.state === 'loading' || views.state === 'idle') return <div className="flex-1" aria-busy="true" />;
    return (
      <div className="m-auto text-center" data-testid="view-missing">
        <div className="text-lg font-medium">View not found</div>
        <p className="text-muted">It was deleted, or it is not shared with you.</p>
      </div>
    );
  }
  const reset = () => void navigate({ to: '.', search: {}, replace: true } as never);
  return (
    <IssuesScreen
      key={view.id}
      heading={
        <>
          {team ? <TeamBadge team={team} size={18} /> : <ViewGlyph />}
          <h1 className="truncate font-medium" data-testid="view-title">
            {view.name}
          </h1>
          <span className="hidden rounded border border-line px-1.5 text-xs text-muted sm:inline">{view.isPersonal ? 'Personal' : team ? `Shared with ${team.name}` : 'Shared'}</span>
        </>
      }
      scope={scope}
      baseDisplay={baseDisplay}
      baseFilter={view.filter}
      createDefaults={{ teamId }}
      emptyText="No issues match this view yet."
      actions={({ filter, display, modified }) => (
        <>
          {modified && (
            <>
              <Button size="sm" variant="ghost" onClick={reset}>
                Reset
              </Button>
              {view.canEdit && (
                <Button
                  size="sm"
                  variant="primary"
                  disabled={busy}
                  data-testid="view-save-changes"
                  onClick={async () => {
                    setBusy(true);
                    try {
                      await views.update(view.id, { filter: filter ?? { and: [] }, display: { ...baseDisplay, ...(displayDiff(display, baseDisplay) ?? {}) } });
                      reset();
                      store.ui.toast(`Saved “${view.name}”`);
                    } catch (err) {
                      store.ui.toast(`Could not save the view: ${message(err)}`, 'error');
                    } finally {
                      setBusy(false);
                    }
                  }}
                >
                  Save changes
                </Button>
              )}
            </>
          )}
          {view.canEdit && (
            <Menu
              label="View actions"
              align="right"
              width="w-48"
              items={[
                {
                  id: 'delete',
                  label: 'Delete view',
                  onSelect: async () => {
                    try {
                      await views.remove(view.id);
                      store.ui.toast(`Deleted view “${view.name}”`);
                      if (store.workspace) go(team ? paths.team(store.workspace.urlSlug, team.key, 'all') : paths.myIssues(store.workspace.urlSlug), { replace: true });
                    } catch (err) {
                      store.ui.toast(`Could not delete the view: ${message(err)}`, 'error');
                    }
                  },
                },
              ]}
              trigger={(p) => (
                <button type="button" {...p} aria-label="View actions" className="flex h-7 w-7 items-center justify-center rounded-md text-muted hover:bg-hover hover:text-fg">
                  ⋯
                </button>
              )}
            />
          )}
        </>
      )}
    />
  );
});
