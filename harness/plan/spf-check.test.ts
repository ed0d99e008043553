import { describe, expect, test } from 'vitest';
import type { Resolver } from '../dns/resolver.ts';
import { evaluateSpf } from '../analysis/spf-eval.ts';
import { judgeGatewayAddresses } from './spf-check.ts';

const resolver: Resolver = (name) => {
  if (name === 'acme.example') return Promise.resolve([['v=spf1 include:eu._netblocks.gw.example -all']]);
  if (name === 'eu._netblocks.gw.example') return Promise.reject(Object.assign(new Error('servfail'), { code: 'ESERVFAIL' }));
  return Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' }));
};

describe('MAN06: the delivering gateway addresses', () => {
  test('a temperror (DNS did not answer) is "could not tell", not a FAIL', async () => {
    const e = await evaluateSpf('acme.example', { resolver, ip: '192.0.2.1', sender: 'alice@acme.example' });
    expect(e.result).toBe('temperror');
    const j = judgeGatewayAddresses([e]);
    expect(j.problems).toEqual([]);
    expect(j.unsure.join()).toMatch(/192\.0\.2\.1 gets temperror \(TXT eu\._netblocks\.gw\.example: ESERVFAIL\)/);
  });

  test('fail, softfail and permerror are problems', async () => {
    const r: Resolver = () => Promise.resolve([['v=spf1 ~all']]);
    const e = await evaluateSpf('acme.example', { resolver: r, ip: '192.0.2.1' });
    expect(judgeGatewayAddresses([e]).problems.join()).toMatch(/gets softfail/);
  });
});
