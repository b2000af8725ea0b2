/**
 * The command palette (⌘K): every enabled command of the registry with its shortcut, plus the
 * store's issues matching the query (by identifier or title). Choosing an entry closes the
 * palette, then runs it. Commands match by the words of their own label (match.ts), not by
 * cmdk's default fuzzy letter matching, so an issue title does not list unrelated commands.
 */
import { Command } from 'cmdk';
import { observer } from 'mobx-react-lite';
import { useMemo, useState } from 'react';
import type { Issue } from '../../api/types.ts';
import { bindings, type Command as Cmd, registry } from '../../commands/registry.ts';
import { go, paths } from '../../navigation.ts';
import { useStore } from '../../store/context.tsx';
import { StateIcon } from '../../ui/icons.tsx';
import { KbdAlternatives } from '../../ui/Kbd.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { commandScore } from './match.ts';

const GROUP_ORDER = ['Issue', 'Navigation', 'Teams', 'General', 'Preferences', 'Workspace'];

/** Issues whose identifier or title contains every word of `q` (at most `limit`). */
export function searchIssues(issues: Iterable<Issue>, q: string, limit = 8): Issue[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const out: Issue[] = [];
  for (const i of issues) {
    const hay = `${i.identifier} ${i.title}`.toLowerCase();
    if (words.every((w) => hay.includes(w))) {
      out.push(i);
      if (out.length >= limit) break;
    }
  }
  return out;
}

/** The palette dialog. */
export const CommandPalette = observer(function CommandPalette() {
  const store = useStore();
  const [query, setQuery] = useState('');
  const close = () => store.ui.setPalette(false);
  const commands = registry.enabled().filter((c) => c.palette !== false);
  const groups = useMemo(() => {
    const by = new Map<string, Cmd[]>();
    for (const c of commands) by.set(c.group, [...(by.get(c.group) ?? []), c]);
    return [...by.entries()].sort((a, b) => rank(a[0]) - rank(b[0]));
  }, [commands]);
  const issues = searchIssues(store.issues.rows.values(), query);

  const choose = (fn: () => void) => {
    close();
    // Let the palette unmount (and focus return) before the command opens its own overlay.
    setTimeout(fn, 0);
  };

  return (
    <Modal label="Command menu" onClose={close} width="w-[640px]" testId="command-palette">
      <Command
        label="Command menu"
        loop
        // Issues are already filtered by searchIssues; commands by their label words only.
        filter={(value, search, keywords) => (value.startsWith('issue ') ? 1 : commandScore(search, keywords ?? []))}
      >
        <div className="flex items-center border-b border-line px-4">
          <Command.Input
            autoFocus
            value={query}
            onValueChange={setQuery}
            placeholder="Type a command or search issues…"
            className="h-12 w-full bg-transparent text-lg outline-none placeholder:text-faint"
          />
        </div>
        <Command.List className="max-h-[380px] overflow-y-auto p-1.5">
          <Command.Empty className="px-3 py-6 text-center text-muted">No results</Command.Empty>
          {issues.length > 0 && (
            <Command.Group heading="Issues">
              {issues.map((i) => {
                const state = store.states.get(i.stateId);
                return (
                  <Command.Item
                    key={i.id}
                    value={`issue ${i.identifier} ${i.title}`}
                    onSelect={() => choose(() => go(paths.issue(store.workspace!.urlSlug, i.identifier)))}
                    className="flex h-9 items-center gap-2.5 rounded-md px-3"
                  >
                    {state && <StateIcon category={state.category} color={state.color} />}
                    <span className="w-16 shrink-0 text-muted">{i.identifier}</span>
                    <span className="truncate">{i.title}</span>
                  </Command.Item>
                );
              })}
            </Command.Group>
          )}
          {groups.map(([group, cmds]) => (
            <Command.Group key={group} heading={group}>
              {cmds.map((c) => (
                <Command.Item
                  key={c.id}
                  value={`command ${c.id}`}
                  keywords={[c.title, ...(c.keywords ?? [])]}
                  onSelect={() => choose(c.run)}
                  className="flex h-9 items-center gap-2.5 rounded-md px-3"
                >
                  <span className="flex-1 truncate">{c.title}</span>
                  {c.keys && <KbdAlternatives bindings={bindings(c)} />}
                </Command.Item>
              ))}
            </Command.Group>
          ))}
        </Command.List>
      </Command>
    </Modal>
  );
});

function rank(group: string): number {
  const i = GROUP_ORDER.indexOf(group);
  return i < 0 ? GROUP_ORDER.length : i;
}
