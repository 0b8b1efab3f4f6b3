import { describe, expect, it } from 'vitest';
import { decideClaim } from '../../src/state/claim-rules.js';
import { parseStoredState, truncateMessage } from '../../src/state/record.js';

describe('state record rules', () => {
  it('never leaves half a surrogate pair when truncating', () => {
    const message = 'a'.repeat(999) + '😀' + 'b';
    expect(truncateMessage(message)).toBe('a'.repeat(999));
    expect(truncateMessage('short')).toBe('short');
  });

  it('reads only records with a known status', () => {
    expect(parseStoredState('{"status":"completed"}')).toMatchObject({ status: 'completed' });
    expect(parseStoredState('{"status":"weird"}')).toBeUndefined();
    expect(parseStoredState('[1]')).toBeUndefined();
    expect(parseStoredState('{')).toBeUndefined();
    expect(parseStoredState(null)).toBeUndefined();
  });

  it('claims a pending record, counting the attempt', () => {
    const pending = {
      status: 'pending' as const,
      test_id: 't',
      resource_arn: 'a',
      claimed_at: '',
      updated_at: '',
      attempts: 2,
    };
    expect(decideClaim(pending, 0, 3)).toEqual({ claimed: true, attempts: 3 });
  });
});
