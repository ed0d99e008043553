import { describe, expect, test } from 'vitest';
import type { Resolver } from '../dns/resolver.ts';
import { evaluateSpf, renderSpfTree } from './spf-eval.ts';
import { expandMacros, parseSpf } from './spf-record.ts';

/** A declared zone (STYLE.md §3): TXT/A/MX answers, NXDOMAIN for anything else. */
function zone(records: Record<string, { TXT?: string[]; A?: string[]; MX?: string[] }>): Resolver {
  return (name, type) => {
    const r = records[name.toLowerCase()];
    const answers = (r as Record<string, string[] | undefined> | undefined)?.[type];
    if (!r) return Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' }));
    if (!answers) return Promise.reject(Object.assign(new Error('nodata'), { code: 'ENODATA' }));
    if (type === 'TXT') return Promise.resolve(answers.map((t) => [t]));
    if (type === 'MX') return Promise.resolve(answers.map((exchange, i) => ({ exchange, priority: i })));
    return Promise.resolve(answers);
  };
}

describe('evaluateSpf', () => {
  test('nested includes: counts every lookup and passes the gateway address', async () => {
    const resolver = zone({
      'acme.example': { TXT: ['v=spf1 include:eu._netblocks.gw.example include:_spf.saas.example -all', 'google-site-verification=x'] },
      'eu._netblocks.gw.example': { TXT: ['v=spf1 ip4:192.0.2.0/24 include:more.gw.example ~all'] },
      'more.gw.example': { TXT: ['v=spf1 ip4:198.51.100.7 ~all'] },
      '_spf.saas.example': { TXT: ['v=spf1 a:mta.saas.example mx ~all'] },
      'mta.saas.example': { A: ['203.0.113.5'] },
      'saas.example': { MX: ['mta.saas.example'] },
      '_spf.saas.example.': {},
    });
    const r = await evaluateSpf('acme.example', { resolver, ip: '198.51.100.7' });
    expect(r.result).toBe('pass');
    expect(r.lookups).toBe(5);
    expect(r.effectiveLookups).toBe(2);
    expect(renderSpfTree(r).join('\n')).toMatch(/include:more\.gw\.example {2}\[lookup 2, matches\]/);
  });

  test('more than 10 lookups in the whole tree is reported; check_host still passes on an early match', async () => {
    const leaves = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`l${i}.example`, { TXT: [`v=spf1 a:h.example mx:h.example ~all`] }]));
    const resolver = zone({
      'acme.example': { TXT: [`v=spf1 ip4:192.0.2.1 ${Object.keys(leaves).map((l) => `include:${l}`).join(' ')} -all`] },
      'h.example': { A: ['203.0.113.9'], MX: ['h.example'] },
      ...leaves,
    });
    const early = await evaluateSpf('acme.example', { resolver, ip: '192.0.2.1' });
    expect(early.lookups).toBe(18);
    expect(early.result).toBe('pass');
    expect(early.problems.join()).toMatch(/18 DNS lookups/);
    const late = await evaluateSpf('acme.example', { resolver, ip: '198.51.100.1' });
    expect(late.result).toBe('permerror');
  });

  test('redirect= is followed when nothing matched; void lookups over 2 are a permerror', async () => {
    const resolver = zone({
      'acme.example': { TXT: ['v=spf1 a:gone1.example a:gone2.example a:gone3.example redirect=_spf.acme.example'] },
      '_spf.acme.example': { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'] },
    });
    const r = await evaluateSpf('acme.example', { resolver, ip: '192.0.2.9' });
    expect(r.voidLookups).toBe(3);
    expect(r.result).toBe('permerror');
    const ok = zone({ 'acme.example': { TXT: ['v=spf1 redirect=_spf.acme.example'] }, '_spf.acme.example': { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'] } });
    expect((await evaluateSpf('acme.example', { resolver: ok, ip: '192.0.2.9' })).result).toBe('pass');
    expect((await evaluateSpf('acme.example', { resolver: ok, ip: '203.0.113.1' })).result).toBe('fail');
  });

  test('macros: exists:%{ir}.%{v}._spf.%{d}', async () => {
    const resolver = zone({
      'acme.example': { TXT: ['v=spf1 exists:%{ir}.%{v}._spf.%{d} -all'] },
      '7.2.0.192.in-addr._spf.acme.example': { A: ['127.0.0.2'] },
    });
    expect((await evaluateSpf('acme.example', { resolver, ip: '192.0.2.7' })).result).toBe('pass');
    expect((await evaluateSpf('acme.example', { resolver, ip: '192.0.2.8' })).result).toBe('fail');
    expect(expandMacros('%{l1r-}.%{d2}', { sender: 'first-last@mail.acme.example', domain: 'mail.acme.example' })).toBe('first.acme.example'); // RFC 7208 §7.4: %{l1r-} of strong-bad is strong;
  });

  test('two SPF records, and syntax errors, are permerrors', async () => {
    const two = zone({ 'acme.example': { TXT: ['v=spf1 -all', 'v=spf1 ip4:192.0.2.1 -all'] } });
    expect((await evaluateSpf('acme.example', { resolver: two })).result).toBe('permerror');
    expect(parseSpf('v=spf1 ip4:300.1.1.1 foo -all').errors.length).toBe(2);
  });
});
