import type { Migration } from 'kysely';
import { messages } from './0001-messages';
import { versions } from './0002-versions';

/**
 * Every migration, in the order they run: the name is recorded once applied,
 * so never rename or edit one that has shipped; add the next one below.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-messages': messages,
  '0002-versions': versions,
};
