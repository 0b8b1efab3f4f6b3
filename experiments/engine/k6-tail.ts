/**
 * Follows a file another process appends to (k6's NDJSON output) and hands over complete lines. Reads run one
 * at a time; a missing file is not an error until the caller decides it should exist (`seen`).
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

const CHUNK_BYTES = 1 << 20;

export class FileLineTail {
  private offset = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private reading: Promise<void> = Promise.resolve();
  /** Whether the file has existed at some read. */
  seen = false;

  constructor(
    private readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Reads everything appended since the last read (queued behind a read in progress). */
  read(): Promise<void> {
    this.reading = this.reading.then(() => this.readOnce());
    return this.reading;
  }

  /** Hands over a last line without a trailing newline (call once the writer has exited). */
  flush(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.trim() !== '') this.onLine(rest);
  }

  private async readOnce(): Promise<void> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    this.seen = true;
    try {
      const buffer = Buffer.alloc(CHUNK_BYTES);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const lines = (this.partial + this.decoder.write(buffer.subarray(0, bytesRead))).split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) this.onLine(line);
      }
    } finally {
      await handle.close();
    }
  }
}
