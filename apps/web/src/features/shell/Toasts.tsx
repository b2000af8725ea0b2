/** Toast stack (bottom right): errors from the server and confirmations. */
import { observer } from 'mobx-react-lite';
import { useStore } from '../../store/context.tsx';

/** Toasts from `store.ui.toasts`. */
export const Toasts = observer(function Toasts() {
  const { ui } = useStore();
  if (!ui.toasts.length) return null;
  return (
    <div className="pointer-events-none fixed right-4 bottom-4 z-[60] flex w-[360px] flex-col gap-2" aria-live="polite">
      {ui.toasts.map((t) => (
        <div
          key={t.id}
          role={t.kind === 'error' ? 'alert' : 'status'}
          className="pointer-events-auto flex items-start gap-2 rounded-lg border border-line bg-elevated px-3 py-2.5 shadow-overlay"
        >
          <span className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${t.kind === 'error' ? 'bg-danger' : 'bg-accent'}`} />
          <span className="flex-1 text-base">{t.message}</span>
          <button
            type="button"
            aria-label="Dismiss"
            className="rounded px-1 text-faint hover:bg-hover hover:text-fg"
            onClick={() => ui.dismissToast(t.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
});
