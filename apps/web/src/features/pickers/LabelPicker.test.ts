import { describe, expect, it } from 'vitest';
import { createLabelOptions, NO_LABELS_TEXT, parseCreateId } from './LabelPicker.tsx';

const team = { id: '0190a000-0000-7000-8000-000000000001', name: 'Engineering' };

describe('createLabelOptions', () => {
  it('offers to create the typed name when no label has it (any case): in the team first, then in the workspace', () => {
    const [inTeam, inWorkspace, ...rest] = createLabelOptions('  Needs   design ', ['Bug'], team);
    expect(rest).toEqual([]);
    expect(inTeam?.label).toBe('Create label “Needs design” in Engineering');
    expect(inWorkspace?.label).toBe('Create workspace label “Needs design”');
    expect(parseCreateId(inTeam!.id)).toEqual({ scope: team.id, name: 'Needs design' });
    expect(parseCreateId(inWorkspace!.id)).toEqual({ scope: null, name: 'Needs design' });
    expect(createLabelOptions('bug', ['Bug'], team)).toEqual([]);
    expect(createLabelOptions('   ', ['Bug'], team)).toEqual([]);
    expect(createLabelOptions('x'.repeat(101), [], team)).toEqual([]);
  });
  it('offers only a workspace label without a team, and keeps colons in names', () => {
    const options = createLabelOptions('area: api', [], null);
    expect(options.map((o) => o.label)).toEqual(['Create workspace label “area: api”']);
    expect(parseCreateId(options[0]!.id)).toEqual({ scope: null, name: 'area: api' });
    expect(parseCreateId('0190a000-0000-7000-8000-000000000002')).toBeNull();
  });
  it('points to Settings › Labels, where labels live', () => {
    expect(NO_LABELS_TEXT).toContain('Settings › Labels');
    expect(NO_LABELS_TEXT).not.toContain('Teams');
  });
});
