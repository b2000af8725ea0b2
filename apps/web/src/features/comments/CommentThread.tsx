/**
 * A comment thread: the first comment and its replies, each with author, time, body, reactions
 * and actions (reply; edit and delete for the author — the server also lets owners and admins
 * delete, and answers anyone else with its own message).
 */
import { observer } from 'mobx-react-lite';
import { useState } from 'react';
import type { Comment } from '../../api/details.ts';
import { useStore } from '../../store/context.tsx';
import { Avatar } from '../../ui/icons.tsx';
import { timeAgo } from '../activity/describe.ts';
import { RichText } from '../issue-page/RichText.tsx';
import { Composer } from './Composer.tsx';
import { AddReaction, Reactions } from './Reactions.tsx';

const exact = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const CommentItem = observer(function CommentItem({ comment, onReply, reply }: { comment: Comment; onReply: () => void; reply: boolean }) {
  const store = useStore();
  const [editing, setEditing] = useState(false);
  const author = store.users.get(comment.userId);
  const name = author ? author.name || author.email : 'Deleted user';
  const mine = !!comment.userId && comment.userId === store.userId;
  const role = store.me?.workspaces.find((w) => w.id === store.workspace?.id)?.role;
  const canDelete = mine || role === 'owner' || role === 'admin';
  return (
    <article className={`group ${reply ? 'pt-3' : ''}`} data-testid="comment" data-comment-id={comment.id} aria-label={`Comment by ${name}`}>
      <header className="flex items-center gap-2 text-sm">
        <Avatar name={name} size={20} />
        <span className="font-medium text-fg">{name}</span>
        <time className="text-faint" dateTime={comment.createdAt} title={exact.format(new Date(comment.createdAt))}>
          {timeAgo(comment.createdAt)}
        </time>
        {comment.editedAt && <span className="text-faint">(edited)</span>}
        <span className="flex-1" />
        <span className="flex items-center gap-1 opacity-0 transition-opacity group-hover:opacity-100 focus-within:opacity-100">
          {!comment.reactions.length && !editing && <AddReaction align="right" below onPick={(emoji) => void store.details.toggleReaction({ commentId: comment.id }, emoji)} />}
          <button type="button" className="rounded px-1.5 text-muted hover:bg-hover hover:text-fg" onClick={onReply}>
            Reply
          </button>
          {mine && (
            <button type="button" className="rounded px-1.5 text-muted hover:bg-hover hover:text-fg" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          {canDelete && (
            <button
              type="button"
              className="rounded px-1.5 text-muted hover:bg-hover hover:text-danger"
              onClick={() => {
                if (window.confirm(reply ? 'Delete this reply?' : 'Delete this comment and its replies?')) void store.details.deleteComment(comment.id);
              }}
            >
              Delete
            </button>
          )}
        </span>
      </header>
      <div className="mt-1 pl-7">
        {editing ? (
          <Composer
            issueId={comment.issueId}
            initial={comment.body}
            autofocus
            submitLabel="Save"
            onSave={(html) => store.details.editComment(comment.id, html)}
            onDone={() => setEditing(false)}
          />
        ) : (
          <RichText html={comment.body} className="prose-compact" testId="comment-body" />
        )}
        {!editing && comment.reactions.length > 0 && (
          <div className="mt-1.5">
            <Reactions reactions={comment.reactions} target={{ commentId: comment.id }} />
          </div>
        )}
      </div>
    </article>
  );
});

/** One thread. */
export const CommentThread = observer(function CommentThread({ root, replies }: { root: Comment; replies: Comment[] }) {
  const [replying, setReplying] = useState(false);
  return (
    <div className="rounded-lg border border-line bg-elevated px-4 py-3" data-testid="comment-thread">
      <CommentItem comment={root} onReply={() => setReplying(true)} reply={false} />
      {replies.length > 0 && (
        <div className="mt-3 border-t border-line">
          {replies.map((r) => (
            <CommentItem key={r.id} comment={r} onReply={() => setReplying(true)} reply />
          ))}
        </div>
      )}
      {replying ? (
        <div className="mt-3">
          <Composer issueId={root.issueId} parentId={root.id} placeholder="Leave a reply…" autofocus onDone={() => setReplying(false)} />
        </div>
      ) : (
        <button type="button" className="mt-2 ml-7 text-sm text-muted hover:text-fg" onClick={() => setReplying(true)}>
          Reply…
        </button>
      )}
    </div>
  );
});
