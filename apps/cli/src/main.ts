/**
 * `exponential`: the command-line client. Every command except `serve` and `migrate` talks to a
 * server through @exponential/sdk. Exit codes: 0 ok, 1 error, 2 usage, 3 authentication.
 */
import { parseArgs } from 'node:util';
import { type Command, commandHelp, GLOBAL_OPTIONS, type OptionSpec } from './command.ts';
import { accountCommands } from './commands/account.ts';
import { issueCommands } from './commands/issues.ts';
import { serverCommands } from './commands/server.ts';
import { transferCommands } from './commands/transfer.ts';
import { watchCommand } from './commands/watch.ts';
import { CliError, type Ctx, createCtx, EXIT } from './context.ts';

/** Every command. */
export const commands: Command[] = [...accountCommands, ...issueCommands, ...transferCommands, watchCommand, ...serverCommands];

const completionCommand: Command = {
  path: ['completion'],
  summary: 'Print a shell completion script: `source <(exponential completion bash)` (or zsh).',
  args: ['bash|zsh'],
  needsCtx: false,
  async run(ctx, _o, [shell]) {
    if (shell !== 'bash' && shell !== 'zsh') throw new CliError('Choose bash or zsh', EXIT.usage);
    ctx.out(completionScript(shell));
  },
};
commands.push(completionCommand);

/** The top-level help. */
export function mainHelp(): string {
  const w = Math.max(...commands.map((c) => c.path.join(' ').length + (c.args ?? []).map((a) => ` <${a}>`).join('').length));
  const lines = ['Usage: exponential <command> [options]', '', 'Commands:'];
  for (const c of commands) {
    const name = `${c.path.join(' ')}${(c.args ?? []).map((a) => ` <${a}>`).join('')}`;
    lines.push(`  ${name.padEnd(w)}  ${c.summary}`);
  }
  lines.push(
    '',
    'Every command accepts --json (machine-readable output), --api-url URL and --help.',
    'Configuration: ~/.config/exponential/config.json ($EXPONENTIAL_CONFIG_HOME); EXPONENTIAL_TOKEN and EXPONENTIAL_API_URL override it.',
    'Exit codes: 0 ok, 1 error, 2 usage, 3 authentication.',
  );
  return lines.join('\n');
}

/** A bash (or zsh, through bashcompinit) completion script generated from the commands. */
export function completionScript(shell: 'bash' | 'zsh'): string {
  const groups = new Map<string, Set<string>>();
  for (const c of commands) {
    const [head, sub] = c.path;
    if (!groups.has(head as string)) groups.set(head as string, new Set());
    if (sub) groups.get(head as string)?.add(sub);
  }
  const optionsOf = (c: Command) => Object.keys({ ...(c.options ?? {}), ...GLOBAL_OPTIONS }).map((o) => `--${o}`).join(' ');
  const cases = commands.map((c) => `    "${c.path.join(' ')}") opts="${optionsOf(c)}" ;;`).join('\n');
  const subs = [...groups].filter(([, s]) => s.size).map(([g, s]) => `    ${g}) COMPREPLY=($(compgen -W "${[...s].join(' ')}" -- "$cur")); return ;;`).join('\n');
  const bash = `_exponential() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${[...groups.keys()].join(' ')}" -- "$cur")); return
  fi
  if [ "$COMP_CWORD" -eq 2 ] && [[ "$cur" != -* ]]; then
    case "\${COMP_WORDS[1]}" in
${subs}
    esac
  fi
  local path="\${COMP_WORDS[1]}"
  case "\${COMP_WORDS[2]}" in -*|"") ;; *) path="$path \${COMP_WORDS[2]}" ;; esac
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _exponential exponential`;
  return shell === 'bash' ? `# exponential bash completion\n${bash}\n` : `# exponential zsh completion\nautoload -U +X bashcompinit && bashcompinit\n${bash}\n`;
}

function findCommand(words: string[]): { command?: Command; rest: string[]; group?: string } {
  for (const c of commands) {
    if (c.path.every((w, i) => words[i] === w)) return { command: c, rest: words.slice(c.path.length) };
  }
  const group = commands.some((c) => c.path.length > 1 && c.path[0] === words[0]) ? words[0] : undefined;
  return { rest: words, group };
}

/**
 * Runs the CLI with `argv` (without node and the script).
 * @returns the exit code
 */
export async function main(argv: string[], out = (l: string) => process.stdout.write(`${l}\n`), err = (l: string) => process.stderr.write(`${l}\n`)): Promise<number> {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  const { command, group } = findCommand(words);
  if (!command) {
    const wantsHelp = argv.includes('--help') || argv.includes('-h') || argv[0] === 'help';
    if (group) {
      const subs = commands.filter((c) => c.path[0] === group);
      const w = Math.max(...subs.map((c) => c.path.join(' ').length));
      const text = [`Usage: exponential ${group} <${subs.map((c) => c.path[1]).join('|')}> [options]`, '', ...subs.map((c) => `  ${c.path.join(' ').padEnd(w)}  ${c.summary}`)].join('\n');
      if (wantsHelp) {
        out(text);
        return EXIT.ok;
      }
      err(words.length > 1 ? `Unknown command "${words.join(' ')}".\n\n${text}` : text);
      return EXIT.usage;
    }
    if (wantsHelp || !argv.length) {
      (argv.length ? out : err)(mainHelp());
      return argv.length ? EXIT.ok : EXIT.usage;
    }
    err(`Unknown command "${words[0] ?? argv[0]}". Run \`exponential --help\` to see the commands.`);
    return EXIT.usage;
  }
  const options: Record<string, OptionSpec> = { ...(command.options ?? {}), ...GLOBAL_OPTIONS };
  let values: Record<string, any>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv.slice(command.path.length),
      options: options as never,
      allowPositionals: true,
      strict: true,
    }) as { values: Record<string, any>; positionals: string[] });
  } catch (e) {
    err(`${(e as Error).message}\n\n${commandHelp(command)}`);
    return EXIT.usage;
  }
  if (values.help) {
    out(commandHelp(command));
    return EXIT.ok;
  }
  const expected = command.args?.length ?? 0;
  if (positionals.length !== expected) {
    err(`${expected ? `Expected ${command.args!.map((a) => `<${a}>`).join(' ')}` : 'No arguments expected'}, got ${positionals.length ? positionals.map((p) => `"${p}"`).join(' ') : 'none'}.\n\n${commandHelp(command)}`);
    return EXIT.usage;
  }
  try {
    const ctx: Ctx =
      command.needsCtx === false
        ? { json: !!values.json, apiUrl: '', token: undefined, env: process.env, out, err, isTTY: !!process.stdout.isTTY }
        : { ...createCtx(values), out, err };
    await command.run(ctx, values, positionals);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CliError) {
      err(`error: ${e.message}`);
      return e.exitCode;
    }
    err(`error: ${(e as Error)?.message ?? String(e)}`);
    return EXIT.error;
  }
}

/** Runs the CLI on this process's arguments and exits with its code. */
export function run(argv = process.argv.slice(2)): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
      // Keep-alive sockets and timers must not hold a finished command open.
      setTimeout(() => process.exit(code), 50).unref();
    },
    (e) => {
      console.error(e);
      process.exit(EXIT.error);
    },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) run();
