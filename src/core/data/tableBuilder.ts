/**
 * Rows to a Dataset: which format a table is (Kaggle GTZAN CSV, NTNU GenreClassData TSV, or any
 * table with a label column), which columns are features, and a check of every row. Rows arrive
 * in order, chunk by chunk (`addRows`), from the reader in `parse.ts`.
 *
 * Rules the student can rely on (and the error messages say, naming file, line and column):
 * - line numbers are the file's own: blank lines count, and so do line breaks inside quoted values;
 * - an empty cell drops its row (listed in the summary); `NaN`/`Inf` or text in a numeric
 *   feature column is an error;
 * - duplicate column names, ragged rows, a single genre, no label column, a value over
 *   MAX_CELL_CHARS or a genre name over MAX_LABEL_CHARS are errors.
 */
import { LabError } from '../errors';
import { isNumberText } from './csvCells';
import { hashString, type Dataset, type DatasetFormat } from './dataset';

export interface TableOptions {
  /** Label column for generic tables (detected for Kaggle/NTNU and common names). */
  labelColumn?: string;
  /** Optional column grouping rows into tracks (segments of one track stay on one side of a split). */
  trackColumn?: string;
}

/** NTNU GenreID order (RECIPES.md): the label order the course report uses. */
export const NTNU_GENRE_ORDER = ['pop', 'metal', 'disco', 'blues', 'reggae', 'classical', 'rock', 'hiphop', 'country', 'jazz'];

/** Longest value accepted in any cell: a file path fits (Linux allows 4096), a runaway quoted value does not. */
export const MAX_CELL_CHARS = 10_000;
/** Longest genre name: longer ones are a wrong column or a quote left open, never a genre. */
export const MAX_LABEL_CHARS = 200;

export const LABEL_NAMES = ['label', 'genre', 'class', 'target', 'category', 'y'];
const KAGGLE_NON_FEATURES = ['filename', 'length', 'label'];
/** Columns only the Kaggle GTZAN tables have; with `length` and `label` they mark a Kaggle table that lost its `filename`. */
const KAGGLE_MARKERS = ['chroma_stft_mean', 'rms_mean', 'harmony_mean', 'perceptr_mean', 'mfcc1_mean'];
const NTNU_NON_FEATURES = ['Track ID', 'File', 'GenreID', 'Genre', 'Type'];

interface Layout {
  format: DatasetFormat;
  header: string[];
  labelCol: number;
  trackCol: number;
  splitCol: number;
  /** Column index → feature position, or -1 when not a feature. */
  featureCols: number[];
  featureNames: string[];
  otherColumns: string[];
  lengthCol: number;
  /** Things the summary should say about how the table was read. */
  notices: string[];
}

/** `1,5` or `-0,25`: a decimal comma (tables saved by a European-locale spreadsheet). */
const DECIMAL_COMMA_RE = /^[+-]?\d*,\d+([eE][+-]?\d+)?$/;

