// What a probe write's failure means, in plain words: ioredis says "Stream isn't writeable and
// enableOfflineQueue options is false" or "Reached the max retries per request limit (which is 0). Refer to
// "maxRetriesPerRequest" option", which name client options instead of what happened to the write.

const RULES: Array<[RegExp, string]> = [
  [/enableOfflineQueue|Stream isn't writeable/i, 'not sent: no connection to the master at that moment'],
  [
    /maxRetriesPerRequest|max retries per request/i,
    'not sent: the connection dropped and the write was not retried',
  ],
  [/Command timed out/i, 'no reply in time: the write may or may not have been applied'],
  [
    /Connection is closed/i,
    'the connection closed before the reply: the write may or may not have been applied',
  ],
  [/^READONLY\b/, 'refused (READONLY): the node is a replica now'],
  [/^MASTERDOWN\b/, 'refused (MASTERDOWN): the replica lost its master'],
  [/^LOADING\b/, 'refused (LOADING): the node is loading its data'],
  [/^NOREPLICAS\b/, 'refused (NOREPLICAS): not enough replicas for min-replicas-to-write'],
];

export function plainWriteError(message: string): string {
  for (const [pattern, plain] of RULES) if (pattern.test(message)) return plain;
  return message;
}
