/**
 * The stock y-websocket server (@y/websocket-server 0.1.1) as a benchmark child process: the
 * baseline the project's server is compared with.
 *
 * Minimal on purpose: a node http server, a `ws` WebSocketServer and `setupWSConnection` from
 * `@y/websocket-server/utils`, exactly as its own server.js wires them, but without importing
 * server.js (that starts a server as a side effect). No persistence (YPERSISTENCE unset, no
 * callback): it stores nothing before relaying, which is what the comparison is about. The room is
 * the URL path, a plain document name.
 *
 * One addition for the benchmark: `POST /rooms/<name>` with a Yjs update as the body applies it to
 * that (new) document, so a room starts with the same first document as a statute created through
 * the project's API (see targets.ts), without a client seeding it.
 *
 * Environment: PORT, HOST (default 127.0.0.1). SIGTERM/SIGINT close the listener and exit.
 */
import http from 'node:http'
import { WebSocketServer } from 'ws'
import * as Y from 'yjs'
import { getYDoc, setupWSConnection } from '@y/websocket-server/utils'

const port = Number(process.env.PORT ?? 0)
const host = process.env.HOST ?? '127.0.0.1'

const server = http.createServer((request, response) => {
  const url = request.url ?? '/'
  if (request.method === 'GET' && url === '/healthz') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
    return
  }
  const room = /^\/rooms\/([A-Za-z0-9_-]{1,100})$/.exec(url)?.[1]
  if (request.method === 'POST' && room) {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      try {
        Y.applyUpdate(getYDoc(room), new Uint8Array(Buffer.concat(chunks)))
        response.writeHead(201).end()
      } catch (error) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error))
      }
    })
    return
  }
  response.writeHead(404).end()
})

const wss = new WebSocketServer({ noServer: true })
wss.on('connection', setupWSConnection)
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request))
})
server.listen(port, host)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const client of wss.clients) client.terminate()
    wss.close()
    server.close(() => process.exit(0))
    setTimeout(() => process.exit(0), 2000).unref()
  })
}
