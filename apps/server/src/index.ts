import { ConfigError, loadConfig } from './config';
import { DataDirInUseError } from './embedded/data-dir-lock';
import { createLogger } from './logger';
import { RedisStartupError } from './redis/backend';
import { createChatServer } from './server';

/** Start-up only: config → server → listen; SIGTERM/SIGINT → graceful close → exit 0. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  let server;
  try {
    server = await createChatServer(config, { logger });
    await server.listen();
  } catch (error) {
    // Causes an operator can act on are logged as their message alone; anything else with its error.
    const known = error instanceof RedisStartupError || error instanceof DataDirInUseError;
    const message = known ? error.message : 'start-up failed';
    logger.fatal({ err: known ? undefined : error }, message);
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long; exiting anyway');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
