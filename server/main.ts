/**
 * Starts Samenspel: configuration from the environment, one process, one port.
 */
import { loadConfig } from './config.js'
import { startServer } from './createServer.js'
import { demoAccountsTable, seedDemo } from './demo/seedDemo.js'

const config = loadConfig()
const server = await startServer(config)
server.app.log.info(`Samenspel draait op ${server.url} (data: ${config.dataDir})`)
if (process.argv.includes('--demo')) {
  const statuteId = await seedDemo(server)
  process.stdout.write(demoAccountsTable(config.publicUrl ?? `http://localhost:${config.port}`, statuteId) + '\n')
} else if (await server.auth.needsSetup()) {
  server.app.log.info(`Nog geen account: open ${server.url} om de eerste beheerder aan te maken (of start met --demo).`)
}

// SIGTERM (docker stop, systemd, Kubernetes) and Ctrl-C: /healthz turns 503 so a load balancer
// stops sending people here, new websocket connections are told to reconnect (1012), every change
// already received is stored, open connections close with 1012 (clients reconnect, to this
// instance after its restart or to another one), then storage and Redis are closed.
let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    server.app.log.info(`${signal}: changes are being stored, connections closed`)
    const deadline = setTimeout(() => {
      server.app.log.error(`shutdown took longer than ${config.shutdownTimeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting anyway`)
      process.exit(1)
    }, config.shutdownTimeoutMs)
    deadline.unref()
    server.close().then(
      () => {
        server.app.log.info('stopped cleanly')
        process.exit(0)
      },
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  })
}
