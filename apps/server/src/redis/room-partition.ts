/**
 * Issue 15, cluster mode (docs/ARCHITECTURE.md "Cluster mode: keys by room partition"):
 * every room belongs to one of ROOM_PARTITIONS partitions, and every key and shard channel
 * of a room carries its partition's hash tag (`{p17}`), so they share one slot of the Redis
 * Cluster: the append (dedupe, store, publish, feed the archive) stays one atomic script on
 * one node. The tag is the partition, not the room id, so that a room's archive feed shard
 * (one stream per partition, read by the archivers) lives in the room's slot too: with the
 * room id as the tag, the feed would need a stream per room or per slot.
 *
 * 128 partitions spread over masters evenly enough up to a few dozen masters (each master
 * holds the slots of about 128 / masters partitions) and keep the archivers' reads bounded
 * (128 feed shards). The number is part of the data layout: changing it moves every room,
 * so it is a constant, not a setting.
 */
export const ROOM_PARTITIONS = 128;

/** The room's partition: FNV-1a (32-bit) of its id's UTF-8 bytes, modulo ROOM_PARTITIONS. */
export function roomPartition(roomId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(roomId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % ROOM_PARTITIONS;
}

/** The hash tag of partition `partition`: `{p<n>}`. */
export function partitionTag(partition: number): string {
  return `{p${partition}}`;
}

/** Every partition's hash tag, in partition order. */
export function allPartitionTags(): string[] {
  return Array.from({ length: ROOM_PARTITIONS }, (_, partition) => partitionTag(partition));
}
