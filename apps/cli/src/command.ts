/**
 * The command model: each command names its words (`issue list`), positional arguments and
 * options; help text and shell completion are generated from the same declarations.
 */
import type { Ctx } from './context.ts';

/** One option of a command (parsed by node:util `parseArgs`). */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in help, e.g. `KEY`. */
  value?: string;
  description: string;
}

/** A runnable command. */
export interface Command {
  /** Words that select it, e.g. `['issue', 'list']`. */
  path: string[];
  summary: string;
  /** Positional arguments, required ones first (e.g. `['KEY-N']`). */
  args?: string[];
  options?: Record<string, OptionSpec>;
  /** Longer help after the usage line. */
  details?: string;
  /** False for commands that need no server context (completion). */
  needsCtx?: boolean;
  run(ctx: Ctx, opts: Record<string, any>, args: string[]): Promise<void>;
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'print JSON (for scripts) instead of tables' },
  'api-url': { type: 'string', value: 'URL', description: 'server URL (default: config, EXPONENTIAL_API_URL, http://localhost:7015)' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

/** The usage text of a command. */
export function commandHelp(c: Command): string {
  const args = (c.args ?? []).map((a) => ` <${a}>`).join('');
  const lines = [`Usage: exponential ${c.path.join(' ')}${args} [options]`, '', c.summary];
  if (c.details) lines.push('', c.details);
  const opts = { ...(c.options ?? {}), ...GLOBAL_OPTIONS };
  lines.push('', 'Options:');
  const rows = Object.entries(opts).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` <${o.value ?? 'value'}>` : ''}`;
    return [flag, `${o.description}${o.multiple ? ' (repeatable)' : ''}`] as const;
  });
  const w = Math.max(...rows.map(([f]) => f.length));
  for (const [f, d] of rows) lines.push(`  ${f.padEnd(w)}  ${d}`);
  return lines.join('\n');
}
