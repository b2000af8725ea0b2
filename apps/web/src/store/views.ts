/**
 * Saved views (`/api/v1/views`): a name, a filter tree and display options, personal or shared
 * with a team (or the workspace). Views are not part of sync, so the list is read over REST when
 * the workspace opens and kept current by this client's own writes.
 */
import type { FilterNode, ViewDisplay } from '@exponential/domain';
import { action, makeObservable, observable, observableRef, runInAction } from 'mobx';
import { request, uuid } from '../api/client.ts';
import type { RootStore } from './root.ts';

/** A saved view as the API presents it. */
export interface SavedView {
  id: string;
  name: string;
  teamId: string | null;
  ownerId: string | null;
  isPersonal: boolean;
  filter: FilterNode;
  display: Partial<ViewDisplay>;
  /** Whether this user may rename, change or delete it. */
  canEdit: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Fields of a new view. */
export interface NewView {
  name: string;
  teamId: string | null;
  isPersonal: boolean;
  filter: FilterNode;
  display: Partial<ViewDisplay>;
}

/** The saved views of the current workspace. */
export class ViewsStore {
  views: SavedView[] = [];
  state: 'idle' | 'loading' | 'loaded' | 'error' = 'idle';
  private workspaceId: string | null = null;

  constructor(private readonly root: RootStore) {
    makeObservable(this, { views: observableRef, state: observable, put: action, drop: action });
  }

  /** Loads the views of the current workspace (once per workspace unless `force`). */
  async load(force = false): Promise<void> {
    const ws = this.root.workspace?.id ?? null;
    if (!ws) return;
    if (!force && this.workspaceId === ws && this.state !== 'error') return;
    this.workspaceId = ws;
    runInAction(() => (this.state = 'loading'));
    try {
      const res = await request<{ data: SavedView[] }>('GET', '/api/v1/views');
      if (this.root.workspace?.id !== ws) return;
      runInAction(() => {
        this.views = res.data;
        this.state = 'loaded';
      });
    } catch {
      runInAction(() => (this.state = 'error'));
    }
  }

  /** A view by id. */
  get(id: string | undefined): SavedView | undefined {
    return id ? this.views.find((v) => v.id === id) : undefined;
  }

  /** Views sorted by name: personal ones and shared ones. */
  sorted(): SavedView[] {
    return [...this.views].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Inserts or replaces a view in the list. */
  put(v: SavedView): void {
    const at = this.views.findIndex((x) => x.id === v.id);
    this.views = at < 0 ? [...this.views, v] : this.views.map((x) => (x.id === v.id ? v : x));
  }

  /** Removes a view from the list. */
  drop(id: string): void {
    this.views = this.views.filter((v) => v.id !== id);
  }

  /**
   * Saves a new view (`POST /views`).
   * @throws ApiError (422 for an invalid filter, 403 for a guest sharing a view, 404 for an unknown team)
   */
  async create(input: NewView): Promise<SavedView> {
    const v = await request<SavedView>('POST', '/api/v1/views', { body: { id: uuid(), ...input } });
    this.put(v);
    return v;
  }

  /**
   * Changes a view (`PATCH /views/:id`).
   * @throws ApiError (403 when the user may not change it, 404, 422)
   */
  async update(id: string, patch: Partial<Pick<NewView, 'name' | 'isPersonal' | 'filter' | 'display'>>): Promise<SavedView> {
    const v = await request<SavedView>('PATCH', `/api/v1/views/${encodeURIComponent(id)}`, { body: patch });
    this.put(v);
    return v;
  }

  /**
   * Deletes a view.
   * @throws ApiError (403, 404)
   */
  async remove(id: string): Promise<void> {
    await request<void>('DELETE', `/api/v1/views/${encodeURIComponent(id)}`);
    this.drop(id);
  }
}

const perStore = new WeakMap<RootStore, ViewsStore>();

/** The saved views store of a root store. */
export function viewsOf(root: RootStore): ViewsStore {
  let v = perStore.get(root);
  if (!v) {
    v = new ViewsStore(root);
    perStore.set(root, v);
  }
  return v;
}
