import { useRef, useState } from 'react';
import { exportCsv } from '../../core/features/exportCsv';
import { RECIPES } from '../../core/features/recipes';
import { RECIPE_IDS, type RecipeId } from '../../core/features/spec';
import { cancelImport, collectDropped, importAudioFiles, loadDemoCorpus, type AudioInput } from '../../app/audioImportActions';
import { ErrorBox } from '../Cell';
import { DropZone } from '../DropZone';
import { downloadBlob } from '../download';
import { SelectField } from '../controls';
import { useLab } from '../store';

const TABLE_RECIPES = RECIPE_IDS.filter((r) => r !== 'meyda');

function fmtEta(sec?: number): string {
  if (sec === undefined || !Number.isFinite(sec)) return '';
  return sec < 60 ? `about ${Math.ceil(sec)} s left` : `about ${Math.ceil(sec / 60)} min left`;
}

/** Drop audio (files or a genres_original/<genre>/ folder) and extract a feature table. */
export function AudioImport() {
  const imp = useLab((s) => s.audioImport);
  const [recipe, setRecipe] = useState<RecipeId>('kaggle30');
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const start = (inputs: AudioInput[]) => void importAudioFiles(inputs, recipe);
  const fromInput = (list: FileList | null) => list && start(Array.from(list, (file) => ({ file, path: file.webkitRelativePath || file.name })));
  const running = imp?.status === 'running';
  return (
    <div className="subcell" data-testid="audio-import">
      <h3>…or build a table from audio</h3>
      <p className="small">
        Drop audio files or a folder laid out like Kaggle’s <code>genres_original/&lt;genre&gt;/*.wav</code> (or files named like <code>jazz.00012.wav</code>). The lab computes the same features
        librosa produced for the published tables, in the recipe you pick, using one background worker per CPU core. Results are cached, so dropping the same files again is instant.
      </p>
      <div className="controls-inline">
        <SelectField
          label="Recipe (table and segment length)"
          value={recipe}
          options={TABLE_RECIPES.map((r) => ({ value: r, label: `${r} — ${RECIPES[r].description}` }))}
          onChange={(v) => setRecipe(v as RecipeId)}
          testId="audio-recipe"
        />
        <button type="button" onClick={() => folder.current?.click()} disabled={running}>
          Pick a folder…
        </button>
        <button type="button" onClick={() => files.current?.click()} disabled={running}>
          Pick files…
        </button>
        <button type="button" onClick={() => void loadDemoCorpus()} disabled={running} data-testid="load-demo">
          Load the synthetic demo corpus
        </button>
        <input ref={files} type="file" multiple accept="audio/*,.wav,.mp3,.flac,.ogg" hidden data-testid="audio-input" onChange={(e) => { fromInput(e.target.files); e.target.value = ''; }} />
        <input ref={folder} type="file" hidden data-testid="audio-folder-input" {...{ webkitdirectory: '', directory: '' }} onChange={(e) => { fromInput(e.target.files); e.target.value = ''; }} />
      </div>
      <DropZone testId="audio-drop-zone" small onDrop={(dt) => void collectDropped(dt).then(start)}>
        Drop audio files or a folder here
      </DropZone>
      {imp && imp.status !== 'idle' && (
        <div data-testid="audio-status">
          {running && (
            <div className="runbar">
              <span>
                Analysing {imp.done}/{imp.total} files ({imp.recipe})
              </span>
              <progress max={1} value={imp.progress} data-testid="audio-progress" aria-label="extraction progress" />
              <span className="muted">{fmtEta(imp.etaSec)}</span>
              <button onClick={cancelImport} data-testid="audio-cancel">
                Cancel
              </button>
            </div>
          )}
          {imp.status === 'done' && (
            <p className="small" data-testid="audio-done">
              Analysed {imp.total - imp.failed.length} of {imp.total} file(s){imp.fromCache ? `, ${imp.fromCache} from the cache` : ''}.
            </p>
          )}
          {imp.status === 'cancelled' && <p className="small muted">Cancelled; the dataset loaded before is unchanged.</p>}
          <ErrorBox error={imp.status === 'error' ? imp.error : undefined} />
          {imp.failed.length > 0 && (
            <details open className="failed" data-testid="audio-failed">
              <summary>
                {imp.failed.length} file(s) could not be used
              </summary>
              <ul>
                {imp.failed.map((f) => (
                  <li key={f.file}>
                    <code>{f.file}</code>: {f.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </div>
  );
}

/** Download the loaded dataset as a CSV/TSV in its table's own format. */
export function ExportButton() {
  const ds = useLab((s) => s.dataset);
  // Export writes a recipe's own table format, so it needs to know the recipe.
  if (!ds?.meta.recipe) return null;
  const ntnu = ds.meta.recipe?.startsWith('ntnu') || ds.format === 'ntnu';
  const onClick = () => {
    const text = exportCsv(ds);
    const blob = new Blob([text], { type: ntnu ? 'text/tab-separated-values' : 'text/csv' });
    downloadBlob(`${ds.name.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_')}${ntnu ? '.txt' : '.csv'}`, blob);
  };
  return (
    <button type="button" onClick={onClick} data-testid="export-csv">
      Export as {ntnu ? 'TSV (NTNU format)' : 'CSV (Kaggle format)'}
    </button>
  );
}
