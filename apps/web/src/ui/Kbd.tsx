/** Keyboard hints: a key sequence drawn as small key caps. */
import { tokenParts } from '../commands/keys.ts';

/** Key caps for a sequence, e.g. `['g','m']` → [G] then [M]. */
export function Kbd({ keys, className = '' }: { keys: readonly string[]; className?: string }) {
  return (
    <span className={`inline-flex items-center gap-1 ${className}`}>
      {keys.map((token, i) => (
        <span key={`${token}-${i}`} className="inline-flex items-center gap-1">
          {i > 0 && <span className="text-xs text-faint">then</span>}
          {tokenParts(token).map((p, j) => (
            <kbd
              key={j}
              className="inline-flex h-[18px] min-w-[18px] items-center justify-center rounded border border-line bg-subtle px-1 font-sans text-[11px] leading-none text-muted"
            >
              {p}
            </kbd>
          ))}
        </span>
      ))}
    </span>
  );
}

/** Every binding of a command, separated by "or" (`J or ↓`). */
export function KbdAlternatives({ bindings, className = '' }: { bindings: readonly (readonly string[])[]; className?: string }) {
  return (
    <span className={`inline-flex items-center gap-1.5 ${className}`}>
      {bindings.map((keys, i) => (
        <span key={keys.join(' ')} className="inline-flex items-center gap-1.5">
          {i > 0 && <span className="text-xs text-faint">or</span>}
          <Kbd keys={keys} />
        </span>
      ))}
    </span>
  );
}
