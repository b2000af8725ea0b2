/** Small SVG icons drawn for the tracker: workflow state, priority, avatar and a few glyphs. */
import type { SVGProps } from 'react';
import type { Priority, StateCategory } from '../api/types.ts';

/** An `<svg>` drawn as decoration: hidden from assistive technology (the control around it carries the name). */
function Glyph(props: SVGProps<SVGSVGElement>) {
  return <svg aria-hidden="true" focusable="false" {...props} />;
}

/** Workflow state glyph by category, in the state's colour (Linear's circle family). */
export function StateIcon({ category, color, size = 14 }: { category: StateCategory; color: string; size?: number }) {
  const common = { width: size, height: size, viewBox: '0 0 14 14', 'aria-hidden': true, className: 'shrink-0' } as const;
  switch (category) {
    case 'triage':
      return (
        <Glyph {...common}>
          <circle cx="7" cy="7" r="6" fill={color} />
          <path d="M4.5 7h5M7.8 5.2 9.6 7 7.8 8.8" stroke="#fff" strokeWidth="1.3" fill="none" strokeLinecap="round" />
        </Glyph>
      );
    case 'backlog':
      return (
        <Glyph {...common}>
          <circle cx="7" cy="7" r="5.5" fill="none" stroke={color} strokeWidth="1.5" strokeDasharray="1.6 1.6" />
        </Glyph>
      );
    case 'unstarted':
      return (
        <Glyph {...common}>
          <circle cx="7" cy="7" r="5.5" fill="none" stroke={color} strokeWidth="1.5" />
        </Glyph>
      );
    case 'started':
      return (
        <Glyph {...common}>
          <circle cx="7" cy="7" r="5.5" fill="none" stroke={color} strokeWidth="1.5" />
          <path d="M7 3.5 A3.5 3.5 0 0 1 7 10.5 Z" fill={color} />
        </Glyph>
      );
    case 'completed':
      return (
        <Glyph {...common}>
          <circle cx="7" cy="7" r="6" fill={color} />
          <path d="M4.3 7.2 6.2 9 9.8 5.2" stroke="#fff" strokeWidth="1.5" fill="none" strokeLinecap="round" strokeLinejoin="round" />
        </Glyph>
      );
    case 'canceled':
      return (
        <Glyph {...common}>
          <circle cx="7" cy="7" r="6" fill={color} />
          <path d="M5 5l4 4M9 5l-4 4" stroke="#fff" strokeWidth="1.5" strokeLinecap="round" />
        </Glyph>
      );
  }
}

