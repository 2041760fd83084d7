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

type Listener = (...args: unknown[]) => void;

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

/** Registers every client event of the protocol on the socket, each with its handler. */
export function bindEventHandlers(
  socket: ChatSocket,
  handlers: EventHandlers,
  context: AckContext,
): void {
  for (const event of Object.keys(clientEventSchemas) as ClientEvent[]) {
    bindEvent(socket, event, handlers[event] as EventHandler<typeof event>, context);
  }
}

/**
 * Registers a client-to-server event with the protocol's rules: the payload
 * is validated with its shared schema, the ack gets `{ ok: true, ... }` or
 * `{ ok: false, error }`, and nothing a client sends can throw out of the
 * handler. An event without an ack function is dropped: there is nobody to
 * answer, and acting on it silently would hide the client's bug.
 */
function bindEvent<E extends ClientEvent>(
  socket: ChatSocket,
  event: E,
  handle: EventHandler<E>,
  { logger, metrics, inFlight }: AckContext,
): void {
  const schema = clientEventSchemas[event];
  const listener: Listener = (...args) => {
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
  // Socket.IO's typed `on` cannot express one listener for several events; the schema is the type check.
  (socket as unknown as { on(event: string, listener: Listener): void }).on(event, listener);
}