function detectLayout(name: string, rawHeader: string[], firstRow: string[] | undefined, opts: TableOptions): Layout {
  const header = rawHeader.map((h) => h.trim());
  const seen = new Map<string, number>();
  const dups: string[] = [];
  for (const h of header) {
    seen.set(h, (seen.get(h) ?? 0) + 1);
    if (seen.get(h) === 2) dups.push(h);
  }
  if (dups.length) throw new LabError('duplicate-columns', `${name}: Duplicate column names: ${dups.map((d) => `"${d}"`).join(', ')}. Rename them so each column is unique.`, { file: name, columns: dups });
  const long = header.find((h) => h.length > MAX_LABEL_CHARS);
  if (long !== undefined)
    throw new LabError('value-too-long', `${name}: a column name on the header line is ${long.length} characters long (the limit is ${MAX_LABEL_CHARS}): is the first line really the header, and are its quotes closed?`, { file: name, line: 1 });

  const has = (n: string) => header.includes(n);
  let format: DatasetFormat = 'generic';
  let nonFeature: string[] = [];
  let labelName: string | undefined;
  let trackName: string | undefined = opts.trackColumn;
  let splitName: string | undefined;
  const notices: string[] = [];
  if (!opts.labelColumn && has('filename') && has('label')) {
    format = 'kaggle';
    nonFeature = KAGGLE_NON_FEATURES;
    labelName = 'label';
    trackName = 'filename';
  } else if (!opts.labelColumn && has('label') && has('length') && KAGGLE_MARKERS.filter(has).length >= 2) {
    // A Kaggle table with its `filename` column deleted: `length` (samples per clip) is still not a feature.
    format = 'kaggle';
    nonFeature = KAGGLE_NON_FEATURES;
    labelName = 'label';
    if (trackName && !has(trackName)) throw new LabError('bad-argument', `${name}: there is no column "${trackName}" in this table.`, { file: name });
    notices.push(
      'A Kaggle table without its filename column: "length" is kept out of the features, and each row is taken as its own track. ' +
        'In a 3-second table the segments of one track can then fall on both sides of a split — keep the filename column to prevent that.',
    );
  } else if (!opts.labelColumn && has('File') && has('Genre') && has('Track ID')) {
    format = 'ntnu';
    nonFeature = NTNU_NON_FEATURES;
    labelName = 'Genre';
    trackName = 'File';
    splitName = has('Type') ? 'Type' : undefined;
  } else {
    // Common label names, in priority order (`label` beats `y` when a table has both).
    labelName = opts.labelColumn ?? LABEL_NAMES.map((n) => header.find((h) => h.toLowerCase() === n)).find((h) => h !== undefined);
    if (!labelName || !has(labelName)) {
      const textCols = firstRow ? header.filter((_, i) => !isNumberText(firstRow[i] ?? '')) : [];
      // Surface-neutral: the Data cell offers a column picker, the CLI names its --label option.
      throw new LabError(
        'no-label-column',
        opts.labelColumn ? `${name}: there is no column "${opts.labelColumn}" in this table.` : `${name}: No label column found (looked for ${LABEL_NAMES.join(', ')}).`,
        { file: name, columns: header, candidates: textCols.length ? textCols : header, looked: LABEL_NAMES },
      );
    }
    if (trackName && !has(trackName)) throw new LabError('bad-argument', `${name}: there is no column "${trackName}" in this table.`, { file: name });
    nonFeature = [labelName, ...(trackName ? [trackName] : [])];
  }
  const featureCols: number[] = [];
  const featureNames: string[] = [];
  const otherColumns: string[] = [];
  header.forEach((h, i) => {
    // In generic tables a column whose first value is text (an id, an artist) is kept aside, not a feature.
    // A decimal comma (`1,5`) is a number written the European way: keep the column, so the row check names it.
    const first = (firstRow?.[i] ?? '').trim();
    const textInGeneric = format === 'generic' && firstRow !== undefined && first !== '' && !isNumberText(first) && !DECIMAL_COMMA_RE.test(first);
    if (nonFeature.includes(h) || textInGeneric) {
      featureCols.push(-1);
      otherColumns.push(h);
    } else {
      featureCols.push(featureNames.length);
      featureNames.push(h);
    }
  });
  const asideText = otherColumns.filter((h) => !nonFeature.includes(h));
  if (asideText.length) notices.push(`Not used as features (text in the first row): ${asideText.map((h) => `"${h}"`).join(', ')}.`);
  if (featureNames.length === 0) throw new LabError('no-features', `${name}: the table has no numeric feature columns.`, { file: name });
  return {
    format,
    header,
    labelCol: header.indexOf(labelName),
    trackCol: trackName ? header.indexOf(trackName) : -1,
    splitCol: splitName ? header.indexOf(splitName) : -1,
    featureCols,
    featureNames,
    otherColumns,
    lengthCol: format === 'kaggle' ? header.indexOf('length') : -1,
    notices,
  };
}

const NON_FINITE_RE = /^[+-]?(nan|inf|infinity)$/i;

/** `blues.00000.3.wav` → track `blues.00000`, segment 3; `blues.00000.au` → segment 0. */
export function parseKaggleFilename(name: string): { trackId: string; segment: number } {
  const m = /^([A-Za-z]+)\.(\d+)(?:\.(\d+))?\.(?:wav|au|mp3|flac|ogg)$/i.exec(name.trim());
  if (!m) return { trackId: name.trim(), segment: -1 };
  return { trackId: `${m[1]}.${m[2]}`, segment: m[3] !== undefined ? Number(m[3]) : 0 };
}

/** `pop_00072.wav` → `pop.00072` (the GTZAN id). */
export function ntnuFileToTrackId(file: string): string {
  const m = /^([A-Za-z]+)_(\d+)\.(?:wav|au)$/i.exec(file.trim());
  return m ? `${m[1]}.${m[2]}` : file.trim();
}

/** Line breaks inside one row's values (quoted values may hold them), counted the way the file breaks lines. */
function breaksIn(row: readonly string[], lineBreak: '\n' | '\r'): number {
  let n = 0;
  for (const cell of row) {
    for (let at = cell.indexOf(lineBreak); at >= 0; at = cell.indexOf(lineBreak, at + 1)) n++;
  }
  return n;
}

