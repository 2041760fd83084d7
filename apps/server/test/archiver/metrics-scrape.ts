/** One sample of a Prometheus text exposition (`name{labels} value`), or undefined. */
export async function scrape(url: string, name: string, labels = ''): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (labels ? rest.startsWith(`{${labels}`) || rest.includes(`,${labels}`) : /^[{ ]/.test(rest))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
