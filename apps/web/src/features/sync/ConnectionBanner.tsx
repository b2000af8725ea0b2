/**
 * A thin banner over the current screen while the live connection is down: what the user sees
 * may be out of date and edits cannot be saved until it is back. It disappears as soon as the
 * client is live again (after catching up on what it missed).
 */
import { observer } from 'mobx-react-lite';
import { useStore } from '../../store/context.tsx';

/** The disconnected banner (renders nothing while connected). */
export const ConnectionBanner = observer(function ConnectionBanner() {
  const { sync } = useStore();
  // The client's state, for tests and diagnostics (not shown).
  const marker = <span hidden data-testid="sync-status" data-status={sync.status} />;
  if (sync.status === 'unauthorized') {
    return (
      <div role="status" data-testid="connection-banner" className="flex h-8 shrink-0 items-center gap-2 border-b border-line bg-danger/10 px-5 text-sm text-danger">
        {marker}
        Live updates stopped: your session is no longer valid. Reload the page to sign in again.
      </div>
    );
  }
  if (sync.disconnectedAt === null || sync.status === 'live') return marker;
  const reconnecting = sync.status === 'connecting' || sync.status === 'catchingUp' || sync.status === 'bootstrapping';
  return (
    <div
      role="status"
      data-testid="connection-banner"
      className="flex h-8 shrink-0 items-center gap-2 border-b border-line bg-[color-mix(in_srgb,#f2c94c_18%,transparent)] px-5 text-sm text-fg"
    >
      {marker}
      <span className="h-2 w-2 shrink-0 animate-pulse rounded-full bg-[#f2994a]" aria-hidden />
      <span className="font-medium">{reconnecting ? 'Reconnecting…' : 'Offline'}</span>
      <span className="text-muted">Showing the copy saved on this device. Changes can’t be saved until the connection is back.</span>
    </div>
  );
});