/** Human names of priorities. */
export const PRIORITY_LABELS: Record<Priority, string> = {
  none: 'No priority',
  urgent: 'Urgent',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/** Priority glyph: bars for low/medium/high, a filled mark for urgent, dashes for none. */
export function PriorityIcon({ priority, size = 14 }: { priority: Priority; size?: number }) {
  const common = { width: size, height: size, viewBox: '0 0 14 14', 'aria-hidden': true, className: 'shrink-0' } as const;
  if (priority === 'none') {
    return (
      <Glyph {...common}>
        <path d="M2 7h2M6 7h2M10 7h2" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" className="text-faint" />
      </Glyph>
    );
  }
  if (priority === 'urgent') {
    return (
      <Glyph {...common}>
        <rect x="1" y="1" width="12" height="12" rx="3" fill="#f2994a" />
        <path d="M7 3.8v4" stroke="#fff" strokeWidth="1.6" strokeLinecap="round" />
        <circle cx="7" cy="10.1" r="0.9" fill="#fff" />
      </Glyph>
    );
  }
  const filled = priority === 'high' ? 3 : priority === 'medium' ? 2 : 1;
  return (
    <Glyph {...common} className="shrink-0 text-muted">
      {[0, 1, 2].map((i) => (
        <rect
          key={i}
          x={2 + i * 3.8}
          y={9 - i * 3}
          width="2.6"
          height={3 + i * 3}
          rx="0.8"
          fill="currentColor"
          opacity={i < filled ? 1 : 0.3}
        />
      ))}
    </Glyph>
  );
}

function hue(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 360;
  return h;
}

/** Initials avatar in a colour derived from the name (no external images). */
export function Avatar({ name, size = 18 }: { name: string | null | undefined; size?: number }) {
  if (!name) {
    return (
      <Glyph width={size} height={size} viewBox="0 0 18 18" aria-hidden className="shrink-0 text-faint">
        <circle cx="9" cy="9" r="8" fill="none" stroke="currentColor" strokeWidth="1.2" strokeDasharray="2 2" />
        <circle cx="9" cy="7.5" r="2.4" fill="currentColor" />
        <path d="M4.8 14a4.4 4.4 0 0 1 8.4 0" fill="currentColor" />
      </Glyph>
    );
  }
  const initials = name
    .split(/[\s@._-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('');
  return (
    <span
      aria-hidden
      className="inline-flex shrink-0 items-center justify-center rounded-full font-medium text-white"
      style={{ width: size, height: size, fontSize: Math.max(8, size * 0.45), background: `hsl(${hue(name)} 45% 52%)` }}
    >
      {initials}
    </span>
  );
}

/** A chevron pointing down. */
export function ChevronDown({ className = '' }: { className?: string }) {
  return (
    <Glyph width="10" height="10" viewBox="0 0 10 10" aria-hidden className={className}>
      <path d="M2.5 3.8 5 6.2l2.5-2.4" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" strokeLinejoin="round" />
    </Glyph>
  );
}

/** A plus sign. */
export function PlusIcon({ size = 14 }: { size?: number }) {
  return (
    <Glyph width={size} height={size} viewBox="0 0 14 14" aria-hidden>
      <path d="M7 2.5v9M2.5 7h9" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </Glyph>
  );
}

/** A magnifier. */
export function SearchIcon({ size = 14 }: { size?: number }) {
  return (
    <Glyph width={size} height={size} viewBox="0 0 14 14" aria-hidden>
      <circle cx="6" cy="6" r="4" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="m9 9 3 3" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </Glyph>
  );
}

/** Glyphs for sidebar items. */
export function NavIcon({ name }: { name: 'inbox' | 'my' | 'issues' | 'active' | 'backlog' | 'triage' | 'settings' | 'team' }) {
  const p = { width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': true, className: 'shrink-0 text-muted' } as const;
  const s = { stroke: 'currentColor', strokeWidth: 1.3, fill: 'none', strokeLinecap: 'round', strokeLinejoin: 'round' } as const;
  switch (name) {
    case 'my':
      return (
        <Glyph {...p}>
          <circle cx="7" cy="5" r="2.5" {...s} />
          <path d="M2.5 12.2a4.5 4.5 0 0 1 9 0" {...s} />
        </Glyph>
      );
    case 'issues':
      return (
        <Glyph {...p}>
          <rect x="2" y="2" width="10" height="10" rx="2.5" {...s} />
          <circle cx="7" cy="7" r="1.6" fill="currentColor" />
        </Glyph>
      );
    case 'active':
      return (
        <Glyph {...p}>
          <circle cx="7" cy="7" r="5" {...s} />
          <path d="M7 4.5A2.5 2.5 0 0 1 7 9.5Z" fill="currentColor" />
        </Glyph>
      );
    case 'backlog':
      return (
        <Glyph {...p}>
          <circle cx="7" cy="7" r="5" {...s} strokeDasharray="1.5 1.5" />
        </Glyph>
      );
    case 'triage':
      return (
        <Glyph {...p}>
          <circle cx="7" cy="7" r="5" {...s} />
          <path d="M4.6 7h4.6M7.6 5.3 9.3 7 7.6 8.7" {...s} />
        </Glyph>
      );
    case 'settings':
      return (
        <Glyph {...p}>
          <circle cx="7" cy="7" r="2" {...s} />
          <path d="M7 1.5v1.6M7 10.9v1.6M1.5 7h1.6M10.9 7h1.6M3.1 3.1l1.1 1.1M9.8 9.8l1.1 1.1M3.1 10.9l1.1-1.1M9.8 4.2l1.1-1.1" {...s} />
        </Glyph>
      );
    case 'inbox':
      return (
        <Glyph {...p}>
          <path d="M2 8.5 3.5 3h7L12 8.5V11a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1Z" {...s} />
          <path d="M2 8.5h3l.8 1.3h2.4L9 8.5h3" {...s} />
        </Glyph>
      );
    case 'team':
      return (
        <Glyph {...p}>
          <rect x="2" y="2" width="10" height="10" rx="3" {...s} />
        </Glyph>
      );
  }
}
