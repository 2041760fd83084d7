/**
 * One kind of real process the tests, the bench or `npm run cluster` start:
 * redis-server, PostgreSQL, a server instance, nginx, the web app, and to
 * a Redis Cluster (several processes behind one URL). Each
 * kind starts with a static `start(options)`, on free ports unless told
 * otherwise, and resolves only once it serves; its owner destroys it.
 */
export interface Service {
  /** What tables and error messages call it. */
  readonly name: string;
  /** Where a client reaches it. */
  readonly url: string;
  /** Stops it for good and removes what it created (temp folders); safe to call twice. */
  destroy(): Promise<void>;
}
