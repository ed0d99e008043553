/**
 * The lab gateway's administrative settings, built from the lab config and
 * bent by the faults that concern configuration. The SMTP rules and the admin
 * API both read these, so what the API reports is what the gateway does.
 */
import type { Config } from '../config/schema.ts';
import type { FaultSet } from './faults.ts';
import type { DkimDefinitionSetting, GatewaySettings } from './gateway-state.ts';
import { DKIM_SELECTOR, LAB_HOST } from './topology.ts';

export interface SettingsInput {
  template: Config;
  internalDomains: readonly string[];
  /** Base64 SPKI of the key the gateway signs each domain with. */
  dkimPublicKeys: ReadonlyMap<string, string>;
  faults: FaultSet;
}

function definitions(input: SettingsInput): DkimDefinitionSetting[] {
  return input.internalDomains.map((domain, i) => ({
    id: `dkim-def-${i + 1}`,
    description: `Outbound DKIM for ${domain}`,
    domain,
    selector: DKIM_SELECTOR,
    // no-dkim: the definition exists but is set not to sign.
    signDkim: !input.faults.has('no-dkim'),
    keyLength: 2048,
    publicKey: input.dkimPublicKeys.get(domain) ?? '',
    dnsAddress: `${DKIM_SELECTOR}._domainkey.${domain}`,
    validated: !input.faults.has('dkim-dns-mismatch'),
  }));
}

/** The settings of the lab gateway under the given faults. */
export function labGatewaySettings(input: SettingsInput): GatewaySettings {
  const configured = input.template.gateway.authorizedOutbound;
  // authorized-ip-missing: one of the customer's MTAs (the last listed) was never added on the gateway.
  const authorizedOutbound = input.faults.has('authorized-ip-missing') ? configured.slice(0, -1) : [...configured];
  // internal-domain-missing: the last configured domain was never registered as internal.
  const domains = input.faults.has('internal-domain-missing') ? input.internalDomains.slice(0, -1) : input.internalDomains;
  const defs = definitions(input);
  return {
    authorizedOutbound,
    internalDomains: domains.map((domain, i) => ({ id: `dom-${i + 1}`, domain, local: false, sendOnly: false, inboundType: 'any' })),
    dkimDefinitions: defs,
    dkimPolicies: defs.map((d, i) => ({
      id: `dkim-pol-${i + 1}`, description: `Sign outbound mail from ${d.domain}`, definitionId: d.id,
      // no-dkim-policy: the definition is there, but its policy is disabled.
      enabled: !input.faults.has('no-dkim-policy'),
      from: { type: 'internal_addresses' }, to: { type: 'external_addresses' }, fromPart: 'envelope_from',
    })),
    autoAllowPolicy: !input.faults.has('no-auto-allow'),
    accountCode: 'CUSLAB0001',
    region: input.template.gateway.region,
    outboundHostnames: [LAB_HOST.gatewayDelivery],
  };
}

/** The private keys the gateway really signs with: domains with a signing definition used by an enabled policy. */
export function signingKeys(settings: GatewaySettings, privateKeys: ReadonlyMap<string, string>): Map<string, string> {
  const live = new Set(settings.dkimPolicies.filter((p) => p.enabled).map((p) => p.definitionId));
  const out = new Map<string, string>();
  for (const d of settings.dkimDefinitions) {
    const key = privateKeys.get(d.domain);
    if (d.signDkim && live.has(d.id) && key !== undefined) out.set(d.domain, key);
  }
  return out;
}
