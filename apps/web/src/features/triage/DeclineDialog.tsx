/**
 * The dialog `3` (and a triage row's Decline button) opens: declines the issues into their team's
 * Canceled state, with an optional reason posted as a comment on each (as Linear's decline asks
 * for one, linear-ux.md §8). Enter declines, Shift+Enter starts a new line, Escape cancels.
 */
import { observer } from 'mobx-react-lite';
import { useState } from 'react';
import type { Issue } from '../../api/types.ts';
import { useStore } from '../../store/context.tsx';
import { Button } from '../../ui/Button.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { declineState, triage } from './triage.ts';

/** Props of {@link DeclineDialog}: the issues to decline (those no longer in triage are left alone). */
export interface DeclineDialogProps {
  issues: readonly Issue[];
  onClose: () => void;
}

/** The decline dialog. */
export const DeclineDialog = observer(function DeclineDialog({ issues, onClose }: DeclineDialogProps) {
  const store = useStore();
  const [reason, setReason] = useState('');
  const first = issues[0];
  if (!first) return null;
  const what = issues.length === 1 ? first.identifier : `${issues.length} issues`;
  const target = declineState(store, first.teamId);
  const submit = () => {
    onClose();
    triage(store, issues, 'decline', reason);
  };
  return (
    <Modal label={`Decline ${what}`} onClose={onClose} width="w-[480px]" testId="triage-decline">
      <form
        className="flex flex-col gap-3 p-4"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="min-w-0">
          <div className="text-lg font-medium">Decline {what}</div>
          <p className="truncate text-sm text-muted">
            {issues.length === 1 ? first.title : issues.map((i) => i.identifier).join(', ')}
            {target ? ` · moves to ${target.name}` : ''}
          </p>
        </div>
        <label className="flex flex-col gap-1 text-sm text-muted">
          Reason (optional, posted as a comment)
          <textarea
            autoFocus
            rows={3}
            value={reason}
            maxLength={5000}
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                submit();
              }
            }}
            placeholder="Why is this declined? The reporter sees it on the issue."
            className="w-full resize-none rounded-md border border-line bg-bg px-2.5 py-2 text-base text-fg outline-none transition-colors placeholder:text-faint focus:border-accent focus:ring-2 focus:ring-accent-soft"
          />
        </label>
        <div className="flex items-center justify-end gap-2">
          <span className="mr-auto hidden text-sm text-faint sm:inline">Enter to decline · Shift+Enter for a new line</span>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" data-testid="triage-decline-submit">
            Decline
          </Button>
        </div>
      </form>
    </Modal>
  );
});
