import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as it arrived. */
export interface SinkRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes of the body. */
  raw: Buffer;
}

/** How the sink answers a request; `hang` never answers (the client's timeout must fire). */
export interface SinkAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  hang?: boolean;
}

/** A real HTTP server on 127.0.0.1 that records every request and answers as told. */
export interface HttpSink {
  url: string;
  requests: SinkRequest[];
  /** Answers every later request this way (default 200, empty body). */
  answer(answer: SinkAnswer): void;
  /** Answers only the next request this way, then goes back to the default. */
  answerNext(answer: SinkAnswer): void;
  close(): Promise<void>;
}

/** Starts the sink on a free port. */
export async function startHttpSink(): Promise<HttpSink> {
  const requests: SinkRequest[] = [];
  const queue: SinkAnswer[] = [];
  let standing: SinkAnswer = { status: 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        raw: Buffer.concat(chunks),
      });
      const a = queue.shift() ?? standing;
      if (a.hang === true) return;
      res.writeHead(a.status ?? 200, a.headers ?? {});
      res.end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (a) => {
      standing = a;
    },
    answerNext: (a) => {
      queue.push(a);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released), for "connection refused". */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
