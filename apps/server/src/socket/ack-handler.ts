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

/** Handles one client event of a socket: its arguments as Socket.IO passes them, the ack last. */
type Listener = (socket: ChatSocket, args: unknown[]) => void;

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
 * Every client event of the protocol with its listener, built once per instance and shared by
 * every socket (issue 16: nine listeners registered on each socket cost it about 2 KB of heap,
 * closures and its listener table). every-event.ts hands each event a socket sends to
 * `dispatch`.
 */
export class EventListeners {
  private readonly listeners: Map<string, Listener>;

  constructor(handlers: EventHandlers, context: AckContext) {
    this.listeners = new Map(
      (Object.keys(clientEventSchemas) as ClientEvent[]).map((event) => [
        event,
        eventListener(event, handlers[event] as EventHandler<typeof event>, context),
      ]),
    );
  }

  /** Hands a socket's event to its listener; an event that is not in the protocol is dropped. */
  dispatch(socket: ChatSocket, event: unknown, args: unknown[]): void {
    if (typeof event === 'string') this.listeners.get(event)?.(socket, args);
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
  return (socket, args) => {
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
}
