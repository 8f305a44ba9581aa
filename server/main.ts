/**
 * Starts Samenspel: configuration from the environment, one process, one port.
 */
import { loadConfig } from './config.js'
import { startServer } from './createServer.js'

const config = loadConfig()
const server = await startServer(config)
server.app.log.info(`Samenspel draait op ${server.url} (data: ${config.dataDir})`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    server.app.log.info(`${signal}: changes are being stored, connections closed`)
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  })
}
