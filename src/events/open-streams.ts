/** One open server-sent event stream, as the registry sees it. */
export interface OpenStream {
  teamId: string;
  /** Ends the stream and closes its connection. */
  close(): void;
}

/**
 * The event streams currently open in this process. A stream removes itself when its client goes away, so
 * `size` returning to 0 proves subscriptions do not leak; shutdown closes whatever is left.
 */
export class OpenStreams {
  private readonly streams = new Set<OpenStream>();

  /** Registers a stream; returns the function that unregisters it. */
  add(stream: OpenStream): () => void {
    this.streams.add(stream);
    return () => {
      this.streams.delete(stream);
    };
  }

  get size(): number {
    return this.streams.size;
  }

  /** Closes every open stream (shutdown; tests cut connections with it). */
  closeAll(): void {
    for (const stream of [...this.streams]) stream.close();
  }
}
