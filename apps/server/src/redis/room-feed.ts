import type { Message } from '@chat/shared';
import type { ClusterEvent } from '../cluster-events';
import type { MessageUpdate } from '../ports';
import type { RedisKeys } from './keys';
import { parseRelayEnvelope, parseRoomEnvelope } from './relay-envelope';
import type { DropHandler, RedisSubscriber } from './subscriber';

type TypingEvent = Extract<ClusterEvent, { type: 'typing' }>;

/**
 * The rooms' live traffic as it arrives: single mode, the one MESSAGES channel (messages and
 * changes, relay-envelope.ts); cluster mode (issue 15), every room shard channel this instance
 * subscribed (`MESSAGES:{p17}:<room id>`), which also carries the room's typing signals. Each
 * payload is parsed once, validated (a payload naming another room than its channel's is
 * dropped too: a shard channel speaks for one room) and handed to the port that owns its kind:
 * RedisMessageLog (messages, changes) or RedisEventBus (typing). In the order of the channel.
 */
export class RoomFeed {
  private messageHandler: (message: Message) => void = () => {};
  private updateHandler: (update: MessageUpdate) => void = () => {};
  private typingHandler: (event: TypingEvent) => void = () => {};

  constructor(subscriber: RedisSubscriber, keys: RedisKeys, onDropped: DropHandler) {
    const { messages } = keys.channels;
    if (keys.mode !== 'cluster') {
      subscriber.channel(
        messages,
        (payload) => {
          const envelope = parseRelayEnvelope(payload);
          if ('invalid' in envelope) return onDropped(messages, envelope.invalid);
          if (envelope.kind === 'updated')
            this.updateHandler({ message: envelope.message, changeId: envelope.changeId });
          else this.messageHandler(envelope.message);
        },
        'messages',
      );
      return;
    }
    subscriber.shardFamily(`${messages}:`, 'messages', (channel, payload) => {
      const envelope = parseRoomEnvelope(payload);
      // Dropped payloads count under the family's name, not one label per room.
      if ('invalid' in envelope) return onDropped(messages, envelope.invalid);
      const roomId = envelope.kind === 'typing' ? envelope.roomId : envelope.message.roomId;
      if (keys.channels.room(roomId) !== channel)
        return onDropped(messages, 'room id does not match the channel');
      if (envelope.kind === 'typing') {
        const { origin: _origin, kind: _kind, ...event } = envelope;
        this.typingHandler({ type: 'typing', ...event });
      } else if (envelope.kind === 'updated')
        this.updateHandler({ message: envelope.message, changeId: envelope.changeId });
      else this.messageHandler(envelope.message);
    });
  }

  onMessage(handler: (message: Message) => void): void {
    this.messageHandler = handler;
  }

  onUpdate(handler: (update: MessageUpdate) => void): void {
    this.updateHandler = handler;
  }

  /** Cluster mode: the typing signals of the rooms this instance hears. */
  onTyping(handler: (event: TypingEvent) => void): void {
    this.typingHandler = handler;
  }
}
