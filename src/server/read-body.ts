import type { IncomingMessage } from 'node:http';

export type BodyOutcome = 'ok' | 'too-large' | 'aborted';

/**
 * Consumes a request body without keeping it (no route here needs one),
 * counting bytes as they stream in and giving up as soon as `limit` is
 * passed, so a large or endless body never costs more than the limit.
 */
export function consumeBody(req: IncomingMessage, limit: number): Promise<BodyOutcome> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    let received = 0;
    const finish = (outcome: BodyOutcome): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) {
        req.pause();
        finish('too-large');
      }
    };
    const onEnd = (): void => finish('ok');
    const onAbort = (): void => finish('aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
  });
}
