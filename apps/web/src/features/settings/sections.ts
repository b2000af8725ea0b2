/** The settings sections and their addresses. */
import { paths } from '../../navigation.ts';

/** Settings sections: id (URL segment), title, group, whether only admins see it. */
export const SECTIONS = [
  { id: 'account', title: 'My account', group: 'Account', admin: false },
  { id: 'security', title: 'Security & access', group: 'Account', admin: false },
  { id: 'api', title: 'API', group: 'Account', admin: false },
  { id: 'workspace', title: 'General', group: 'Workspace', admin: false },
  { id: 'members', title: 'Members', group: 'Workspace', admin: false },
  { id: 'teams', title: 'Teams', group: 'Workspace', admin: false },
  { id: 'labels', title: 'Labels', group: 'Workspace', admin: false },
  { id: 'applications', title: 'OAuth applications', group: 'Workspace', admin: true },
  { id: 'audit', title: 'Audit log', group: 'Workspace', admin: true },
  { id: 'import-export', title: 'Import & export', group: 'Workspace', admin: true },
] as const;

/** A settings section id. */
export type SectionId = (typeof SECTIONS)[number]['id'];

/** The address of a settings section (or of a team's settings). */
export function settingsPath(ws: string, section: SectionId = 'account', teamKey?: string): string {
  const base = `${paths.settings(ws)}/${section}`;
  return teamKey ? `${base}/${encodeURIComponent(teamKey)}` : base;
}
