import pino from 'pino'
import { loadConfig } from '../config.js'
import { createDb } from '../db/client.js'
import { migrateDown } from '../db/migrate.js'
import { openDatabase } from '../db/open.js'

/** `npm run migrate` applies pending migrations; `npm run migrate -- down` reverts the latest one. */
const config = loadConfig()
const logger = pino({ level: config.logLevel === 'silent' ? 'info' : config.logLevel })
const down = process.argv.includes('down')
const database = await openDatabase(config, logger, { migrate: !down, owner: true })
try {
  if (down) logger.info({ reverted: await migrateDown(createDb(database.pool)) }, 'migration reverted')
  else logger.info('database is at the latest migration')
} finally {
  await database.close()
}
