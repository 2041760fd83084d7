import type { Logger } from 'pino';
import {
  clientEventSchemas,
  describeValidationError,
  type Ack,
  type AckResultOf,
  type ClientEvent,
  type ClientEventInput,
} from '@chat/shared';
import { AppError, toErrorBody } from '../chat/app-error';
import type { Metrics } from '../metrics';
import type { InFlight } from './in-flight';
import type { ChatSocket } from './types';

/** Called by the socket's EventEmitter with the socket as `this`: one function serves every socket. */
type Listener = (this: ChatSocket, ...args: unknown[]) => void;

/**
 * A handler's result plus work that must run right after the ack is sent,
 * synchronously, before any other I/O is handled (room:join uses it to
 * release held-back live messages in order).
 */
export class AckThen<Result extends object> {
  constructor(
    readonly result: Result,
    readonly afterAck: () => void,
  ) {}
}

/** The handler of client event `E`: its validated payload in, its ack's result out. */
export type EventHandler<E extends ClientEvent> = (
  socket: ChatSocket,
  input: ClientEventInput<E>,
) => Promise<AckResultOf<E> | AckThen<AckResultOf<E>>>;

/** Exactly one handler per client event, each returning what that event's ack carries. */
export type EventHandlers = { [E in ClientEvent]: EventHandler<E> };

export interface AckContext {
  logger: Logger;
  metrics: Metrics;
  inFlight: InFlight;
}

/**
 * Every client event of the protocol with its listener, built once per instance (issue 16).
 * The listeners are shared by all sockets: each one reads its socket from `this` (EventEmitter
 * calls a listener with the emitter as `this`), so a socket costs the entries in its listener
 * table and no closure of its own (about 1.6 KB of heap per connection, nine events).
 */
export class EventListeners {
  private readonly listeners: [ClientEvent, Listener][];

  constructor(handlers: EventHandlers, context: AckContext) {
    this.listeners = (Object.keys(clientEventSchemas) as ClientEvent[]).map((event) => [
      event,
      eventListener(event, handlers[event] as EventHandler<typeof event>, context),
    ]);
  }

  /** Registers every client event of the protocol on the socket, each with its handler. */
  bind(socket: ChatSocket): void {
    // Socket.IO's typed `on` cannot express one listener for several events; the schema is the type check.
    const emitter = socket as unknown as { on(event: string, listener: Listener): void };
    for (const [event, listener] of this.listeners) emitter.on(event, listener);
  }
}

/**
 * The listener of a client-to-server event, with the protocol's rules: the payload
 * is validated with its shared schema, the ack gets `{ ok: true, ... }` or
 * `{ ok: false, error }`, and nothing a client sends can throw out of the
 * handler. An event without an ack function is dropped: there is nobody to
 * answer, and acting on it silently would hide the client's bug.
 */
function eventListener<E extends ClientEvent>(
  event: E,
  handle: EventHandler<E>,
  { logger, metrics, inFlight }: AckContext,
): Listener {
  const schema = clientEventSchemas[event];
  const onEvent = (socket: ChatSocket, args: unknown[]): void => {
    const last = args.at(-1);
    if (typeof last !== 'function') {
      metrics.errors.inc({ code: 'invalid_input' });
      return;
    }
    const ack = last as (response: Ack<AckResultOf<E>>) => void;
    const fail = (error: unknown) => {
      const body = toErrorBody(error);
      metrics.errors.inc({ code: body.code });
      if (!(error instanceof AppError))
        logger.error({ err: error, event, socket: socket.id }, 'event failed');
      ack({ ok: false, error: body });
    };
    const parsed = schema.safeParse(args.length > 1 ? args[0] : undefined);
    if (!parsed.success)
      return fail(new AppError('invalid_input', describeValidationError(parsed.error)));
    // TypeScript cannot correlate a generic key with its entry in the map: `satisfies` on
    // clientEventSchemas is what guarantees this is event E's payload.
    inFlight.track(handle(socket, parsed.data as ClientEventInput<E>)).then((outcome) => {
      if (outcome instanceof AckThen) {
        ack({ ok: true, ...outcome.result });
        outcome.afterAck();
      } else {
        ack({ ok: true, ...outcome });
      }
    }, fail);
  };
  return function (this: ChatSocket, ...args: unknown[]): void {
    onEvent(this, args);
  };
}
