/**
 * Feature-table loading: bytes → text (one decoder, `text.ts`) → rows (papaparse, streamed) →
 * Dataset (`tableBuilder.ts`). The CLI and the browser's parse worker both go through
 * `TableReader`, in chunks of TABLE_CHUNK_BYTES, so a file gives the same dataset — or the same
 * error — on both.
 *
 * What this layer adds to papaparse: it never drops rows silently. A quote (") that is never
 * closed (papaparse's MissingQuotes) or text after a closing quote (InvalidQuotes) is an error
 * naming the line where the quote opens; a row still open after MAX_ROW_CHARS is stopped there
 * instead of swallowing the rest of the file.
 */
import Papa from 'papaparse';
import { LabError } from '../errors';
import type { Dataset } from './dataset';
import { TableBuilder, type TableOptions } from './tableBuilder';
import { looksBinary, TextFileDecoder } from './text';

export { LABEL_NAMES, MAX_CELL_CHARS, MAX_LABEL_CHARS, NTNU_GENRE_ORDER, ntnuFileToTrackId, parseKaggleFilename, TableBuilder, type TableOptions } from './tableBuilder';
export { looksBinary } from './text';

/** Bytes decoded and parsed per step (the worker reads the file in slices of this size). */
export const TABLE_CHUNK_BYTES = 1 << 20;
/** A row still unfinished after this many characters is a quote left open (or not a table). */
export const MAX_ROW_CHARS = 1 << 20;
/** Characters of text mixed into a dataset's id when the caller gives an identity (worker: size and date). */
const IDENTITY_HEAD_CHARS = 65536;

/** Papaparse settings for guessing the delimiter from the first rows (blank lines ignored). */
export const PAPA_CONFIG = {
  header: false,
  skipEmptyLines: 'greedy' as const,
  delimitersToGuess: [',', '\t', ';', '|'],
};

/** Line breaks in `text[from, to)`; `\n` also counts `\r\n`. */
function countBreaks(text: string, from: number, to: number, lineBreak: '\n' | '\r'): number {
  let n = 0;
  for (let at = text.indexOf(lineBreak, from); at >= 0 && at < to; at = text.indexOf(lineBreak, at + 1)) n++;
  return n;
}

/** The subset of a Node readable stream papaparse's stream input uses: text chunks are pushed into it. */
interface TextSource {
  push(text: string): void;
  end(): void;
}

function streamInto(config: Papa.ParseLocalConfig<string[], NodeJS.ReadableStream>): TextSource {
  const listeners = new Map<string, (arg?: unknown) => void>();
  const stream = {
    readable: true,
    read: () => null,
    on(event: string, fn: (arg?: unknown) => void) {
      listeners.set(event, fn);
      return stream;
    },
    removeListener(event: string) {
      listeners.delete(event);
      return stream;
    },
    pause: () => stream,
    resume: () => stream,
  };
  // papaparse parses stream input synchronously inside each 'data' event, carrying an unfinished
  // row over to the next chunk (its ChunkStreamer), which is exactly what a text stream needs.
  Papa.parse(stream as unknown as NodeJS.ReadableStream, config);
  return {
    push: (text) => listeners.get('data')?.(text),
    end: () => listeners.get('end')?.(),
  };
}

export interface TableReaderOptions {
  /**
   * Identity mixed into the dataset id instead of the whole text (the worker passes the file's
   * size and date, so a 50 MB table is not hashed); the start of the text is mixed in too.
   */
  identity?: string;
}

/** Streams a table: push bytes (or text) in order, then `finish()`. One instance per file. */
export class TableReader {
  private readonly builder: TableBuilder;
  private readonly decoder = new TextFileDecoder();
  private source: TextSource | undefined;
  private leading = '';
  private bytes = 0;
  private sawText = false;
  /** Text not yet made into complete rows: papaparse's unfinished row plus the newest chunk. */
  private tail = '';
  private tailStart = 0;
  private tailLine = 1;
  private delimiter = ',';
  private lineBreak: '\n' | '\r' = '\n';
  private newline: string | undefined;
  private failure: unknown;
  private hashedChars = 0;

