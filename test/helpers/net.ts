import { createServer, type AddressInfo, type Server } from 'node:net';

/** A TCP port free on 127.0.0.1 right now, for a process that must be told its port before it starts. */
export async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The http://127.0.0.1:<port> base URL of a server listening on an ephemeral port. */
export function baseUrlOf(server: { address(): AddressInfo | string | null }): string {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error(`Server is not listening on TCP: ${String(address)}`);
  return `http://127.0.0.1:${address.port}`;
}
