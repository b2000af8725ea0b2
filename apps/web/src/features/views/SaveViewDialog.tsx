/**
 * Saves the current filter and display options as a view (Linear's "Save view", ⌥V): a name, and
 * whether it is personal or shared with the team (with the workspace on cross-team screens).
 */
import type { FilterNode, ViewDisplay } from '@exponential/domain';
import { observer } from 'mobx-react-lite';
import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { useStore } from '../../store/context.tsx';
import { type SavedView, viewsOf } from '../../store/views.ts';
import { Button, inputClass } from '../../ui/Button.tsx';
import { Modal } from '../../ui/Modal.tsx';

/** What is being saved. */
export interface SaveViewRequest {
  filter: FilterNode | undefined;
  display: ViewDisplay;
  teamId: string | null;
}

/** Props of {@link SaveViewDialog}. */
export interface SaveViewDialogProps {
  request: SaveViewRequest;
  onClose: () => void;
  onSaved: (v: SavedView) => void;
}

/** The save-view dialog. */
export const SaveViewDialog = observer(function SaveViewDialog({ request, onClose, onSaved }: SaveViewDialogProps) {
  const store = useStore();
  const team = request.teamId ? store.teams.get(request.teamId) : undefined;
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!name.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      const v = await viewsOf(store).create({
        name: name.trim(),
        teamId: request.teamId,
        isPersonal: !shared,
        filter: request.filter ?? { and: [] },
        display: request.display,
      });
      onClose();
      onSaved(v);
      store.ui.toast(`Saved view “${v.name}”`);
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal label="Save view" onClose={onClose} width="w-[420px]" testId="save-view-dialog">
      <form
        className="flex flex-col gap-3 p-4"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="text-lg font-medium">Save view</div>
        <label className="flex flex-col gap-1 text-sm text-muted">
          Name
          <input autoFocus className={inputClass} value={name} maxLength={80} onChange={(e) => setName(e.target.value)} placeholder="e.g. My urgent bugs" aria-label="View name" />
        </label>
        <label className="flex items-center gap-2 text-base">
          <input type="checkbox" className="h-3.5 w-3.5 accent-[var(--accent)]" checked={shared} onChange={(e) => setShared(e.target.checked)} />
          Share with {team ? `everyone in ${team.name}` : 'the workspace'}
        </label>
        <p className="text-sm text-faint">{shared ? 'Teammates see it under Views; only you and admins can change it.' : 'Only you see this view.'}</p>
        {error && (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" disabled={!name.trim() || busy}>
            Save view
          </Button>
        </div>
      </form>
    </Modal>
  );
});
