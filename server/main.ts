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
