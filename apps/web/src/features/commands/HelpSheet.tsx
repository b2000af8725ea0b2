/** The `?` sheet: every registered command that has a shortcut, grouped, generated from the registry. */
import { observer } from 'mobx-react-lite';
import { bindings, type Command, registry } from '../../commands/registry.ts';
import { useStore } from '../../store/context.tsx';
import { Kbd, KbdAlternatives } from '../../ui/Kbd.tsx';
import { Modal } from '../../ui/Modal.tsx';

/** Commands with keys, each id once (latest registration), grouped in first-seen order. */
export function shortcutGroups(commands: readonly Command[]): [string, Command[]][] {
  const latest = new Map<string, Command>();
  for (const c of commands) if (c.keys) latest.set(c.id, c);
  const groups = new Map<string, Command[]>();
  for (const c of latest.values()) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  return [...groups.entries()];
}

/** The help sheet dialog. */
export const HelpSheet = observer(function HelpSheet() {
  const { ui } = useStore();
  const groups = shortcutGroups(registry.commands);
  return (
    <Modal label="Keyboard shortcuts" onClose={() => ui.setHelp(false)} width="w-[720px]" placement="center" testId="help-sheet" focusPanel>
      <div className="flex items-center justify-between border-b border-line px-5 py-3.5">
        <h2 className="text-lg font-semibold">Keyboard shortcuts</h2>
        <button type="button" className="rounded px-2 text-muted hover:bg-hover hover:text-fg" onClick={() => ui.setHelp(false)}>
          Esc
        </button>
      </div>
      <div className="grid max-h-[70vh] grid-cols-1 gap-x-8 sm:grid-cols-2 gap-y-5 overflow-y-auto px-5 py-4">
        {groups.map(([group, cmds]) => (
          <section key={group}>
            <h3 className="mb-1.5 text-sm font-medium text-faint">{group}</h3>
            <ul>
              {cmds.map((c) => (
                <li key={c.id} className="flex h-8 items-center justify-between gap-3 border-b border-line/60 last:border-0">
                  <span className="truncate">{c.title}</span>
                  <KbdAlternatives bindings={bindings(c)} />
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      <p className="border-t border-line px-5 py-2.5 text-sm text-faint">
        Single-key shortcuts are off while you type in a field. Sequences like <Kbd keys={['g', 'm']} /> take the second key within a
        second.
      </p>
    </Modal>
  );
});
