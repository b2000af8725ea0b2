/**
 * Import and export (owners and admins). Import: pick a file and its format, check it first
 * (`POST /imports?dryRun=true`: exact counts and every problem, nothing written), then import it
 * (`POST /imports` answers with a job) and follow the job's progress (`GET /imports/:id` every
 * second) to its result. Export: the lossless workspace JSON and the issues CSV.
 * Contract: docs/IMPORT.md.
 */
import { observer } from 'mobx-react-lite';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { useStore } from '../../store/context.tsx';
import { Button } from '../../ui/Button.tsx';
import { contentKeys } from '../../ui/listKeys.ts';
import * as api from './api.ts';
import { AdminOnly, ErrorText, Field, formatWhen, messageOf, PageTitle, Section, selectClass, useAction, useIsAdmin } from './kit.tsx';

/** A likely format from a file name (the user can change it). */
export function guessFormat(name: string): string {
  const n = name.toLowerCase();
  if (n.endsWith('.xml')) return 'jira-xml';
  if (n.endsWith('.json')) return n.includes('trello') ? 'trello-json' : n.includes('github') ? 'github-json' : n.includes('jira') ? 'jira-json' : 'exponential-json';
  if (n.includes('jira')) return 'jira-csv';
  if (n.startsWith('issues-')) return 'exponential-csv';
  return 'linear-csv';
}

const COUNT_NAMES: [keyof api.ImportCounts, string][] = [
  ['issues', 'issues'],
  ['comments', 'comments'],
  ['teams', 'teams'],
  ['states', 'statuses'],
  ['labels', 'labels'],
  ['users', 'people matched'],
  ['placeholders', 'placeholder people'],
  ['relations', 'relations'],
  ['skipped', 'skipped'],
];

function Counts({ counts }: { counts: api.ImportCounts }) {
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-1 sm:grid-cols-3" data-testid="import-counts">
      {COUNT_NAMES.map(([k, label]) => (
        <div key={k} className="flex justify-between gap-2">
          <dt className="text-muted">{label}</dt>
          <dd className="font-medium tabular-nums">{counts[k]}</dd>
        </div>
      ))}
    </dl>
  );
}

