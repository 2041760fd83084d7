import { DEFAULT_SERVER_URL, resolveServerUrl } from '../lib/config';

describe('resolveServerUrl', () => {
  it('defaults to the local server', () => {
    expect(resolveServerUrl({})).toBe(DEFAULT_SERVER_URL);
    expect(resolveServerUrl({ NEXT_PUBLIC_SERVER_URL: '  ' })).toBe(DEFAULT_SERVER_URL);
  });

  it('uses NEXT_PUBLIC_SERVER_URL, without a trailing slash', () => {
    expect(resolveServerUrl({ NEXT_PUBLIC_SERVER_URL: 'https://chat.example/' })).toBe(
      'https://chat.example',
    );
  });

  it('lets CHAT_SERVER_URL override it at runtime; empty means same origin', () => {
    const env = { NEXT_PUBLIC_SERVER_URL: 'http://localhost:8000' };
    expect(resolveServerUrl({ ...env, CHAT_SERVER_URL: 'http://lb:8080' })).toBe('http://lb:8080');
    expect(resolveServerUrl({ ...env, CHAT_SERVER_URL: '' })).toBe('');
  });
});
