export { ArchiverProcess, type ArchiverProcessOptions } from './archiver-process';
export { findBinaryDir, requireBinary, versionedDirs } from './binaries';
export { EmbeddedDataDir, type DataDirTemplate } from './embedded-data-dir';
export { freePort, freePorts, isPortFree } from './free-port';
export {
  killAllNow,
  ManagedProcess,
  type ExitStatus,
  type ProcessOptions,
} from './managed-process';
export { Nginx, type NginxOptions } from './nginx';
export {
  ARCHIVER_ENTRY,
  NEXT_BIN,
  NGINX_TEMPLATE,
  REPO_ROOT,
  SERVER_ENTRY,
  WEB_DIR,
} from './paths';
export { PostgresServer, type PostgresOptions } from './postgres-server';
export {
  parseClusterNodes,
  RedisCluster,
  type ClusterNodeInfo,
  type RedisClusterOptions,
} from './redis-cluster';
export { RedisServer, type RedisOptions } from './redis-server';
export { ServerProcess, type ServerProcessOptions } from './server-process';
export { ProcessCluster, type ProcessClusterOptions, type RedisMode } from './process-cluster';
export type { Service } from './service';
export { answersOk, waitUntil } from './wait';
export { WebApp, type WebAppOptions } from './web-app';
