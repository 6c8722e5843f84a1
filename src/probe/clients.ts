/**
 * The client side of server checks, run by this process: one HTTP request (Node's HTTP/1.1 client, no
 * keep-alive, chunked bodies decoded) or one TCP exchange. What the server sends is untrusted: bodies and answers
 * are read up to a bound, and the rest is dropped.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import type { HttpObservation, TcpObservation } from './types';

/** Bytes of a response body or TCP answer kept for matching and messages. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Headers every request carries unless the check gives its own of the same name. */
const DEFAULT_HEADERS: Record<string, string> = {
  Host: 'localhost',
  'User-Agent': 'scratchify-probe',
  Accept: '*/*',
  Connection: 'close',
};

export interface HttpRequest {
  address: string;
  port: number;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** Sends one request; rejects with a one-line reason when no response comes. */
export function httpRequest(req: HttpRequest): Promise<HttpObservation> {
  const headers: Record<string, string> = {};
  const given = new Set(Object.keys(req.headers ?? {}).map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(DEFAULT_HEADERS)) if (!given.has(name.toLowerCase())) headers[name] = value;
  Object.assign(headers, req.headers ?? {});
  const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  if (body !== undefined && !given.has('content-length')) headers['Content-Length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      outgoing.destroy(new Error(`no complete response within ${req.timeoutMs} ms`));
    }, req.timeoutMs);
    const outgoing = request(
      { host: req.address, port: req.port, method: req.method, path: req.path, headers, agent: false, setHost: false },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let dropped = 0;
        response.on('data', (chunk: Buffer) => {
          const room = MAX_RESPONSE_BYTES - size;
          if (room > 0) chunks.push(chunk.subarray(0, room));
          size += Math.min(Math.max(room, 0), chunk.length);
          dropped += Math.max(0, chunk.length - Math.max(room, 0));
        });
        response.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        response.on('end', () => {
          clearTimeout(timer);
          const joined: Record<string, string> = {};
          for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
            const name = response.rawHeaders[i].toLowerCase();
            joined[name] = name in joined ? `${joined[name]}, ${response.rawHeaders[i + 1]}` : response.rawHeaders[i + 1];
          }
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            kind: 'http',
            status: response.statusCode ?? 0,
            headers: joined,
            body: dropped > 0 ? `${text}… (${dropped} more bytes not kept)` : text,
          });
        });
      },
    );
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(body);
  });
}

export interface TcpExchange {
  address: string;
  port: number;
  send?: string;
  /** How long to read the answer; without `send`, the answer is not waited for. */
  timeoutMs: number;
}

/** Connects, sends, and reads until the server closes or the time is up. Rejects when the connection fails. */
export function tcpExchange(exchange: TcpExchange): Promise<TcpObservation> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: exchange.address, port: exchange.port });
    const chunks: Buffer[] = [];
    let size = 0;
    let connected = false;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ kind: 'tcp', received: Buffer.concat(chunks).toString('utf8') });
    };
    const timer = setTimeout(() => {
      if (connected) finish();
      else {
        settled = true;
        socket.destroy();
        reject(new Error(`no connection within ${exchange.timeoutMs} ms`));
      }
    }, exchange.timeoutMs);
    socket.on('connect', () => {
      connected = true;
      if (exchange.send === undefined) finish();
      else socket.write(exchange.send, 'utf8');
    });
    socket.on('data', (chunk: Buffer) => {
      if (size < MAX_RESPONSE_BYTES) chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
      size += chunk.length;
    });
    socket.on('end', finish);
    socket.on('error', (error) => {
      if (connected) return finish();
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    });
  });
}
