import { describe, expect, it } from 'vitest';
import { jsonBodyProblem, nestsDeeperThan } from '../../packages/collector/src/http/json-limits.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('JSON body limits', () => {
  it('counts the nesting of arrays and objects outside strings', () => {
    expect(nestsDeeperThan(bytes('[[1]]'), 2)).toBe(false);
    expect(nestsDeeperThan(bytes('[[[1]]]'), 2)).toBe(true);
    expect(nestsDeeperThan(bytes('{"a":{"b":[]}}'), 2)).toBe(true);
    expect(nestsDeeperThan(bytes('[1],[2],[3]'), 1)).toBe(false);
    expect(nestsDeeperThan(bytes('["[[[[", "\\"[[[["]'), 1)).toBe(false);
  });

  it('names invalid UTF-8 and deep nesting, and passes everything else', () => {
    expect(jsonBodyProblem(Buffer.from([0x7b, 0xff, 0x7d]))).toBe('Request body must be UTF-8 text');
    expect(jsonBodyProblem(bytes('['.repeat(33)))).toBe('JSON nests deeper than 32 levels');
    expect(jsonBodyProblem(bytes(`{"name":"Zoë ${'['.repeat(40)}"}`))).toBeNull();
  });
});
