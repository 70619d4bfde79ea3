import type { Socket } from 'node:net';

/** How long a refused sender may go on sending, unread, after its answer: enough to read the answer. */
const LINGER_MS = 2_000;

/**
 * Closes the connection of a refused body gently. Node ends a `Connection: close` answer with
 * socket.destroySoon(), which closes the socket while the sender's unread bytes sit in it: the
 * kernel then resets the connection, and a sender still uploading loses the 413 it was sent
 * before reading it. Instead: end our side, discard what still arrives, close when the sender
 * does or after LINGER_MS.
 */
export function lingerOnClose(socket: Socket): void {
  socket.destroySoon = function (this: Socket) {
    if (this.writable) this.end();
    this.on('data', () => undefined);
    this.resume();
    this.once('end', () => this.destroy());
    setTimeout(() => this.destroy(), LINGER_MS).unref();
  };
}
