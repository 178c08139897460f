import pino from 'pino'
import type { Config } from './config.js'

/** The process's logger: JSON lines, pretty only in a terminal (LOG_PRETTY). */
export function createLogger(config: Config): pino.Logger {
  return pino({
    level: config.logLevel,
    ...(config.logPretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  })
}
