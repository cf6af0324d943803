import { createServer, request, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";

/** What the proxy was asked: `CONNECT host:port` or `GET http://host:port/path`. */
export interface ProxiedRequest {
  method: string;
  target: string;
}

/** A forward proxy on loopback: CONNECT tunnels and absolute-URI requests, each recorded. */
export interface ForwardProxy {
  url: string;
  seen: ProxiedRequest[];
  /** Host names it was asked to reach. */
  hosts(): string[];
  close(): Promise<void>;
}

/**
 * Starts a tiny forward proxy on 127.0.0.1. Like a corporate proxy it resolves the names itself:
 * `resolve(host)` gives the address it connects to (the tests send every name to loopback).
 */
export async function startForwardProxy(
  resolve: (host: string) => string = () => "127.0.0.1",
): Promise<ForwardProxy> {
  const seen: ProxiedRequest[] = [];
  const tunnels = new Set<{ destroy(): void }>();
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? "", target: req.url ?? "" });
    const url = new URL(req.url ?? "");
    const upstream = request(
      {
        host: resolve(url.hostname),
        port: url.port || 80,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: { ...req.headers, host: url.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connect", (req, client, head) => {
    const target = req.url ?? "";
    seen.push({ method: "CONNECT", target });
    const [host = "", port = "443"] = target.split(/:(?=\d+$)/);
    tunnels.add(client);
    const upstream = connect(Number(port), resolve(host), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    seen,
    hosts: () =>
      seen.map((s) =>
        s.method === "CONNECT" ? (s.target.split(":")[0] ?? "") : new URL(s.target).hostname,
      ),
    close: () =>
      new Promise<void>((ok) => {
        for (const socket of tunnels) socket.destroy();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
