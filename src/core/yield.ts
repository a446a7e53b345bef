/**
 * Yield to the event loop (so cancel messages get through). Nested `setTimeout(0)` is clamped to
 * ≥ 4 ms in browsers and workers, so there a MessageChannel round trip is used; Node has
 * setImmediate (an open MessagePort would keep a Node process alive).
 */
export const nextTick: () => Promise<void> = (() => {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return () => new Promise<void>((resolve) => void g.setImmediate!(resolve));
  if (typeof MessageChannel === 'undefined') return () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  // Typed structurally: Node's lib types have no DOM MessagePort, and core type-checks without the DOM.
  (channel.port1 as unknown as { onmessage: (() => void) | null }).onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
})();