function isBlankRow(row: readonly string[]): boolean {
  for (const c of row) if (c.trim() !== '') return false;
  return true;
}

/** Incremental builder: feed parsed rows (header first), then `finish()`. */
export class TableBuilder {
  private layout: Layout | undefined;
  private pendingHeader: string[] | undefined;
  private headerLine = 1;
  private values: number[] = [];
  private labelNames: string[] = [];
  private trackIds: string[] = [];
  private segments: number[] = [];
  private splits: number[] = [];
  private rowKeys: string[] = [];
  private lengths: number[] = [];
  private dropped: { line: number; column: string }[] = [];
  private segCounter = new Map<string, number>();
  /** 1-based line of the file where the next row starts. */
  private lineAt = 1;
  private hash = 0x811c9dc5;
  /** How the text was decoded (`UTF-8`, `UTF-16LE`, …), set by the reader. */
  encoding: string | undefined;
  /** Sentences for the dataset summary (how the file was read, what was assumed). */
  readonly notices: string[] = [];

  constructor(
    private readonly name: string,
    private readonly opts: TableOptions = {},
  ) {}

  /** Mix raw text into the dataset id (call with each chunk's text, or the whole text). */
  addText(text: string): void {
    this.hash = parseInt(hashString(text, this.hash), 16);
  }

  get rowCount(): number {
    return this.rowKeys.length;
  }

  /** Name of column `index` (from the header once it is read), for messages. */
  columnName(index: number): string | undefined {
    const header = this.layout?.header ?? this.pendingHeader;
    return index >= 0 && header ? header[index]?.trim() : undefined;
  }

  /** The line where the next row starts (where a row still being read begins). */
  get nextLine(): number {
    return this.lineAt;
  }

  /**
   * Add parsed rows in file order. `lineBreak` is the file's line end (`\n` also covers `\r\n`)
   * so line breaks inside quoted values keep the line numbers right. Blank rows are skipped.
   */
  addRows(rows: readonly string[][], lineBreak: '\n' | '\r' = '\n'): void {
    for (const row of rows) {
      const line = this.lineAt;
      const span = breaksIn(row, lineBreak);
      this.lineAt += 1 + span;
      if (isBlankRow(row)) continue;
      if (!this.layout) {
        if (!this.pendingHeader) {
          this.pendingHeader = row;
          this.headerLine = line;
          continue;
        }
        this.layout = detectLayout(this.name, this.pendingHeader, row, this.opts);
        this.notices.push(...this.layout.notices);
      }
      this.addRow(row, this.layout, line, span);
    }
  }

  private where(line: number, column?: string): string {
    return `${this.name}: Line ${line}${column !== undefined ? `, column "${column}"` : ''}`;
  }

  private addRow(row: string[], L: Layout, line: number, span: number): void {
    // A row over several lines is a quoted value with line breaks; in a feature table that is
    // almost always a quote closed lines later than meant.
    const spanNote = span > 0 ? ` This row runs from line ${line} to line ${line + span}: a quote (") in it is probably closed far later than meant.` : '';
    if (row.length !== L.header.length) {
      throw new LabError('ragged-rows', `${this.where(line)} has ${row.length} fields but the header has ${L.header.length}. Every row needs one value per column.${spanNote}`, {
        file: this.name,
        line,
      });
    }
    const feats = new Array<number>(L.featureNames.length);
    for (let i = 0; i < row.length; i++) {
      const raw = row[i] ?? '';
      if (raw.length > MAX_CELL_CHARS) {
        throw new LabError('value-too-long', `${this.where(line, L.header[i])}: a value of ${raw.length} characters (the limit is ${MAX_CELL_CHARS}).${spanNote || ' Is it the right file?'}`, {
          file: this.name,
          line,
          column: L.header[i],
        });
      }
      const fi = L.featureCols[i]!;
      if (fi < 0) continue;
      const cell = raw.trim();
      if (cell === '') {
        this.dropped.push({ line, column: L.header[i]! });
        return;
      }
      if (NON_FINITE_RE.test(cell)) {
        throw new LabError('non-finite', `${this.where(line, L.header[i])}: the value "${cell}" is not a finite number. Remove or fix that row.`, {
          file: this.name,
          line,
          column: L.header[i],
        });
      }
      if (!isNumberText(cell)) {
        const hint = DECIMAL_COMMA_RE.test(cell)
          ? ` It has a decimal comma; this lab reads decimal points (${cell.replace(',', '.')}): save the table with "." as the decimal separator.`
          : spanNote;
        throw new LabError('non-numeric', `${this.where(line, L.header[i])}: "${cell.slice(0, 40)}" is not a number.${hint}`, { file: this.name, line, column: L.header[i] });
      }
      feats[fi] = Number(cell);
    }
    const label = (row[L.labelCol] ?? '').trim();
    if (label === '') {
      this.dropped.push({ line, column: L.header[L.labelCol]! });
      return;
    }
    if (label.length > MAX_LABEL_CHARS || /[\r\n]/.test(label)) {
      throw new LabError(
        'value-too-long',
        `${this.where(line, L.header[L.labelCol])}: a genre name ${/[\r\n]/.test(label) ? 'with line breaks' : `of ${label.length} characters (the limit is ${MAX_LABEL_CHARS})`} is not a genre.${spanNote}`,
        { file: this.name, line, column: L.header[L.labelCol] },
      );
    }
    let trackId: string;
    let segment: number;
    const key = L.trackCol >= 0 ? (row[L.trackCol] ?? '').trim() : `row${line}`;
    if (L.format === 'kaggle') {
      const k = parseKaggleFilename(key);
      trackId = k.trackId;
      segment = k.segment;
    } else if (L.format === 'ntnu') {
      trackId = ntnuFileToTrackId(key);
      segment = -1;
    } else {
      trackId = key;
      segment = -1;
    }
    if (segment < 0) {
      // Segments of one track are in table order (NTNU: `File` order).
      segment = this.segCounter.get(trackId) ?? 0;
      this.segCounter.set(trackId, segment + 1);
    }
    for (const v of feats) this.values.push(v);
    this.labelNames.push(label);
    this.trackIds.push(trackId);
    this.segments.push(segment);
    this.rowKeys.push(key);
    if (L.splitCol >= 0) {
      const t = (row[L.splitCol] ?? '').trim().toLowerCase();
      this.splits.push(t === 'test' ? 1 : 0);
    }
    if (L.lengthCol >= 0) this.lengths.push(Number(row[L.lengthCol]));
  }

