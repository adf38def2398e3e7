/** One open server-sent event stream, as the registry sees it. */
export interface OpenStream {
  teamId: string;
  /** The API key that opened it: the stream ends when the key is revoked. */
  apiKeyId: string;
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

  /** How many streams team `teamId` has open (the per-team cap). */
  countFor(teamId: string): number {
    let n = 0;
    for (const stream of this.streams) if (stream.teamId === teamId) n++;
    return n;
  }

  /** The distinct API keys of the open streams. */
  keyIds(): string[] {
    return [...new Set([...this.streams].map((s) => s.apiKeyId))];
  }

  /** Closes every stream opened with one of `keyIds` (they were revoked). */
  closeKeys(keyIds: ReadonlySet<string>): void {
    for (const stream of [...this.streams]) if (keyIds.has(stream.apiKeyId)) stream.close();
  }

  /** Closes every open stream (shutdown; tests cut connections with it). */
  closeAll(): void {
    for (const stream of [...this.streams]) stream.close();
  }
}
