/**
 * Joining a workspace by invitation.
 *
 * `/invite/$token` (the mailed link) previews the invitation (workspace, inviter, role) with the
 * public preview endpoint. Signed out, "Continue with email" keeps the token in this tab's
 * sessionStorage and signs in with `next=/invite`, so the token never travels in the sign-in link;
 * `/invite` picks it up again and, once signed in, removes it from storage (the screen holds it
 * from then on). Opened in another tab or browser, `/invite` lists the user's own pending
 * invitations instead. Signed in, "Join workspace" accepts and opens the workspace. Refusals
 * (wrong e-mail, expired, revoked, used, unknown) show the server's problem message. "Not now"
 * forgets the token (the server has no decline: the invitation stays valid until it expires).
 * The token is a credential: it is never kept longer than the flow (nor in localStorage, which
 * outlives the tab; an entry left there by an older version is removed).
 */
import { useParams } from '@tanstack/react-router';
import { observer } from 'mobx-react-lite';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import {
  acceptInvitation,
  acceptMyInvitation,
  type AcceptedInvitation,
  type InvitationPreview,
  listMyInvitations,
  type MyInvitation,
  previewInvitation,
} from '../../api/endpoints.ts';
import { go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { Button } from '../../ui/Button.tsx';
import { Logo } from '../shell/Logo.tsx';
import { Splash, useRequireSession } from '../shell/Root.tsx';

/** sessionStorage key of the token kept across the sign-in round trip. */
export const INVITE_STASH_KEY = 'exponential.pendingInvitation';

/**
 * Remembers (or forgets, with null) an invitation token across the sign-in round trip, in this
 * tab's sessionStorage (gone with the tab); also removes a copy an older version left in localStorage.
 */
export function stashInvitationToken(token: string | null): void {
  try {
    localStorage.removeItem(INVITE_STASH_KEY);
    if (token) sessionStorage.setItem(INVITE_STASH_KEY, token);
    else sessionStorage.removeItem(INVITE_STASH_KEY);
  } catch {
    /* storage unavailable: the user can still open the mailed link again */
  }
}

/** The token stored by {@link stashInvitationToken}, if any. */
function stashedInvitationToken(): string | null {
  try {
    return sessionStorage.getItem(INVITE_STASH_KEY);
  } catch {
    return null;
  }
}

/** Message for a failed call: the server's problem text, else a generic one. */
function messageOf(err: unknown): string {
  return err instanceof ApiError ? err.message : 'Something went wrong. Try again.';
}

/** "an admin" / "a member" / "a guest". */
function asRole(role: string): string {
  return role === 'admin' || role === 'owner' ? `an ${role}` : `a ${role}`;
}

/** After joining: reload the session and open the workspace. */
async function openJoined(store: ReturnType<typeof useStore>, joined: AcceptedInvitation): Promise<void> {
  await store.refreshMe();
  go(paths.workspace(joined.urlSlug), { replace: true });
}

/** `/invite/$token`: the invitation from a mailed link. */
export const InviteScreen = observer(function InviteScreen() {
  const { token } = useParams({ strict: false }) as { token: string };
  return <InviteCard token={token} />;
});

/** `/invite`: the invitation stashed before sign-in, else the user's pending invitations. */
export const InviteResumeScreen = observer(function InviteResumeScreen() {
  // Read once: from here on the screen holds the token, and storage forgets it after sign-in.
  const [token] = useState(stashedInvitationToken);
  const signedIn = useRequireSession();
  useEffect(() => {
    if (token && signedIn) stashInvitationToken(null);
  }, [token, signedIn]);
  if (token) return <InviteCard token={token} />;
  if (!signedIn) return <Splash />;
  return (
    <Frame title="Your invitations">
      <PendingInvitations emptyText="You have no pending invitations." />
    </Frame>
  );
});

/** The invitation behind `token`: preview, then sign-in or "Join workspace". */
const InviteCard = observer(function InviteCard({ token }: { token: string }) {
  const store = useStore();
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setPreview(null);
    setLoadError(null);
    previewInvitation(token).then(
      (p) => live && setPreview(p),
      (err) => live && setLoadError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [token]);

  const join = async () => {
    setBusy(true);
    setError(null);
    try {
      const joined = await acceptInvitation(token);
      stashInvitationToken(null);
      await openJoined(store, joined);
    } catch (err) {
      setError(messageOf(err));
      // A refused token stays refused: do not offer it again after the next sign-in.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 429) stashInvitationToken(null);
    } finally {
      setBusy(false);
    }
  };

  const signIn = () => {
    stashInvitationToken(token);
    go(paths.login('/invite'));
  };

  const notNow = () => {
    stashInvitationToken(null);
    go('/', { replace: true });
  };

  if (loadError) {
    return (
      <Frame title="Invitation not available">
        <p role="alert" className="text-center text-danger" data-testid="invite-error">
          {loadError}
        </p>
        <HomeLink />
      </Frame>
    );
  }
  if (!preview) return <Splash />;
  return (
    <Frame title={`Join ${preview.workspaceName}`}>
      <p className="text-center text-muted" data-testid="invite-summary">
        {preview.invitedByName ? (
          <>
            <span className="font-medium text-fg">{preview.invitedByName}</span> invited you
          </>
        ) : (
          'You were invited'
        )}{' '}
        to join <span className="font-medium text-fg">{preview.workspaceName}</span> as {asRole(preview.role)}.
      </p>
      {!preview.valid && <p className="text-center text-sm text-faint">This link may have expired or already been used.</p>}
      {error && (
        <p role="alert" className="text-center text-sm text-danger" data-testid="invite-error">
          {error}
        </p>
      )}
      {store.status === 'signedIn' ? (
        <>
          <Button variant="primary" className="h-10" disabled={busy} onClick={join}>
            {busy ? 'Joining…' : 'Join workspace'}
          </Button>
          <p className="text-center text-sm text-faint">Signed in as {store.me?.user.email}</p>
        </>
      ) : (
        <Button variant="primary" className="h-10" onClick={signIn}>
          Continue with email
        </Button>
      )}
      {error ? (
        <HomeLink />
      ) : (
        <Button variant="ghost" onClick={notNow}>
          Not now
        </Button>
      )}
    </Frame>
  );
});

/**
 * The signed-in user's pending invitations with a "Join" button each; renders nothing while
 * loading, or when there are none and no `emptyText` is given.
 */
export function PendingInvitations({ emptyText }: { emptyText?: string }) {
  const store = useStore();
  const [list, setList] = useState<MyInvitation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    listMyInvitations().then(
      (rows) => live && setList(rows),
      () => live && setList([]),
    );
    return () => {
      live = false;
    };
  }, []);

  if (!list) return null;
  if (list.length === 0) return emptyText ? <p className="text-center text-muted">{emptyText}</p> : null;
  const join = async (inv: MyInvitation) => {
    setBusyId(inv.id);
    setError(null);
    try {
      await openJoined(store, await acceptMyInvitation(inv.id));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusyId(null);
    }
  };
  return (
    <section className="flex flex-col gap-2" aria-label="Pending invitations" data-testid="pending-invitations">
      <h2 className="text-sm font-medium text-muted">You have been invited to</h2>
      <ul className="flex flex-col divide-y divide-line rounded-lg border border-line bg-elevated">
        {list.map((inv) => (
          <li key={inv.id} className="flex items-center gap-3 px-4 py-3">
            <div className="min-w-0 flex-1">
              <div className="truncate font-medium">{inv.workspaceName}</div>
              <div className="truncate text-sm text-muted">
                {inv.invitedByName ? `Invited by ${inv.invitedByName}` : 'Invited'} as {asRole(inv.role)}
              </div>
            </div>
            <Button variant="primary" disabled={busyId !== null} onClick={() => join(inv)} aria-label={`Join ${inv.workspaceName}`}>
              {busyId === inv.id ? 'Joining…' : 'Join'}
            </Button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="text-sm text-danger">
          {error}
        </p>
      )}
    </section>
  );
}

function Frame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="flex min-h-full items-center justify-center bg-bg px-4 py-10">
      <div className="flex w-[380px] max-w-full flex-col gap-4">
        <div className="mb-4 flex flex-col items-center gap-4 text-center">
          <Logo size={40} />
          <h1 className="text-xl font-semibold">{title}</h1>
        </div>
        {children}
      </div>
    </div>
  );
}

function HomeLink() {
  return (
    <Button variant="ghost" onClick={() => go('/')}>
      Go to exponential
    </Button>
  );
}
