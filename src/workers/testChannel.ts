/**
 * For Node tests: a "worker" that is a MessageChannel whose far port runs `serve()` with the given
 * handlers, so real structured cloning, ordering and transfer apply between page and worker side.
 */
import { serve, type Handlers, type ServeOptions } from './serve';
import type { WorkerLike } from './transport';
import type { ToWorker, WorkerApi } from './wire';

export interface ChannelWorker extends WorkerLike {
  terminated: boolean;
  /** Every message the page posted to this worker. */
  received: ToWorker[];
  /** Both ports, to close after the test. */
  ports: MessagePort[];
}

export function channelWorker<A extends WorkerApi>(handlers: Handlers<A>, serveOptions: ServeOptions = {}): ChannelWorker {
  const { port1, port2 } = new MessageChannel();
  const received: ToWorker[] = [];
  port2.addEventListener('message', (ev) => received.push(ev.data as ToWorker));
  serve<A>(handlers, {
    ...serveOptions,
    scope: {
      postMessage: (m, t) => port2.postMessage(m, t),
      addEventListener: (type, fn) => port2.addEventListener(type, fn as (ev: Event) => void),
    },
  });
  port2.start();
  const w: ChannelWorker = {
    ports: [port1, port2],
    terminated: false,
    received,
    postMessage: (m, t) => port1.postMessage(m, t),
    addEventListener: (type: string, fn: (ev: never) => void) => {
      port1.addEventListener(type, fn as unknown as (ev: Event) => void);
      port1.start();
    },
    terminate() {
      w.terminated = true;
      port1.close();
    },
  };
  return w;
}
