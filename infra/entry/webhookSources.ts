/**
 * The webhook source allow-list (LEDGER_PROVIDER_WEBHOOK_ALLOW): addresses and CIDR ranges, IPv4 or
 * IPv6, checked with node's `net.BlockList`. An IPv4-mapped IPv6 peer (`::ffff:10.0.0.1`) is checked
 * as its IPv4 address.
 */
import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../adapters/configError.js';

export function webhookSourceCheck(entries: readonly string[]): (address: string) => boolean {
  const allowed = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new ConfigError(`LEDGER_PROVIDER_WEBHOOK_ALLOW: ${entry} is not an IP address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) allowed.addAddress(address, type);
    else allowed.addSubnet(address, Number(prefix), type);
  }
  return (peer) => {
    const address = peer.startsWith('::ffff:') && isIP(peer.slice(7)) === 4 ? peer.slice(7) : peer;
    const family = isIP(address);
    return family !== 0 && allowed.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}
