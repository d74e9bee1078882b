// The last line of the TCP-only rule: every engine connection goes through here, so no driver is
// ever handed a socket path or anything but a TCP host, whatever a caller forgot to check.
import { hostProblem, tcpHost } from '../../domain/endpoint-host';

export function tcpOnlyHost(host: string): string {
  const problem = hostProblem(host);
  if (problem) throw new Error(`Refused to connect: ${problem}`);
  return tcpHost(host);
}
