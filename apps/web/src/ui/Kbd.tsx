/** Keyboard hints: a key sequence drawn as small key caps. */
import { tokenParts } from '../commands/keys.ts';
import { contentKeys } from './listKeys.ts';

/** Each part of a chord with its React key (parts normally differ, `contentKeys` covers repeats). */
function withKeys(parts: string[]): [string, string][] {
  const keys = contentKeys(parts, (p) => p);
  return parts.map((p, i) => [p, keys[i]]);
}

/** Key caps for a sequence, e.g. `['g','m']` → [G] then [M]. */
export function Kbd({ keys, className = '' }: { keys: readonly string[]; className?: string }) {
  const tokenKeys = contentKeys(keys, (token) => token);
  return (
    <span className={`inline-flex items-center gap-1 ${className}`}>
      {keys.map((token, i) => (
        <span key={tokenKeys[i]} className="inline-flex items-center gap-1">
          {i > 0 && <span className="text-xs text-faint">then</span>}
          {withKeys(tokenParts(token)).map(([p, key]) => (
            <kbd
              key={key}
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
