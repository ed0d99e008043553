/**
 * The SPF evaluator on tricky and real-world records, each written as a
 * declared zone (STYLE.md §3): fixed <sender> through includes (RFC 7208 §4),
 * malformed CIDR lengths (§4.6, §5.6), void lookups (§4.6.4), and which terms
 * check_host really reached.
 */
import { describe, expect, test } from 'vitest';
import type { Resolver } from '../dns/resolver.ts';
import { evaluateSpf, renderSpfTree, type SpfNode } from './spf-eval.ts';
import { parseSpf } from './spf-record.ts';

type Rr = { TXT?: string[]; A?: string[]; AAAA?: string[]; MX?: string[] };

/** TXT/A/AAAA/MX answers; a name not listed is NXDOMAIN, a listed name without the type is NODATA. */
function zone(records: Record<string, Rr>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolver = (name: string, type: string) => {
    asked.push(`${type} ${name.toLowerCase()}`);
    const r = records[name.toLowerCase()];
    if (!r) return Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' }));
    const answers = (r as Record<string, string[] | undefined>)[type];
    if (!answers) return Promise.reject(Object.assign(new Error('nodata'), { code: 'ENODATA' }));
    if (type === 'TXT') return Promise.resolve(answers.map((t) => [t]));
    if (type === 'MX') return Promise.resolve(answers.map((exchange, i) => ({ exchange, priority: i })));
    return Promise.resolve(answers);
  };
  return Object.assign(resolver, { asked }) as Resolver & { asked: string[] };
}

/** Real-world shapes (2024–2025): Google Workspace, Microsoft 365, Mimecast's regional netblocks. */
const REAL_WORLD: Record<string, Rr> = {
  'customer.example': { TXT: ['v=spf1 include:eu._netblocks.mimecast.com include:spf.protection.outlook.com include:_spf.google.com -all'] },
  'eu._netblocks.mimecast.com': { TXT: ['v=spf1 ip4:195.130.217.0/24 ip4:91.220.42.0/24 ip4:146.101.78.0/24 ip4:207.82.80.0/24 ip4:185.58.84.0/22 ip4:193.7.206.0/24 ip4:193.7.207.0/24 ~all'] },
  'us._netblocks.mimecast.com': { TXT: ['v=spf1 ip4:207.211.30.0/24 ip4:205.139.110.0/24 ip4:216.205.24.0/24 ip4:63.128.21.0/24 ip4:170.10.128.0/24 ip4:170.10.129.0/24 ip4:170.10.132.0/24 ip4:170.10.133.0/24 ~all'] },
  'spf.protection.outlook.com': { TXT: ['v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/15 ip4:52.102.0.0/16 ip4:52.103.0.0/17 ip4:104.47.0.0/17 ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 include:spfd.protection.outlook.com -all'] },
  'spfd.protection.outlook.com': { TXT: ['v=spf1 ip4:51.4.72.0/24 ip4:51.5.72.0/24 ip4:51.5.80.0/27 ip4:51.4.80.0/27 ip6:2a01:4180:4051:0800::/64 ip6:2a01:4180:4050:0800::/64 -all'] },
  '_spf.google.com': { TXT: ['v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all'] },
  '_netblocks.google.com': { TXT: ['v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ip4:66.102.0.0/20 ip4:66.249.80.0/20 ip4:72.14.192.0/18 ip4:74.125.0.0/16 ip4:108.177.8.0/21 ip4:173.194.0.0/16 ip4:209.85.128.0/17 ip4:216.58.192.0/19 ip4:216.239.32.0/19 ~all'] },
  '_netblocks2.google.com': { TXT: ['v=spf1 ip6:2001:4860:4000::/36 ip6:2404:6800:4000::/36 ip6:2607:f8b0:4000::/36 ip6:2800:3f0:4000::/36 ip6:2a00:1450:4000::/36 ip6:2c0f:fb50:4000::/36 ~all'] },
  '_netblocks3.google.com': { TXT: ['v=spf1 ip4:172.217.0.0/19 ip4:172.217.32.0/20 ip4:172.217.128.0/19 ip4:172.217.160.0/20 ip4:172.217.192.0/19 ip4:172.253.56.0/21 ip4:172.253.112.0/20 ip4:108.177.96.0/19 ip4:35.191.0.0/16 ip4:130.211.0.0/22 ~all'] },
};

function allTerms(node: SpfNode): SpfNode['terms'] {
  return [...node.terms, ...node.children.flatMap(allTerms)];
}

describe('real-world SPF trees', () => {
  test('Mimecast first, then Microsoft 365 and Google: 7 lookups, each provider passes its own addresses', async () => {
    const resolver = zone(REAL_WORLD);
    const mimecast = await evaluateSpf('customer.example', { resolver, ip: '185.58.85.151' });
    expect(mimecast).toMatchObject({ result: 'pass', lookups: 7, voidLookups: 0, effectiveLookups: 1 });
    expect((await evaluateSpf('customer.example', { resolver, ip: '40.107.22.1' })).result).toBe('pass');
    expect((await evaluateSpf('customer.example', { resolver, ip: '51.4.72.9' })).result).toBe('pass');
    expect((await evaluateSpf('customer.example', { resolver, ip: '209.85.128.44' })).result).toBe('pass');
    expect((await evaluateSpf('customer.example', { resolver, ip: '2a00:1450:4000::1' })).result).toBe('pass');
    expect((await evaluateSpf('customer.example', { resolver, ip: '216.205.24.124' })).result).toBe('fail');
    expect((await evaluateSpf('customer.example', { resolver, ip: '198.51.100.1' })).result).toBe('fail');
  });

  test('the US netblocks pass the US delivery host', async () => {
    const resolver = zone({ ...REAL_WORLD, 'us-customer.example': { TXT: ['v=spf1 include:us._netblocks.mimecast.com -all'] } });
    expect((await evaluateSpf('us-customer.example', { resolver, ip: '216.205.24.124' })).result).toBe('pass');
  });
});

