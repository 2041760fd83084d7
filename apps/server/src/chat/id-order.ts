/**
 * Ids in code unit order: the order of member lists (RoomStore.memberIds) in both twins.
 * Ids are ASCII, so this is their byte order too.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
