import { describe, expect, it } from 'vitest';
import { isMailflowError } from '../errors.ts';
import { FAULT_NAMES, LAB_FAULTS, parseFaults } from './faults.ts';

describe('parseFaults', () => {
  it('accepts known names, trimmed and de-duplicated', () => {
    expect([...parseFaults([' no-dkim', 'no-dkim', '', 'imap-drop'])]).toEqual(['no-dkim', 'imap-drop']);
  });

  it('refuses unknown names with EUSAGE listing every known fault', () => {
    let caught: unknown;
    try {
      parseFaults(['no-dkim', 'typo-fault']);
    } catch (e) {
      caught = e;
    }
    expect(isMailflowError(caught) && caught.code).toBe('EUSAGE');
    for (const name of FAULT_NAMES) expect((caught as Error).message).toContain(name);
    expect((caught as Error).message).toContain('typo-fault');
  });

  it('describes every fault in one line', () => {
    for (const text of Object.values(LAB_FAULTS)) expect(text).not.toContain('\n');
  });
});
