import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { openDatabase } from './db/open.js'
import { createLogger } from './logger.js'

function configOrExit(): Config {
  try {
    return loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`Configuration error: ${err.message}\n`)
    process.exit(2)
  }
}

const config = configOrExit()
const logger = createLogger(config)

async function main(): Promise<void> {
  const database = await openDatabase(config, logger, { migrate: config.migrateOnStart })
  const app = await buildApp({ config, pool: database.pool, logger }).catch(async (err: unknown) => {
    await database.close()
    throw err
  })

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    logger.info({ signal }, 'shutting down: finishing in-flight requests')
    const deadline = setTimeout(() => {
      logger.error({ graceMs: config.http.shutdownGraceMs }, 'shutdown grace period over; exiting')
      process.exit(1)
    }, config.http.shutdownGraceMs)
    deadline.unref()
    try {
      await app.close()
      await database.close()
      logger.info('stopped')
      process.exitCode = 0
    } catch (err) {
      logger.error({ err }, 'error during shutdown')
      process.exitCode = 1
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))

  await app.listen({ port: config.port, host: config.host })
  logger.info(
    { docs: `http://${config.host}:${config.port}/docs`, embeddedDatabase: database.embedded },
    'Safer Partnerships API ready',
  )
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'failed to start')
  process.exitCode = 1
})