  finish(): Dataset {
    if (!this.layout) {
      if (this.pendingHeader) {
        throw new LabError('empty-file', `${this.name} has a header (line ${this.headerLine}) but no data rows.`, { file: this.name });
      }
      throw new LabError('empty-file', `${this.name} is empty.`, { file: this.name });
    }
    const L = this.layout;
    if (this.rowKeys.length === 0) throw new LabError('empty-file', `${this.name} has no complete rows (every row has an empty cell).`, { file: this.name });
    const distinct = [...new Set(this.labelNames)];
    if (distinct.length < 2) {
      throw new LabError('single-genre', `${this.name}: Only one genre ("${distinct[0]}") in column "${L.header[L.labelCol]}": a classifier needs at least two.`, { file: this.name, genre: distinct[0] });
    }
    const genres =
      L.format === 'ntnu' && distinct.every((g) => NTNU_GENRE_ORDER.includes(g))
        ? NTNU_GENRE_ORDER.filter((g) => distinct.includes(g))
        : distinct.sort((a, b) => a.localeCompare(b));
    const index = new Map(genres.map((g, i) => [g, i]));
    const n = this.rowKeys.length;
    const hasTest = this.splits.some((s) => s === 1) && this.splits.some((s) => s === 0);
    return {
      id: `${hashString(this.name)}-${(this.hash >>> 0).toString(16)}-${hashString(JSON.stringify(this.opts))}`,
      name: this.name,
      format: L.format,
      featureNames: L.featureNames,
      nRows: n,
      values: Float64Array.from(this.values),
      labels: Int32Array.from(this.labelNames, (g) => index.get(g)!),
      genres,
      trackIds: this.trackIds,
      segmentIndex: Int32Array.from(this.segments),
      split: hasTest ? Uint8Array.from(this.splits) : undefined,
      rowKeys: this.rowKeys,
      meta: {
        recipe: guessRecipe(L.format, this.name, L.featureNames.length),
        droppedRows: this.dropped,
        otherColumns: L.otherColumns,
        lengths: this.lengths.length ? this.lengths : undefined,
        labelColumn: L.header[L.labelCol],
        trackColumn: L.trackCol >= 0 ? L.header[L.trackCol] : undefined,
        encoding: this.encoding,
        notices: this.notices.length ? [...this.notices] : undefined,
      },
    };
  }
}

function guessRecipe(format: DatasetFormat, name: string, nFeatures: number): string | undefined {
  if (format === 'kaggle' && nFeatures === 57) return /3_sec/.test(name) ? 'kaggle3' : 'kaggle30';
  if (format === 'ntnu' && nFeatures === 63) {
    const m = /(\d+)s\b/.exec(name);
    return m ? `ntnu${m[1]}` : undefined;
  }
  return undefined;
}
