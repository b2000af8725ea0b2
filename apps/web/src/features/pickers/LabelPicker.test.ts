import { describe, expect, it } from 'vitest';
import { createLabelOption, NO_LABELS_TEXT } from './LabelPicker.tsx';

describe('createLabelOption', () => {
  it('offers to create the typed name when no label has it (any case)', () => {
    expect(createLabelOption('  Needs   design ', ['Bug'])).toEqual([{ id: 'create-label:Needs design', label: 'Create label “Needs design”' }]);
    expect(createLabelOption('bug', ['Bug'])).toEqual([]);
    expect(createLabelOption('   ', ['Bug'])).toEqual([]);
    expect(createLabelOption('x'.repeat(101), [])).toEqual([]);
  });
  it('points to Settings › Labels, where labels live', () => {
    expect(NO_LABELS_TEXT).toContain('Settings › Labels');
    expect(NO_LABELS_TEXT).not.toContain('Teams');
  });
});