  constructor(
    private readonly name: string,
    opts: TableOptions = {},
    private readonly readerOpts: TableReaderOptions = {},
  ) {
    this.builder = new TableBuilder(name, opts);
    if (readerOpts.identity !== undefined) this.builder.addText(readerOpts.identity);
  }

  get rowCount(): number {
    return this.builder.rowCount;
  }

  get bytesRead(): number {
    return this.bytes;
  }

  /** Next bytes of the file. */
  pushBytes(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; at += TABLE_CHUNK_BYTES) {
      const piece = bytes.subarray(at, at + TABLE_CHUNK_BYTES);
      this.bytes += piece.length;
      this.pushText(this.decoder.decode(piece));
    }
  }

  /** Next text of the file (already decoded). */
  pushText(text: string): void {
    if (this.failure) throw this.failure;
    for (let at = 0; at < text.length; at += TABLE_CHUNK_BYTES) this.pushPiece(text.slice(at, at + TABLE_CHUNK_BYTES));
  }

  private pushPiece(piece: string): void {
    if (piece === '') return;
    this.sawText = true;
    this.hash(piece);
    if (!this.source) {
      // Start at the first text that is not blank: blank lines before the header still count as lines.
      if (piece.trim() === '') {
        this.leading += piece;
        return;
      }
      piece = (this.leading + piece).replace(/^\uFEFF/, '');
      this.leading = '';
      this.start(piece);
    }
    this.tail += piece;
    this.source!.push(piece);
    if (this.failure) throw this.failure;
    if (this.tail.length > MAX_ROW_CHARS) throw this.runawayRowError();
  }

  private hash(piece: string): void {
    if (this.readerOpts.identity === undefined) this.builder.addText(piece);
    else if (this.hashedChars < IDENTITY_HEAD_CHARS) {
      const part = piece.slice(0, IDENTITY_HEAD_CHARS - this.hashedChars);
      this.builder.addText(part);
      this.hashedChars += part.length;
    }
  }

  private start(head: string): void {
    if (looksBinary(head.slice(0, 8192))) throw (this.failure = new LabError('binary-file', `${this.name} looks like a binary file, not a text table (CSV or TSV).`, { file: this.name }));
    // Guess the delimiter the way papaparse does (first rows, blank lines skipped), then parse
    // with blank lines kept so that line numbers stay the file's own.
    this.delimiter = Papa.parse<string[]>(head.slice(0, 65536), { ...PAPA_CONFIG, preview: 10 }).meta.delimiter || ',';
    this.source = streamInto({
      header: false,
      skipEmptyLines: false,
      delimiter: this.delimiter,
      chunk: (res, parser) => {
        try {
          this.onChunk(res);
        } catch (e) {
          this.failure = e;
          parser.abort();
        }
      },
      error: (e: Error) => {
        this.failure ??= e;
      },
      // finish() reads the builder once the last chunk is in; nothing to do here.
      complete: () => {},
    });
  }

  private onChunk(res: Papa.ParseResult<string[]>): void {
    if (this.newline === undefined) {
      this.newline = res.meta.linebreak;
      this.lineBreak = res.meta.linebreak === '\r' ? '\r' : '\n';
    }
    const rows = res.data;
    // Errors about the unfinished last row come again with the next chunk: only rows handed over count.
    const bad = res.errors.filter((e) => e.type === 'Quotes' && e.row !== undefined && e.row < rows.length).sort((a, b) => (a.row ?? 0) - (b.row ?? 0))[0];
    if (bad) {
      this.builder.addRows(rows.slice(0, bad.row), this.lineBreak);
      throw this.quoteError(bad, this.tail, rows[bad.row!]!, false);
    }
    this.builder.addRows(rows, this.lineBreak);
    const consumed = res.meta.cursor - this.tailStart;
    this.tailLine += countBreaks(this.tail, 0, consumed, this.lineBreak);
    this.tail = this.tail.slice(consumed);
    this.tailStart = res.meta.cursor;
  }

  /** A quote error at `e.index` of `text` (which starts at line `tailLine`), naming line and column. */
  private quoteError(e: Papa.ParseError, text: string, row: readonly string[], cutShort: boolean): LabError {
    const at = e.index ?? 0;
    const line = this.tailLine + countBreaks(text, 0, at, this.lineBreak);
    const colIndex = e.code === 'MissingQuotes' ? row.length - 1 : row.findIndex((c) => c.includes('"'));
    const column = this.builder.columnName(colIndex);
    const where = `${this.name}: Line ${line}${column !== undefined ? `, column "${column}"` : ''}`;
    const detail = { file: this.name, line, column };
    if (e.code === 'MissingQuotes') {
      const rest = cutShort ? `is not closed within the next ${MAX_ROW_CHARS >> 20} MB` : `is never closed, so the remaining ${this.linesFrom(text, at)} line(s) of the file would be read as one value`;
      return new LabError('bad-quotes', `${where}: a quote (") opens a value here and ${rest}. Close the quote or remove it; nothing was loaded.`, detail);
    }
    return new LabError('bad-quotes', `${where}: text follows the closing quote of a quoted value (like "abc"def). Put the whole value in quotes or remove the quotes; nothing was loaded.`, detail);
  }

  /** Lines from offset `at` of `text` to its end (a final line break ends the last line, it starts none). */
  private linesFrom(text: string, at: number): number {
    return countBreaks(text, at, text.length, this.lineBreak) + (text.endsWith(this.lineBreak) ? 0 : 1);
  }

  /** The unfinished row passed MAX_ROW_CHARS: find the quote that keeps it open, if any. */
  private runawayRowError(): LabError {
    const probe = Papa.parse<string[]>(this.tail, { delimiter: this.delimiter, newline: this.newline as Papa.ParseConfig['newline'], skipEmptyLines: false, preview: 2 });
    const open = probe.errors.find((e) => e.type === 'Quotes' && (e.row ?? 0) === 0);
    const error = open
      ? this.quoteError(open, this.tail, probe.data[0] ?? [], true)
      : new LabError('value-too-long', `${this.name}: Line ${this.tailLine}: a row longer than ${MAX_ROW_CHARS >> 20} MB with no line end — this does not look like a feature table.`, {
          file: this.name,
          line: this.tailLine,
        });
    this.failure = error;
    return error;
  }

  /** End of the file: the last row, then the dataset (or the error that stops it). */
  finish(): Dataset {
    if (this.failure) throw this.failure;
    this.pushText(this.decoder.flush());
    if (!this.source) {
      throw new LabError('empty-file', this.bytes === 0 && !this.sawText ? `${this.name} is empty (0 bytes).` : `${this.name} is empty.`, { file: this.name });
    }
    this.source.end();
    if (this.failure) throw this.failure;
    if (this.decoder.encoding) this.builder.encoding = this.decoder.describe();
    const notice = this.decoder.notice();
    if (notice) this.builder.notices.unshift(notice);
    return this.builder.finish();
  }
}

/** Parse a whole table held in memory as text (tests, benchmarks). */
export function parseTableText(text: string, name: string, opts: TableOptions = {}): Dataset {
  const reader = new TableReader(name, opts);
  reader.pushText(text);
  return reader.finish();
}

/** Parse a whole file's bytes (the CLI): decoded by the same decoder as the browser's worker. */
export function parseTableBytes(bytes: Uint8Array, name: string, opts: TableOptions = {}): Dataset {
  const reader = new TableReader(name, opts);
  reader.pushBytes(bytes);
  return reader.finish();
}