describe('RFC 7208 corners', () => {
  test('<sender> stays the MAIL FROM inside an include (§4): %{l} and %{o} are not rewritten to the include domain', async () => {
    const resolver = zone({
      'acme.example': { TXT: ['v=spf1 include:_spf.esp.example -all'] },
      '_spf.esp.example': { TXT: ['v=spf1 exists:%{l}.%{o}._u.esp.example exists:%{h}._h.esp.example -all'] },
      'alice.acme.example._u.esp.example': { A: ['127.0.0.2'] },
      'relay.gw.example._h.esp.example': { A: ['127.0.0.2'] },
    });
    const r = await evaluateSpf('acme.example', { resolver, ip: '192.0.2.1', sender: 'alice@acme.example' });
    expect(r.result).toBe('pass');
    expect(resolver.asked).toContain('A alice.acme.example._u.esp.example');
    // The default sender is postmaster@<the root domain>, never postmaster@<include domain>.
    const anon = zone({ ...{ 'acme.example': { TXT: ['v=spf1 include:_spf.esp.example -all'] }, '_spf.esp.example': { TXT: ['v=spf1 exists:%{l}.%{o}._u.esp.example -all'] } } });
    await evaluateSpf('acme.example', { resolver: anon, ip: '192.0.2.1' });
    expect(anon.asked).toContain('A postmaster.acme.example._u.esp.example');
    // %{h} is the HELO name given.
    const helo = await evaluateSpf('acme.example', { resolver, ip: '192.0.2.1', sender: 'bob@acme.example', helo: 'relay.gw.example' });
    expect(helo.result).toBe('pass');
  });

  test.each(['ip4:192.0.2.0/33', 'ip4:192.0.2.0/ab', 'a/40', 'a:mail.acme.example/24//129', 'ip6:2001:db8::/129', 'mx/024'])('a malformed CIDR (%s) is a permerror recorded in the tree, never a throw', async (term) => {
    expect(parseSpf(`v=spf1 ${term} -all`).errors.join()).toMatch(/prefix length/);
    const resolver = zone({ 'acme.example': { TXT: ['v=spf1 include:bad.example -all'], A: ['192.0.2.1'] }, 'bad.example': { TXT: [`v=spf1 ${term} -all`], A: ['192.0.2.1'] } });
    const r = await evaluateSpf('acme.example', { resolver, ip: '192.0.2.1' });
    expect(r.result).toBe('permerror');
    expect(r.tree.children[0]?.problems.join()).toMatch(/syntax error: .*prefix length/);
    expect(renderSpfTree(r).join('\n')).toMatch(/! bad\.example: syntax error/);
  });

  test('valid CIDR lengths still parse: /0, /32, //128, dual', () => {
    expect(parseSpf('v=spf1 ip4:0.0.0.0/0 ip4:192.0.2.1/32 ip6:2001:db8::/128 a/24//64 mx//0 -all').errors).toEqual([]);
  });

  test('void lookups: an include target with TXT but no SPF is not void (it is a permerror); NXDOMAIN and NODATA are', async () => {
    const noSpf = zone({ 'acme.example': { TXT: ['v=spf1 include:verify.example -all'] }, 'verify.example': { TXT: ['google-site-verification=abc'] } });
    const r = await evaluateSpf('acme.example', { resolver: noSpf, ip: '192.0.2.1' });
    expect(r).toMatchObject({ result: 'permerror', voidLookups: 0 });
    const gone = zone({ 'acme.example': { TXT: ['v=spf1 include:gone.example include:nodata.example -all'] }, 'nodata.example': { A: ['192.0.2.9'] } });
    const g = await evaluateSpf('acme.example', { resolver: gone });
    expect(g.voidLookups).toBe(2);
  });

  test('only the term that decided is marked as matching; later terms are marked not evaluated', async () => {
    const resolver = zone({
      'acme.example': { TXT: ['v=spf1 ip4:192.0.2.0/24 include:_spf.other.example ~all'] },
      '_spf.other.example': { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'] },
    });
    const r = await evaluateSpf('acme.example', { resolver, ip: '192.0.2.5' });
    expect(r.result).toBe('pass');
    const terms = allTerms(r.tree);
    expect(terms.filter((t) => t.matched).map((t) => t.raw)).toEqual(['ip4:192.0.2.0/24']);
    expect(terms.filter((t) => t.notEvaluated).map((t) => t.raw)).toEqual(['include:_spf.other.example', '~all', 'ip4:192.0.2.0/24', '-all']);
    expect(renderSpfTree(r).join('\n')).toMatch(/~all {2}\[not evaluated\]/);
    // Nothing matched: the include's own -all decided its (non-matching) fail, and the root's ~all decided the result.
    const miss = await evaluateSpf('acme.example', { resolver, ip: '203.0.113.1' });
    expect(miss.result).toBe('softfail');
    expect(allTerms(miss.tree).filter((t) => t.matched).map((t) => t.raw)).toEqual(['~all', '-all']);
    expect(allTerms(miss.tree).some((t) => t.notEvaluated)).toBe(false);
  });
});
