import { Agent, get, type IncomingMessage } from 'node:http';

/**
 * HTTP agents bound to distinct loopback addresses (127.0.0.2, .3, ...): the
 * balancer's sticky routing hashes the client address, so clients on
 * different addresses can be spread over instances on one machine.
 */
export function agentFrom(address: string): Agent {
  return new Agent({ localAddress: address, keepAlive: false });
}

/** Which instance the balancer sends `address` to (GET /healthz names it). */
export async function instanceBehind(balancerUrl: string, address: string): Promise<string> {
  const agent = agentFrom(address);
  const body = await new Promise<string>((resolve, reject) => {
    const request = get(`${balancerUrl}/healthz`, { agent }, (response: IncomingMessage) => {
      let data = '';
      response.on('data', (chunk: Buffer) => (data += chunk.toString()));
      response.on('end', () => resolve(data));
    });
    request.on('error', reject);
  });
  agent.destroy();
  return (JSON.parse(body) as { instance: string }).instance;
}

/** Loopback addresses that the balancer sends to `count` distinct instances. */
export async function addressesOnDistinctInstances(
  balancerUrl: string,
  count: number,
): Promise<string[]> {
  const chosen = new Map<string, string>();
  for (let i = 2; i < 250 && chosen.size < count; i += 1) {
    const address = `127.0.0.${i}`;
    const instance = await instanceBehind(balancerUrl, address);
    if (!chosen.has(instance)) chosen.set(instance, address);
  }
  if (chosen.size < count)
    throw new Error(`only ${chosen.size} instances reachable through the balancer`);
  return [...chosen.values()];
}
