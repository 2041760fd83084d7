import type { Locator, Page } from 'playwright-core';
import { PASSWORD } from './stack';

/*
 * Page actions and waits, all through Playwright's auto-waiting locators and
 * waitForFunction: no fixed sleeps.
 */

export async function register(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByTestId('auth-mode-register').click();
  await submitCredentials(page, username, password);
}

export async function logIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByTestId('auth-mode-login').click();
  await submitCredentials(page, username, password);
}

async function submitCredentials(page: Page, username: string, password: string) {
  await page.getByTestId('auth-username').fill(username);
  await page.getByTestId('auth-password').fill(password);
  await page.getByTestId('auth-submit').click();
  await page
    .getByTestId('current-user')
    .filter({ hasText: username })
    .waitFor({ state: 'attached' });
  await connected(page);
}

export async function connected(page: Page): Promise<void> {
  await page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor();
}

export function roomItem(page: Page, name: string): Locator {
  return page.locator(`[data-testid="room-item"][data-room-name="${name}"]`);
}

/** Opens a room from the sidebar and waits until it is joined with its history. */
export async function openRoom(page: Page, name: string): Promise<void> {
  await roomItem(page, name).click();
  await page.locator('[data-testid="room-view"][data-joined="true"]').waitFor();
  await page.locator('[data-testid="history-start"], [data-testid="load-older"]').first().waitFor();
}

export async function createRoom(
  page: Page,
  name: string,
  kind: 'public' | 'private' = 'public',
): Promise<void> {
  await page.getByTestId('new-room').click();
  await page.getByTestId('create-room-name').fill(name);
  await page.getByTestId(`create-room-kind-${kind}`).check();
  await page.getByTestId('create-room-submit').click();
  await page.getByTestId('room-title').filter({ hasText: name }).waitFor();
  await page.locator('[data-testid="room-view"][data-joined="true"]').waitFor();
}

export async function send(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('composer-input');
  await input.fill(text);
  await input.press('Enter');
}

/** The message rows whose text is exactly `text`. */
export function messages(page: Page, text: string): Locator {
  return page
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-text').filter({ hasText: exactly(text) }) });
}

/** A pattern matching exactly `text` (Playwright's `hasText` strings match substrings). */
export function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** Waits for one message row with exactly `text` and status `sent`. */
export async function sentMessage(page: Page, text: string): Promise<Locator> {
  const row = messages(page, text).and(page.locator('[data-status="sent"]'));
  await row.waitFor();
  return row;
}

/** Waits until `selector` matches exactly `count` elements. */
export async function countIs(page: Page, selector: string, count: number): Promise<void> {
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel as string).length === n, [
    selector,
    count,
  ] as const);
}

/** The message ids shown, in order (pending ones have none). */
export function shownMessageIds(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="message"][data-status="sent"]', (rows) =>
    rows.map((row) => row.getAttribute('data-message-id') ?? ''),
  );
}

export function shownTexts(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="message-text"]', (nodes) =>
    nodes.map((node) => node.textContent ?? ''),
  );
}
