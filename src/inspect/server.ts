/**
 * The inspector on the network: the HTTP and WebSocket server of its page, and the forwarding of
 * inspection events to Stately's inspector.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { createInspector as createStatelyInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import type { InspectionEvent } from 'xstate';
import { inspectorHtml } from './page/html.js';
import { parseClientMessage, toJson, type ClientMessage, type ServerMessage } from './page/protocol.js';
import { inspectorScript } from './page/script.js';
import { inspectorStyles } from './page/styles.js';

/** What the server asks of the inspector behind it. */
export interface InspectorBackend {
  /** The messages a page gets when it connects. */
  welcome(): ServerMessage[];
  /** Answers one message of a page; the replies go to that page only. */
  receive(message: ClientMessage): Promise<ServerMessage[]>;
  /** The SVG diagram of a definition (`flow:checkout`), or undefined when there is none. */
  diagram(key: string): Promise<string | undefined>;
}

export interface InspectorServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** Sends a message to every connected page. */
  broadcast(message: ServerMessage): void;
  /** Disconnects every page and stops listening. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Serves the page, its script and styles, diagrams as SVG, and the WebSocket at `/ws`, on 127.0.0.1 only.
 * Requests naming another host (DNS rebinding) and WebSockets opened from another origin are refused, so a
 * web site open in the same browser cannot drive the runtime.
 */
export async function startInspectorServer(port: number, backend: InspectorBackend): Promise<InspectorServer> {
  const http = createServer((request, response) => void serveHttp(request, response));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, HOST, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const actualPort = (http.address() as AddressInfo).port;
  const hosts = new Set([`${HOST}:${actualPort}`, `localhost:${actualPort}`]);
  const origins = new Set([...hosts].map((host) => `http://${host}`));

  const pages: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html; charset=utf-8', body: inspectorHtml },
    '/inspector.js': { type: 'text/javascript; charset=utf-8', body: inspectorScript },
    '/inspector.css': { type: 'text/css; charset=utf-8', body: inspectorStyles },
  };
  const security = {
    'content-security-policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const reply = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, ...security });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (!hosts.has(request.headers.host ?? '')) return reply(403, 'text/plain', 'Forbidden: open the inspector at 127.0.0.1');
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, 'text/plain', 'Method not allowed');
    const url = new URL(request.url ?? '/', `http://${HOST}`);
    const page = pages[url.pathname];
    if (page) return reply(200, page.type, page.body);
    if (url.pathname === '/diagram.svg') {
      const key = url.searchParams.get('key') ?? '';
      try {
        const svg = await backend.diagram(key);
        return svg === undefined ? reply(404, 'text/plain', `No diagram for "${key}"`) : reply(200, 'image/svg+xml; charset=utf-8', svg);
      } catch (error) {
        return reply(500, 'text/plain', `Could not draw "${key}": ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (url.pathname === '/favicon.ico') return reply(204, 'text/plain', '');
    return reply(404, 'text/plain', 'Not found');
  }

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const origin = request.headers.origin;
    const path = new URL(request.url ?? '/', `http://${HOST}`).pathname;
    if (path !== '/ws' || !hosts.has(request.headers.host ?? '') || (origin !== undefined && !origins.has(origin))) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => sockets.emit('connection', client, request));
  });

  const send = (client: WebSocket, message: ServerMessage) => {
    if (client.readyState === WebSocket.OPEN) client.send(JSON.stringify(message));
  };

  sockets.on('connection', (client: WebSocket) => {
    for (const message of backend.welcome()) send(client, message);
    client.on('message', (data: RawData) => {
      const parsed = parseClientMessage(rawText(data));
      if (typeof parsed === 'string') return send(client, { type: 'error', message: parsed });
      backend.receive(parsed).then(
        (replies) => replies.forEach((reply) => send(client, reply)),
        (error: unknown) => send(client, { type: 'error', message: error instanceof Error ? error.message : String(error) }),
      );
    });
    client.on('error', () => client.terminate());
  });

  let closed: Promise<void> | undefined;
  return {
    port: actualPort,
    url: `http://${HOST}:${actualPort}/`,
    broadcast(message) {
      if (sockets.clients.size === 0) return;
      const text = JSON.stringify(message);
      for (const client of sockets.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        http.close(() => resolve());
        http.closeAllConnections();
      });
      return closed;
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

// ─── forwarding to Stately's inspector ───────────────────────────────────────

const FORWARD_RETRY_MS = 2_000;
const FORWARD_QUEUE = 500;

/**
 * `@statelyai/inspect` turns XState's events into Stately's; a socket of our own carries them, because the
 * package's `createWebSocketInspector` keeps reconnecting after `stop()` when the server is down, which
 * keeps the process alive.
 */
export function forwardToStately(url: string): { inspect(event: InspectionEvent): void; close(): void } {
  let socket: WebSocket | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  const queue: string[] = [];
  const connect = () => {
    const current = new WebSocket(url);
    socket = current;
    current.on('open', () => queue.splice(0).forEach((text) => current.send(text)));
    current.on('error', () => undefined); // 'close' follows
    current.on('close', () => {
      if (stopped) return;
      retry = setTimeout(connect, FORWARD_RETRY_MS);
      retry.unref();
    });
  };
  const adapter = {
    start: connect,
    stop() {
      stopped = true;
      clearTimeout(retry);
      if (socket?.readyState === WebSocket.OPEN) socket.close();
      else socket?.terminate();
    },
    send(event: StatelyInspectionEvent) {
      if (stopped) return;
      const text = JSON.stringify(toJson(event));
      if (socket?.readyState === WebSocket.OPEN) socket.send(text);
      else if (queue.push(text) > FORWARD_QUEUE) queue.shift();
    },
  };
  const stately = createStatelyInspector(adapter);
  stately.start();
  return { inspect: (event) => stately.inspect.next?.(event), close: () => stately.stop() };
}
