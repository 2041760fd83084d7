/** `text` with its first character in upper case: a schema's or the server's message as a sentence. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
