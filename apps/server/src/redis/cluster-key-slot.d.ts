/** cluster-key-slot (the slot function ioredis routes with) ships no types of its own. */
declare module 'cluster-key-slot' {
  /** The Redis Cluster slot (0..16383) of a key, honouring `{hash tags}`. */
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}
