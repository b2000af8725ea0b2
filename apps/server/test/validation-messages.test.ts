import { describe, expect, it } from 'vitest';
import { foldLiteralUnions } from '../src/plugins/errors.ts';

describe('validation messages for unions of literals', () => {
  it('folds one const error per branch, a null branch and the anyOf into one enum error per field', () => {
    const folded = foldLiteralUnions([
      { instancePath: '/priority', keyword: 'const', params: { allowedValue: 'low' } },
      { instancePath: '/priority', keyword: 'const', params: { allowedValue: 'high' } },
      { instancePath: '/priority', keyword: 'type', params: { type: 'null' } },
      { instancePath: '/priority', keyword: 'anyOf', params: {} },
      { instancePath: '/title', keyword: 'maxLength', params: { limit: 3 } },
    ]);
    expect(folded).toEqual([
      { instancePath: '/priority', keyword: 'enum', params: { allowedValues: ['low', 'high', null] } },
      { instancePath: '/title', keyword: 'maxLength', params: { limit: 3 } },
    ]);
  });

  it('leaves errors without const branches alone', () => {
    const issues = [
      { instancePath: '/a', keyword: 'type', params: { type: 'null' } },
      { instancePath: '/a', keyword: 'anyOf', params: {} },
    ];
    expect(foldLiteralUnions(issues)).toBe(issues);
  });
});
