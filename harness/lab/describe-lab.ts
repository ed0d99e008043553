/**
 * A human-readable description of a running lab for `mailflow lab`: where
 * every server listens, the throwaway accounts, and how to send a message by
 * hand. It only builds text; the caller decides where it goes.
 */
import type { Lab } from './lab.ts';

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

/** Endpoints, accounts (lab-only values, regenerated at every start), and a swaks example. */
export function describeLab(lab: Lab): string {
  const out: string[] = ['Mailflow lab', ''];
  out.push('Servers:');
  const endpointRows = Object.values(lab.endpoints).map((e) => [`  ${e.protocol.toUpperCase()}`, `${e.address}:${e.port}`, e.host, e.role]);
  out.push(...table(endpointRows), '');

  out.push('Accounts (throwaway values for this lab run only):');
  const userRows = lab.users.map((u) => [`  ${u.address}`, u.role, `password ${lab.env[u.passwordEnv] ?? '?'}`, `(${u.passwordEnv})`]);
  out.push(...table(userRows), '');

  out.push(`Faults: ${lab.faults.length > 0 ? lab.faults.join(', ') : 'none'}`);
  out.push(`DNS: ${lab.dnsServers.join(', ')} (e.g. dig @${lab.dnsServers[0]?.replace(/:(\d+)$/, ' -p $1') ?? ''} acme.test MX)`, '');

  const sender = lab.config.senders[0];
  const alice = lab.users.find((u) => u.role === 'sender');
  if (sender && alice) {
    out.push('Send a message by hand (save the CA below as lab-ca.pem first):');
    out.push(
      `  swaks --server ${sender.smtp.host}:${sender.smtp.port} --tls --tls-verify --tls-ca-path lab-ca.pem \\`,
      `    --tls-sni ${sender.smtp.tls.servername ?? sender.smtp.host} \\`,
      `    --auth PLAIN --auth-user ${alice.address} --auth-password '${lab.env[alice.passwordEnv] ?? ''}' \\`,
      `    --from ${sender.address} --to ${lab.config.recipient.address} --header 'Subject: lab test'`,
      '',
    );
  }
  out.push('Lab CA certificate:', lab.caPem.trim());
  return out.join('\n');
}
