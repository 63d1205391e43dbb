/** Counts commands the server executed, from INFO commandstats, to report round trips. */
export async function commandCount(client) {
  const info = await client.info('commandstats');
  let total = 0;
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match && match[1] !== 'info') total += Number(match[2]);
  }
  return total;
}