function Problems({ problems, total }: { problems: api.ImportProblem[]; total?: number }) {
  if (!problems.length) return null;
  const problemKeys = contentKeys(problems, (p) => `${p.severity}|${p.path}|${p.message}`);
  return (
    <div className="mt-3">
      <p className="text-sm font-medium text-muted">
        {total ?? problems.length} {((total ?? problems.length) === 1 ? 'note' : 'notes')}
        {total !== undefined && total > problems.length ? ` (first ${problems.length} shown)` : ''}
      </p>
      <ul className="mt-1 max-h-60 overflow-y-auto rounded-lg border border-line text-sm" data-testid="import-problems">
        {problems.map((p, i) => (
          <li key={problemKeys[i]} className="flex gap-2 border-b border-line px-3 py-1.5 last:border-0">
            <span className={p.severity === 'error' ? 'text-danger' : 'text-[#d9822b]'}>{p.severity === 'error' ? 'Error' : 'Warning'}</span>
            <span className="text-muted">{p.path}</span>
            <span className="min-w-0 flex-1">{p.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

const Importer = observer(function Importer() {
  const store = useStore();
  const ws = store.workspace!;
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState('linear-csv');
  const [mode, setMode] = useState<'all' | 'skip'>('all');
  const [team, setTeam] = useState('');
  const [dry, setDry] = useState<api.DryRun | null>(null);
  const [job, setJob] = useState<api.ImportJob | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ field: string; message: string }[]>([]);
  const [run, busy, error, setError] = useAction();
  const input = useRef<HTMLInputElement>(null);

  // Follow a running job once a second until it ends.
  useEffect(() => {
    if (!job || job.status === 'succeeded' || job.status === 'failed') return;
    const t = setTimeout(() => {
      api.getImport(job.id).then(setJob, (err) => setError(messageOf(err)));
    }, 1000);
    return () => clearTimeout(t);
  }, [job, setError]);

  const send = (dryRun: boolean) => {
    if (!file) return;
    setFieldErrors([]);
    void run(async () => {
      try {
        const r = await api.sendImport(ws.id, file, { format, dryRun, mode, team: team || undefined });
        if (dryRun) setDry(r as api.DryRun);
        else setJob(r as api.ImportJob);
      } catch (err) {
        if (err instanceof ApiError) setFieldErrors(err.fieldErrors.slice(0, 50));
        throw err;
      }
    });
  };
  const reset = () => {
    setFile(null);
    setDry(null);
    setJob(null);
    setFieldErrors([]);
    setError(null);
    if (input.current) input.current.value = '';
  };

  if (job) {
    const done = job.status === 'succeeded' || job.status === 'failed';
    return (
      <div className="flex flex-col gap-3" data-testid="import-job">
        <div className="flex items-center justify-between text-sm">
          <span className="font-medium">
            {job.status === 'succeeded' ? 'Import finished' : job.status === 'failed' ? 'Import failed' : job.status === 'queued' ? 'Waiting to start…' : 'Importing…'}
          </span>
          <span className="text-muted tabular-nums">{job.progress}%</span>
        </div>
        <div className="h-2 overflow-hidden rounded-full bg-subtle" role="progressbar" aria-label="Import progress" aria-valuenow={job.progress} aria-valuemin={0} aria-valuemax={100}>
          <div className={`h-full transition-[width] duration-500 ${job.status === 'failed' ? 'bg-danger' : 'bg-accent'} ${PROGRESS_WIDTH[Math.round(job.progress / 10)]}`} />
        </div>
        {job.error && <ErrorText error={job.error} />}
        {done && <Counts counts={job.counts} />}
        <Problems problems={job.problems} />
        <p className="text-sm text-muted">
          {job.fileName ?? 'File'} · started {formatWhen(job.startedAt ?? job.createdAt)}
          {job.finishedAt ? ` · finished ${formatWhen(job.finishedAt)}` : ''}
        </p>
        {done && (
          <div>
            <Button onClick={reset}>Import another file</Button>
          </div>
        )}
      </div>
    );
  }

  const fieldErrorKeys = contentKeys(fieldErrors, (f) => `${f.field}|${f.message}`);
  return (
    <div className="flex flex-col gap-3">
      <Field label="File" hint="Up to 128 MiB for CSV, 32 MiB for JSON or XML. CSV, JSON or XML exports of Linear, Jira, GitHub, Trello, Monorail or exponential.">
        <input
          ref={input}
          type="file"
          accept=".csv,.json,.xml,text/csv,application/json,application/xml,text/xml"
          className="text-sm file:mr-3 file:h-8 file:rounded-md file:border file:border-line file:bg-elevated file:px-3 file:text-fg"
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            setFile(f);
            setDry(null);
            setFieldErrors([]);
            setError(null);
            if (f) setFormat(guessFormat(f.name));
          }}
        />
      </Field>
      <div className="flex flex-wrap gap-3">
        <Field label="Format">
          <select className={selectClass} value={format} onChange={(e) => {
              setFormat(e.target.value);
              setDry(null);
            }}>
            {api.IMPORT_FORMATS.map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Into team">
          <select className={selectClass} value={team} onChange={(e) => {
              setTeam(e.target.value);
              setDry(null);
            }}>
            <option value="">Match or create teams from the file</option>
            {store.sortedTeams().map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.key})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Invalid issues">
          <select className={selectClass} value={mode} onChange={(e) => {
              setMode(e.target.value as 'all' | 'skip');
              setDry(null);
            }}>
            <option value="all">Refuse the whole file</option>
            <option value="skip">Skip them, import the rest</option>
          </select>
        </Field>
      </div>
      <ErrorText error={error} testId="import-error" />
      {fieldErrors.length > 0 && (
        <ul className="max-h-48 overflow-y-auto rounded-lg border border-line text-sm" aria-label="Problems in the file">
          {fieldErrors.map((f, i) => (
            <li key={fieldErrorKeys[i]} className="border-b border-line px-3 py-1.5 last:border-0">
              <span className="text-muted">{f.field}</span> {f.message}
            </li>
          ))}
        </ul>
      )}
      {dry && (
        <div className="rounded-lg border border-line p-4" data-testid="dry-run">
          <p className="mb-2 font-medium">{dry.valid ? 'Ready to import' : 'This file cannot be imported as it is'}</p>
          <Counts counts={dry.counts} />
          <Problems problems={dry.problems} total={dry.problemCount} />
        </div>
      )}
      <div className="flex gap-2">
        <Button disabled={!file || busy} onClick={() => send(true)}>
          {busy && !dry ? 'Checking…' : 'Check file'}
        </Button>
        <Button variant="primary" disabled={!file || busy || !dry?.valid} onClick={() => send(false)} title={dry ? undefined : 'Check the file first'}>
          Import {dry?.valid ? `${dry.counts.issues} issues` : ''}
        </Button>
      </div>
    </div>
  );
});

// Tailwind needs literal class names: widths of the progress bar by tenths.
const PROGRESS_WIDTH = ['w-0', 'w-1/10', 'w-2/10', 'w-3/10', 'w-4/10', 'w-5/10', 'w-6/10', 'w-7/10', 'w-8/10', 'w-9/10', 'w-full'];

const Exporter = observer(function Exporter() {
  const store = useStore();
  const [run, busy, error] = useAction();
  const download = (which: 'workspace.json' | 'issues.csv') =>
    void run(async () => {
      const name = await api.downloadExport(store.workspace!.id, which);
      store.ui.toast(`Downloaded ${name}`);
    });
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap gap-2">
        <Button disabled={busy} onClick={() => download('workspace.json')}>
          Download workspace (JSON)
        </Button>
        <Button disabled={busy} onClick={() => download('issues.csv')}>
          Download issues (CSV)
        </Button>
      </div>
      <p className="text-sm text-muted">
        The JSON holds everything — teams, statuses, labels, members, issues, comments, relations and history — and imports back without loss. The CSV opens in a
        spreadsheet.
      </p>
      <ErrorText error={error} />
    </div>
  );
});

/** The screen. */
export const ImportExport = observer(function ImportExport() {
  const isAdmin = useIsAdmin();
  if (!isAdmin) return <AdminOnly what="import or export the workspace" />;
  return (
    <>
      <PageTitle title="Import & export" description="Bring work in from another tracker, or take all of it with you." />
      <Section title="Import" testId="import">
        <Importer />
      </Section>
      <Section title="Export" testId="export">
        <Exporter />
      </Section>
    </>
  );
});
