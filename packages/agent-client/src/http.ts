import http from "node:http";
import https from "node:https";

/** What the transport needs of an HTTP client; the global `fetch` fits it too (tests pass one). */
export type AgentFetch = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body: string | undefined;
    signal: AbortSignal;
  },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

// One pool of kept-alive connections per protocol for every client in the process: the worker
// makes a client per operation, and a connection per call would cost a handshake each.
const pools = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
};

/**
 * Agent calls over node:http. Node's fetch (undici) cost the worker several times the CPU per
 * call (web streams, an AbortSignal and its listeners per request, the WHATWG Response), and a
 * fleet-wide split makes thousands of calls (issue 9, bench split-fleet).
 */
export const nodeHttpFetch: AgentFetch = (url, init) => send(url, init, true);

function send(
  url: string,
  init: Parameters<AgentFetch>[1],
  retryStale: boolean,
): ReturnType<AgentFetch> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === "https:";
    const headers =
      init.body === undefined
        ? init.headers
        : { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) };
    const request = (secure ? https : http).request(
      target,
      {
        method: init.method,
        headers,
        agent: secure ? pools.https : pools.http,
        signal: init.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("close", () => {
          if (!response.complete)
            reject(new Error("the connection closed before the answer ended"));
        });
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ ok: status >= 200 && status < 300, status, text: () => Promise.resolve(text) });
        });
      },
    );
    request.on("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the agent closed while it sat idle fails the next request sent
      // on it before any answer: that request never reached the agent, so it goes again on a new
      // connection (Node's documented use of request.reusedSocket).
      if (
        retryStale &&
        request.reusedSocket &&
        !init.signal.aborted &&
        (error.code === "ECONNRESET" || error.code === "EPIPE")
      ) {
        resolve(send(url, init, false));
        return;
      }
      reject(error);
    });
    request.end(init.body);
  });
}
